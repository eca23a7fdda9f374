"""Finding 2: applications could be linked to projects only by the demo loader. A config
file links them with `projects: [slug, ...]`, and a link to a missing project is an error at
its line."""

import pytest
from sqlalchemy import text
from support import apply

from jadugar.services import applications, config_io

FILE = """\
projects:
  - slug: shop-repo
    name: Shop repository
applications:
  - slug: shop
    name: Shop
    projects: [shop-repo]
"""


def _links(conn) -> list[tuple[str, str]]:
    return conn.execute(text("""select a.slug, p.slug from application_projects ap
        join applications a on a.id = ap.application_id
        join projects p on p.id = ap.project_id""")).all()


def test_it_links_an_application_to_its_projects(conn):
    apply(conn, FILE)
    assert _links(conn) == [("shop", "shop-repo")]
    assert applications.get_application(conn, "shop").projects == ["shop-repo"]


def test_it_unlinks_what_the_file_no_longer_lists(conn):
    apply(conn, FILE)
    apply(conn, FILE.replace("[shop-repo]", "[]"))
    assert _links(conn) == []


def test_it_refuses_a_link_to_a_missing_project_at_its_line(conn):
    with pytest.raises(config_io.ConfigFileError,
                       match=r"^jadugar.yaml:7: projects: no project 'shop-rep'"):
        apply(conn, FILE.replace("[shop-repo]", "[shop-rep]"))
