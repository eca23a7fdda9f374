"""The secret parts of a health check, kept apart from the check itself.

A check's `target` and `options` columns hold a masked form, the one every reader (admins
included) sees. The secret parts — the whole target when it carries a password or token,
sensitive header values, the request body — are kept encrypted in `credentials`.

- `seal` splits what a person typed into the masked form and the encrypted parts.
- `unseal` puts the parts back; the collector does this just before it probes.
- `carry` keeps a stored secret where an edit left `***`, and refuses a `***` with
  nothing stored behind it (it would be saved as the password).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from jadugar import secrets as vault
from jadugar.errors import Invalid
from jadugar.services import redact

HIDDEN = redact.HIDDEN


def seal(target: str, options: dict[str, Any]) -> dict[str, Any]:
    """{target, options, credentials}: the masked columns and the encrypted secret parts
    (None when there are none)."""
    parts: dict[str, Any] = {}
    masked_target = redact.url(target)
    if masked_target != target:
        parts["target"] = target
    masked = redact.options(options)
    headers = options.get("headers")
    if isinstance(headers, dict):
        hidden = {k: v for k, v in headers.items() if masked["headers"][k] != v}
        if hidden:
            parts["headers"] = hidden
    if masked.get("body") != options.get("body"):
        parts["body"] = options["body"]
    token = vault.encrypt(json.dumps(parts)) if parts else None
    return {"target": masked_target, "options": masked, "credentials": token}


def unseal(target: str, options: dict[str, Any] | None,
           credentials: str | None) -> tuple[str, dict[str, Any]]:
    """The target and options as the person typed them."""
    options = dict(options or {})
    if not credentials:
        return target, options
    parts = json.loads(_decrypted(credentials))
    if "headers" in parts:
        options["headers"] = {**(options.get("headers") or {}), **parts["headers"]}
    if "body" in parts:
        options["body"] = parts["body"]
    return parts.get("target", target), options


@functools.lru_cache(maxsize=4096)
def _decrypted(token: str) -> str:
    # The collector claims the same checks every interval: decrypt each version once.
    return vault.decrypt(token)


def carry(values: dict[str, Any], target: str | None,
          options: dict[str, Any] | None) -> dict[str, Any]:
    """`values` (a validated edit) with each `***` left in a secret place replaced by the
    secret stored there (`target`, `options`: the check as unsealed; None for a new check)."""
    out = dict(values)
    if isinstance(out.get("target"), str):
        out["target"] = redact.restore(out["target"], target)
    if isinstance(out.get("options"), dict):
        out["options"] = _carry_options(out["options"], options or {})
    return out


def _carry_options(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    out = dict(new)
    if isinstance(out.get("headers"), dict):
        stored = {str(k).lower(): v for k, v in (old.get("headers") or {}).items()}
        headers = {}
        for name, value in out["headers"].items():
            if value == HIDDEN:
                value = stored.get(name.lower(), HIDDEN)
                if value == HIDDEN:
                    raise Invalid(f"header {name}: *** stands for a stored secret, but there "
                                  "is none; type the value", field="options.headers")
            headers[name] = value
        out["headers"] = headers
    if out.get("body") == HIDDEN:
        if old.get("body") in (None, "", HIDDEN):
            raise Invalid("body: *** stands for a stored body, but there is none; type it",
                          field="options.body")
        out["body"] = old["body"]
    return out
