from sqlalchemy import BigInteger, Column, DateTime, MetaData

metadata = MetaData()


def pk() -> Column:
    return Column("id", BigInteger, primary_key=True)


def ts(name: str, **kw) -> Column:
    return Column(name, DateTime(timezone=True), **kw)
