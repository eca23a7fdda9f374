"""Finding 1: --prune with an empty or misspelt file deleted every application. A prune that
would delete more than a stated share of all objects is now refused without --yes, and only
the sections a file has are pruned."""

import pytest
from monitoring_factory import make_app
from sqlalchemy import text
from support import apply

from jadugar.services import config_apply

FILE = """\
applications:
{apps}
status_pages:
  - slug: public
    title: Status
    applications: [a1]
"""


def _apps(*slugs: str) -> str:
    return "\n".join(f"  - slug: {s}\n    name: {s.upper()}" for s in slugs)


def _slugs(conn) -> list[str]:
    return [r[0] for r in conn.execute(text("select slug from applications order by slug"))]


def test_it_refuses_to_prune_most_objects_without_yes(conn):
    apply(conn, FILE.format(apps=_apps("a1", "a2", "a3", "a4")))
    with pytest.raises(config_apply.ApplyRefused, match="would delete 3 of 5 objects"):
        apply(conn, FILE.format(apps=_apps("a1")), prune=True)
    assert _slugs(conn) == ["a1", "a2", "a3", "a4"]


def test_it_prunes_as_much_as_it_is_told_with_yes(conn):
    apply(conn, FILE.format(apps=_apps("a1", "a2", "a3", "a4")))
    plan = apply(conn, FILE.format(apps=_apps("a1")), prune=True, yes=True)
    assert plan.counts()["deleted"] == 3
    assert _slugs(conn) == ["a1"]


def test_it_prunes_a_small_share_without_asking(conn):
    apply(conn, FILE.format(apps=_apps("a1", "a2", "a3", "a4", "a5")))
    apply(conn, FILE.format(apps=_apps("a1", "a2", "a3", "a4")), prune=True)
    assert _slugs(conn) == ["a1", "a2", "a3", "a4"]


def test_it_prunes_only_the_sections_the_file_has(conn):
    make_app(conn, "legacy")
    apply(conn, FILE.format(apps=_apps("a1", "a2", "a3", "a4")))
    apply(conn, "status_pages: []\n", prune=True, yes=True)
    assert _slugs(conn) == ["a1", "a2", "a3", "a4", "legacy"]
    assert conn.execute(text("select count(*) from status_pages")).scalar_one() == 0
