from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Text
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


def pk() -> Column:
    return Column("id", BigInteger, primary_key=True)


def ts(name: str, **kw) -> Column:
    return Column(name, DateTime(timezone=True), **kw)


class SealedText(TypeDecorator):
    """Text kept encrypted in the database (jadugar.secrets): SQLAlchemy statements built on
    the tables encrypt on the way in and decrypt on the way out. Raw text() SQL sees the
    ciphertext unless it types the column (`.columns(url=SealedText())`)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        from jadugar import secrets

        return None if value is None else secrets.encrypt(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        from jadugar import secrets

        return None if value is None else secrets.decrypt(value)
