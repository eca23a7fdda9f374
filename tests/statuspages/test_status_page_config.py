"""Issue 15: a page's header, footer and logo travel through configuration as code: exported,
applied, kept when a file leaves them out, refused (naming the field) when bad."""

import pytest

from jadugar.services import config_apply, config_io
from jadugar.services.config_io import ConfigFileError
from jadugar.services.status_pages import feed_view, public_view

FILE = """\
applications:
  - slug: shop
    name: Shop
status_pages:
  - slug: public
    title: Shop status
    applications: [shop]
{extra}"""
BRANDED = ("    header_text: Hello\n    footer_text: Bye\n"
           "    logo_url: https://cdn.acme.test/logo.png\n")


def _apply(conn, extra: str = "") -> None:
    config_apply.apply(conn, config_io.load(FILE.format(extra=extra), "jadugar.yaml"),
                       "jadugar.yaml", prune=False)


def test_it_applies_and_exports_the_header_footer_and_logo(conn):
    _apply(conn, BRANDED)
    view = public_view(conn, "public")
    assert (view["header_text"], view["footer_text"], view["logo_url"]) == (
        "Hello", "Bye", "https://cdn.acme.test/logo.png")
    page = config_io.load(config_io.export(conn))["status_pages"][0]
    assert page["header_text"] == "Hello" and page["logo_url"].startswith("https://")


def test_a_file_that_leaves_them_out_keeps_them(conn):
    _apply(conn, BRANDED)
    _apply(conn, "    description: now with a description\n")
    assert public_view(conn, "public")["footer_text"] == "Bye"
    assert feed_view(conn, "public")["title"] == "Shop status"


def test_an_http_logo_is_refused(conn):
    with pytest.raises(ConfigFileError) as refused:
        _apply(conn, "    logo_url: http://cdn.acme.test/logo.png\n")
    assert "logo_url" in str(refused.value)
