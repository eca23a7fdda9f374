"""The Settings check form is drawn from the check types: a type's fields, readers and
schema decide what the form shows and accepts, and each error lands beside its field."""

from types import SimpleNamespace

import pytest
from checktype_fakes import with_ftp

from jadugar.errors import Invalid
from jadugar.ui import settings_check_form as form

BLANK = dict.fromkeys(form.NAMES)


def _values(**given) -> dict:
    return {**BLANK, "name": "c", "interval_s": "60", **given}


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=x)"])
def test_it_shows_what_re2_refuses_beside_the_regex_field(pattern):
    with pytest.raises(Invalid) as err:
        form.to_check(_values(type="http", target="https://x.test", body_regex=pattern))
    assert err.value.field == "body_regex" and "RE2" in err.value.message


def test_it_shows_a_schema_error_beside_its_field_without_the_key_path():
    with pytest.raises(Invalid) as err:
        form.to_check(_values(type="prometheus", target="http://x.test/metrics",
                              rule_metric="up", rule_op="=>", rule_value="1"))
    assert (err.value.field, err.value.message) == ("rule_op",
                                                    "must be one of <, <=, >, >=, ==, !=")


def test_it_draws_reads_and_shows_a_plugin_types_fields(monkeypatch):
    with_ftp(monkeypatch)
    rows = {row.id: row for row in form.group_rows("set-checks")}
    assert "set-checks-group-ftp" in rows and "d-none" in rows["set-checks-group-ftp"].className
    assert "set-checks-ftp_path" in str(rows["set-checks-group-ftp"].children)

    values = {**_values(type="ftp", target="ftp://u:pw@files.example"),
              "ftp_path": " /incoming ", "ftp_passive": False}
    data = form.to_check(values)
    assert data["expect"] == {"path": "/incoming"} and data["options"] == {"passive": False}
    row = SimpleNamespace(**{**data, "application": "shop", "target": "ftp://u:pw@x",
                             "timeout_s": 10, "grace_s": None})
    shown = form.to_form(row)
    assert (shown["ftp_path"], shown["ftp_passive"], shown["target"]) == ("/incoming", False,
                                                                          "***")
    with pytest.raises(Invalid) as err:
        form.to_check({**values, "ftp_path": "incoming"})
    assert err.value.field == "ftp_path"
