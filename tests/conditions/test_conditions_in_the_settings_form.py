"""The Settings check form's conditions textarea: one condition a line into
expect.conditions, errors beside the textarea naming the condition and column."""

from types import SimpleNamespace

import pytest

from jadugar.errors import Invalid
from jadugar.ui import settings_check_form as form

BLANK = dict.fromkeys(form.NAMES)


def _values(**given) -> dict:
    return {**BLANK, "name": "c", "interval_s": "60", **given}


def test_it_reads_one_condition_a_line_skipping_blanks_and_notes():
    data = form.to_check(_values(type="tcp", target="db:5432", conditions=(
        "[CONNECTED] == true\n\n# slow is tolerable\ndegraded: [RESPONSE_TIME] < 200\n")))
    assert data["expect"] == {"conditions": ["[CONNECTED] == true",
                                             "degraded: [RESPONSE_TIME] < 200"]}


def test_it_keeps_the_http_fields_beside_the_conditions():
    data = form.to_check(_values(type="http", target="https://x.test", expect_status="2xx",
                                 conditions="[BODY].ok == true"))
    assert data["expect"] == {"status": ["2xx"], "conditions": ["[BODY].ok == true"]}


def test_it_shows_a_parse_error_beside_the_textarea_with_condition_and_column():
    with pytest.raises(Invalid) as err:
        form.to_check(_values(type="http", target="https://x.test",
                              conditions="[STATUS] == 200\n[BODY].x =! 3"))
    assert err.value.field == "conditions"
    assert err.value.message.startswith("condition 2 ([BODY].x =! 3), column 10:")


def test_it_clears_conditions_when_the_textarea_is_emptied():
    current = SimpleNamespace(expect={"conditions": ["[STATUS] == 200"], "status": 200})
    data = form.to_check(_values(type="tcp", target="db:5432", conditions=""), current)
    assert data["expect"] == {"status": 200}


def test_a_heartbeat_takes_no_conditions():
    data = form.to_check(_values(type="heartbeat", conditions="[STATUS] == 200"))
    assert "conditions" not in data.get("expect", {})


def test_it_shows_stored_conditions_one_a_line():
    row = SimpleNamespace(application="shop", name="c", type="http", target="https://x.test",
                          interval_s=60, timeout_s=10, grace_s=None, options={},
                          expect={"conditions": ["[STATUS] == 200", "[IP] == 10.0.0.1"]})
    assert form.to_form(row)["conditions"] == "[STATUS] == 200\n[IP] == 10.0.0.1"
