"""What readers below admin may not see of a check: credentials in its target, sensitive
header values, and the heartbeat ping URL (which is itself a credential: anyone holding it
can report the job as run). One place, used by every read path that serves check
definitions to people or tokens without the admin role."""

from __future__ import annotations

import re
from typing import Any

HIDDEN = "***"
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
_SENSITIVE_HEADER = re.compile(r"auth|token|secret|key|cookie|password|session", re.I)


def target(value: str) -> str:
    """postgres://user:secret@host → postgres://user:***@host."""
    return _URL_PASSWORD.sub(rf"\1{HIDDEN}@", value)


def check(out: dict[str, Any]) -> dict[str, Any]:
    """A copy of a check dict fit for a reader: secrets replaced by ***."""
    safe = dict(out)
    if isinstance(safe.get("target"), str):
        safe["target"] = target(safe["target"])
    options = safe.get("options")
    if isinstance(options, dict):
        options = dict(options)
        headers = options.get("headers")
        if isinstance(headers, dict):
            options["headers"] = {k: HIDDEN if _SENSITIVE_HEADER.search(str(k)) else v
                                  for k, v in headers.items()}
        if options.get("body"):
            options["body"] = HIDDEN  # request bodies often carry credentials
        safe["options"] = options
    if safe.get("ping_url"):
        safe["ping_url"] = HIDDEN
    return safe
