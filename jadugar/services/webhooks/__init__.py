"""CI webhooks, the part without a database: verify a delivery, then normalise it.

A delivery runs in a straight line: the blueprint reads headers and body →
registry.get(name).auth → .normalize → a BuildEvent to upsert, an Ignored (answer 202 with
its reason) or a WebhookPayloadError (422 naming the field).
A source is one `CISource` (cisource.py); registry.py lists them, built-in and plug-in.
README.md beside this file documents every source, mapping and the generic format.
"""

from jadugar.services.webhooks.cisource import (
    Auth,
    CISource,
    ingest_token,
    repository_at,
    signature,
    token,
)
from jadugar.services.webhooks.errors import WebhookPayloadError
from jadugar.services.webhooks.events import (
    FINISHED,
    KINDS,
    STATUSES,
    BuildEvent,
    Ignored,
    StageEvent,
)
from jadugar.services.webhooks.generic import normalize as normalize_generic
from jadugar.services.webhooks.github import normalize as normalize_github
from jadugar.services.webhooks.gitlab import normalize as normalize_gitlab
from jadugar.services.webhooks.signatures import verify_github, verify_token

__all__ = [
    "FINISHED", "KINDS", "STATUSES",
    "Auth", "BuildEvent", "CISource", "Ignored", "StageEvent", "WebhookPayloadError",
    "ingest_token", "normalize_generic", "normalize_github", "normalize_gitlab",
    "repository_at", "signature", "token", "verify_github", "verify_token",
]
