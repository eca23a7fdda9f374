"""One registry of webhook sources: adding a CI provider is one module and one line here.

The blueprint reads `event_header`, `delivery_header` and `secret_header` from the request,
calls `verify` (when the source has one) and then `normalize`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jadugar.services.webhooks import generic, github, gitlab
from jadugar.services.webhooks.events import BuildEvent, Ignored
from jadugar.services.webhooks.signatures import verify_github, verify_token

Normalize = Callable[[str | None, Any], BuildEvent | Ignored]
Verify = Callable[[str, bytes, str | None], bool]


@dataclass(frozen=True)
class WebhookSource:
    name: str
    normalize: Normalize            # (event header value, parsed JSON body)
    event_header: str | None        # names the event; None when the body says it all
    delivery_header: str | None     # one id per delivery, to drop redeliveries
    secret_header: str | None       # carries the signature or shared token
    verify: Verify | None           # (project secret, raw body, secret header value)


def _verify_gitlab(secret: str, body: bytes, header: str | None) -> bool:
    return verify_token(secret, header)  # GitLab sends the token itself, not a signature


def _normalize_generic(event: str | None, payload: Any) -> BuildEvent | Ignored:
    return generic.normalize(payload)  # the body carries everything; there are no events


SOURCES: dict[str, WebhookSource] = {
    "github": WebhookSource("github", github.normalize, "X-GitHub-Event", "X-GitHub-Delivery",
                            "X-Hub-Signature-256", verify_github),
    "gitlab": WebhookSource("gitlab", gitlab.normalize, "X-Gitlab-Event", "X-Gitlab-Event-UUID",
                            "X-Gitlab-Token", _verify_gitlab),
    # Authenticated like the rest of the API, with an API token; no shared secret.
    "generic": WebhookSource("generic", _normalize_generic, None, None, None, None),
}
