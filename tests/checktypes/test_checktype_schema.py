"""Each check type declares its `expect` and `options` keys with type, default and help:
the declaration validates (naming the key), can refuse unknown keys, and documents the
API; the README names every built-in type."""

from pathlib import Path

import pytest

from jadugar.checks import registry
from jadugar.errors import Invalid

README = Path(__file__).resolve().parents[2] / "README.md"


def test_it_can_refuse_an_unknown_key_naming_it():
    http = registry.get("http")
    http.validate_settings({}, {"methd": "GET"})  # open for now: unknown keys are kept
    with pytest.raises(Invalid) as err:
        http.validate_settings({}, {"methd": "GET"}, refuse_unknown=True)
    assert err.value.field == "options.methd" and "method" in err.value.message


def test_it_declares_help_for_every_key_and_the_probes_defaults():
    keys = [(k.name, part, key, s) for k in registry.BUILT_IN
            for part in ("expect", "options")
            for key, s in getattr(k, part).settings.items()]
    assert [(name, part, key) for name, part, key, s in keys if not s.help] == []
    assert registry.get("http").options.defaults() == {
        "method": "GET", "follow_redirects": True, "verify_tls": True,
        "max_body_bytes": 64 * 1024}
    assert registry.get("tls").expect.defaults() == {"min_days_left": 14}


def test_it_documents_each_type_in_the_openapi_document(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["CheckInput"]["properties"]["type"]["enum"] == list(registry.types())
    method = schemas["CheckOptions.http"]["properties"]["method"]
    assert (method["type"], method["default"]) == ("string", "GET")
    rule = schemas["CheckExpect.prometheus"]["properties"]["rule"]
    assert rule["required"] == ["metric", "value"] and "<=" in rule["properties"]["op"]["enum"]


def test_it_names_every_built_in_type_in_the_readme():
    text = README.read_text()
    assert [k.name for k in registry.BUILT_IN if f"`{k.name}`" not in text] == []
