"""Finding 1: a misspelt key was ignored, so `applicationz:` with --prune deleted
everything. Every key of a config file is now known, or an error at its line."""

import pytest
from sqlalchemy import text
from support import apply

from jadugar.services import config_io

FILE = """\
applications:
  - slug: shop
    name: Shop
    checks:
      - name: home
        type: http
        target: https://shop.example/
        interval_s: 60
        expect:
          status: [200]
"""


def _error(source: str) -> str:
    with pytest.raises(config_io.ConfigFileError) as caught:
        config_io.load(source, "jadugar.yaml")
    return str(caught.value)


def test_it_refuses_a_misspelt_section_at_its_line():
    assert _error(FILE.replace("applications:", "applicationz:")).startswith(
        "jadugar.yaml:1: unknown section 'applicationz'")


@pytest.mark.parametrize("source", ["", "\n# nothing here\n", "{}"])
def test_it_refuses_a_file_that_names_no_section(source):
    assert "the file is empty" in _error(source)


def test_it_refuses_a_misspelt_check_key_at_its_line():
    bad = FILE.replace("interval_s: 60", "interval_s: 60\n        max_reponse_ms: 500")
    assert _error(bad).startswith("jadugar.yaml:9: unknown check key 'max_reponse_ms'")


def test_it_refuses_a_misspelt_application_key_at_its_line():
    assert _error(FILE.replace("name: Shop", "nmae: Shop")).startswith(
        "jadugar.yaml:3: unknown application key 'nmae'")


def test_it_refuses_unknown_rule_params_at_their_line():
    bad = FILE + "        rules:\n          - kind: failures_in_window\n" \
                 "            params: {of: 5, oof: 6}\n"
    assert "unknown params key of a failures_in_window rule 'oof'" in _error(bad)


def test_it_refuses_a_misspelt_expect_key_at_its_line(conn):
    bad = FILE.replace("status: [200]", "staus: [200]")
    with pytest.raises(config_io.ConfigFileError,
                       match=r"^jadugar.yaml:10: expect.staus is not a known key"):
        apply(conn, bad)
    assert conn.execute(text("select count(*) from applications")).scalar_one() == 0
