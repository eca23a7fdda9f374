"""CI webhooks, the part without a database: verify a delivery, then normalise it.

A delivery runs in a straight line: the blueprint reads headers and body →
SOURCES[name].verify → SOURCES[name].normalize → a BuildEvent to upsert, an Ignored
(answer 202 with its reason) or a WebhookPayloadError (422 naming the field).
README.md beside this file documents every source, mapping and the generic format.
"""

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
from jadugar.services.webhooks.sources import SOURCES, WebhookSource

__all__ = [
    "FINISHED", "KINDS", "SOURCES", "STATUSES",
    "BuildEvent", "Ignored", "StageEvent", "WebhookPayloadError", "WebhookSource",
    "normalize_generic", "normalize_github", "normalize_gitlab",
    "verify_github", "verify_token",
]
