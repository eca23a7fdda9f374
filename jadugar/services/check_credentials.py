"""The secret parts of a health check, kept apart from the check itself.

A check's `target` and `options` columns hold a masked form, the one every reader (admins
included) sees. The secret parts — the whole target when it carries a password or token,
and what the check types declare secret in options (sensitive header values, the request
body; see jadugar/checks/) — are kept encrypted in `credentials`, as one JSON object:
{"target": ..., <option>: <value, or the hidden entries of a header object>}.

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
from jadugar.checks import registry
from jadugar.errors import Invalid
from jadugar.services import redact

HIDDEN = redact.HIDDEN


def seal(target: str, options: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """{target, options, credentials}: the masked columns and the encrypted secret parts
    (None when there are none) of a check of type `kind`."""
    parts: dict[str, Any] = {}
    masked_target = redact.target(target, kind)
    if masked_target != target:
        parts["target"] = target
    masked = redact.options(options)
    for key, value in options.items():
        shown = masked.get(key)
        if shown == value:
            continue
        if isinstance(value, dict) and isinstance(shown, dict):  # a header object
            parts[key] = {k: v for k, v in value.items() if shown.get(k) != v}
        else:
            parts[key] = value
    token = vault.encrypt(json.dumps(parts)) if parts else None
    return {"target": masked_target, "options": masked, "credentials": token}


def unseal(target: str, options: dict[str, Any] | None,
           credentials: str | None) -> tuple[str, dict[str, Any]]:
    """The target and options as the person typed them."""
    options = dict(options or {})
    if not credentials:
        return target, options
    parts = json.loads(_decrypted(credentials))
    for key, part in parts.items():
        if key == "target":
            continue
        stored = options.get(key)
        if isinstance(part, dict) and isinstance(stored, dict):
            options[key] = {**stored, **part}
        else:
            options[key] = part
    return parts.get("target", target), options


@functools.lru_cache(maxsize=4096)
def _decrypted(token: str) -> str:
    # The collector claims the same checks every interval: decrypt each version once.
    return vault.decrypt(token)


def carry(values: dict[str, Any], target: str | None, options: dict[str, Any] | None,
          kind: str | None = None) -> dict[str, Any]:
    """`values` (a validated edit) with each `***` left in a secret place replaced by the
    secret stored there (`target`, `options`: the check as unsealed; None for a new check)."""
    out = dict(values)
    if isinstance(out.get("target"), str):
        out["target"] = _carry_target(out["target"], target, kind)
    if isinstance(out.get("options"), dict):
        out["options"] = _carry_options(out["options"], options or {})
    return out


def _carry_target(new: str, old: str | None, kind: str | None) -> str:
    if new != HIDDEN or not redact.whole_target(kind):
        return redact.restore(new, old)
    if old in (None, "", HIDDEN):
        raise Invalid("target: *** stands for a stored secret, but there is none; type "
                      "the value", field="target")
    return old


def _carry_options(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    out = dict(new)
    for key, how in registry.secret_options().items():
        if how == "headers" and isinstance(out.get(key), dict):
            out[key] = _carry_headers(key, out[key], old.get(key) or {})
        elif how == "value" and out.get(key) == HIDDEN:
            if old.get(key) in (None, "", HIDDEN):
                raise Invalid(f"{key}: *** stands for a stored secret, but there is none; "
                              "type it", field=f"options.{key}")
            out[key] = old[key]
    return out


def _carry_headers(key: str, new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    stored = {str(k).lower(): v for k, v in old.items()}
    headers = {}
    for name, value in new.items():
        if value == HIDDEN:
            value = stored.get(name.lower(), HIDDEN)
            if value == HIDDEN:
                raise Invalid(f"header {name}: *** stands for a stored secret, but there "
                              "is none; type the value", field=f"options.{key}")
        headers[name] = value
    return headers
