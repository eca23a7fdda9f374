"""The OpenAPI document states the scope each operation needs (x-scope); it must say what
the policy table says, so API users are not told a wider or narrower story."""

import re

from jadugar import policy
from jadugar.policy_map import ENDPOINTS


def _least_scope(action: str) -> str:
    rule = policy.rule(action)
    if rule.mode != "table":
        return "none (authenticates itself)"
    return next(s for s in policy.SCOPES if s in rule.scopes)


def test_it_documents_the_scope_the_policy_table_asks_for(client, dash_app):
    doc = client.get("/api/v1/openapi.json").json
    wrong = []
    for rule in dash_app.server.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):]) or "/"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            documented = doc["paths"][path][method.lower()]["x-scope"]
            wanted = _least_scope(ENDPOINTS.get(rule.endpoint, "unlisted"))
            if documented != wanted:
                wrong.append(f"{method} {path}: documents {documented}, table says {wanted}")
    assert not wrong, "\n".join(sorted(wrong))
