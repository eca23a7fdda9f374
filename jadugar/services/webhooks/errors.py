"""The one error a webhook payload can raise: it names the field at fault.

It is an `Invalid` (422 through the API's JadugarError handler, never a 500) and a
`ValueError`, so code outside Flask can catch it without knowing Jadugar's error types.
"""

from __future__ import annotations

from jadugar.errors import Invalid


class WebhookPayloadError(Invalid, ValueError):
    code = "invalid_payload"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
