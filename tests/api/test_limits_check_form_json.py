"""The Settings check form reads the expected JSON value a person typed; JSON nested past
Python's recursion limit is kept as text, never a RecursionError (a 500 from the callback,
and again each time the form opens)."""

from types import SimpleNamespace

from jadugar.ui.settings_check_form import to_check, to_form

DEEP = "[" * 5000 + "]" * 5000


def test_it_keeps_a_deeply_nested_expected_value_as_text_both_ways():
    row = SimpleNamespace(application="shop", name="api", type="http",
                          target="http://127.0.0.1:9/", interval_s=60, timeout_s=5,
                          grace_s=None, options={}, expect={"json_path": "$.a",
                                                            "json_value": DEEP})
    form = to_form(row)
    assert form["json_value"] == DEEP
    assert to_check(form)["expect"]["json_value"] == DEEP
