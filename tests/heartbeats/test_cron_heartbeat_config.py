"""A cron heartbeat and a public application in a config file: applied, exported back the
same, and a bad zone refused at its line."""

import pytest

from jadugar.services import config_apply, config_io

FILE = """\
applications:
  - slug: etl
    name: ETL
    public: true
    checks:
      - name: nightly
        type: heartbeat
        interval_s: 86400
        grace_s: 900
        options:
          schedule: "30 2 * * *"
          tz: Europe/Berlin
"""


def _apply(conn, source: str):
    return config_apply.apply(conn, config_io.load(source, "jadugar.yaml"), "jadugar.yaml")


def test_it_applies_and_exports_a_schedule_and_the_public_flag(conn):
    _apply(conn, FILE)
    app = config_io.load(config_io.export(conn))["applications"][0]
    assert app["public"] is True
    assert app["checks"][0]["options"] == {"schedule": "30 2 * * *", "tz": "Europe/Berlin"}


def test_a_private_application_exports_no_public_key(conn):
    _apply(conn, FILE.replace("    public: true\n", ""))
    assert "public" not in config_io.load(config_io.export(conn))["applications"][0]


def test_it_refuses_an_unknown_zone(conn):
    with pytest.raises(config_io.ConfigFileError) as err:
        _apply(conn, FILE.replace("Europe/Berlin", "Europe/Atlantis"))
    assert "options.tz" in str(err.value)
