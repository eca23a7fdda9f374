"""Every source of the registry gets its route, its OpenAPI entry, its project flag and its
place in the timeline's sources from the same loop: none is written out by hand."""

from jadugar.services import status_updates
from jadugar.services.webhooks import registry


def test_it_registers_one_route_per_source(dash_app):
    rules = {r.rule: r for r in dash_app.server.url_map.iter_rules()
             if r.rule.startswith("/api/v1/webhooks/")}
    assert sorted(rules) == sorted(f"/api/v1{s.path}" for s in registry.BUILT_IN)
    for source in registry.BUILT_IN:
        rule = rules[f"/api/v1{source.path}"]
        assert (rule.endpoint, rule.methods - {"OPTIONS"}, rule.defaults) == (
            "api.webhook", {"POST"}, {"name": source.name})


def test_it_documents_each_source_in_openapi(client):
    doc = client.get("/api/v1/openapi.json").json
    for source in registry.BUILT_IN:
        post = doc["paths"][source.path]["post"]
        assert post["x-scope"] == "none (authenticates itself)" and post["security"] == []
    generic = doc["paths"]["/webhooks/generic"]["post"]["requestBody"]
    assert generic["content"]["application/json"]["schema"]["$ref"].endswith("/GenericRun")
    secrets = doc["components"]["schemas"]["WebhookSecrets"]["properties"]
    assert sorted(secrets) == ["github_webhook_secret", "gitlab_webhook_token"]
    flags = doc["components"]["schemas"]["Project"]["properties"]
    assert {"has_github_secret", "has_gitlab_token"} <= set(flags)


def test_it_counts_every_source_among_the_timelines_writers():
    assert status_updates.sources() == ["api", "github", "gitlab", "generic", "ui"]
