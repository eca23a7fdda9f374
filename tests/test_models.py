from sqlalchemy import inspect

from jadugar import migrations
from jadugar.models import metadata


def test_it_keeps_the_models_in_step_with_the_migrations(engine):
    insp = inspect(engine)
    for name, table in metadata.tables.items():
        in_db = {c["name"] for c in insp.get_columns(name)}
        assert in_db == set(table.columns.keys()), name


def test_it_has_no_pending_migration(engine):
    assert migrations.is_current(engine)
