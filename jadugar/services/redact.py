"""What nobody may read back of a check or a notification target: credentials in URLs and
DSNs, sensitive header values, request bodies, and the heartbeat ping URL (itself a
credential: anyone holding it can report the job as run). Which options are secret, and
whether a target is secret as a whole, each check type declares (jadugar/checks/).

Secrets are found by parsing, not by one regular expression over the whole text: a URL's
user info (`redis://:pw@host` has an empty user name), query and fragment parameters whose
names look secret (`?access_token=`), and `name=value` pairs of a DSN (`host=db password=x`).
Each secret sits in a named *slot* ("password", "query:token:0", ...), so an edit can put
a stored secret back where the person left `***` (see `restore`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jadugar import config
from jadugar.checks import registry
from jadugar.errors import Invalid

HIDDEN = "***"
# Parts of parameter names that mark a secret (password, passwd, pwd, access_token, api_key,
# apikey, client_secret, signature, sig, X-Amz-Credential, sessionid, ...).
_SECRET_WORDS = ("pass", "pwd", "token", "secret", "auth", "credential", "signature",
                 "session", "cookie", "private", "key")
_SECRET_PARTS = {"sig"}
_HEADER_WORDS = ("auth", "token", "secret", "key", "cookie", "password", "session",
                 "credential")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", re.S)
_DSN_PAIR = re.compile(r"""(?:^|(?<=\s))([A-Za-z_][\w.-]*)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)""")
_QUERY_PAIR = re.compile(r"(?:^|(?<=[&;]))([^=&;#]+)=([^&;#]*)")

Span = tuple[str, int, int]  # slot name, start, end of the secret in the text


def secret_name(name: str) -> bool:
    """True for parameter names that look like they carry a secret."""
    low = name.lower()
    parts = re.split(r"[^a-z0-9]+", low)
    return any(w in low for w in _SECRET_WORDS) or any(p in _SECRET_PARTS for p in parts)


def secret_header(name: str) -> bool:
    """JADUGAR_SECRET_HEADERS, plus any name containing auth, token, secret, key, ..."""
    low = name.strip().lower()
    listed = {h.strip().lower() for h in (config.get().secret_headers or "").split(",")}
    return low in listed or any(w in low for w in _HEADER_WORDS)


def spans(text: str) -> list[Span]:
    """Where the secrets of a URL or DSN are, left to right."""
    m = _URL.match(text)
    if m is None:
        return _pairs(text, 0, _DSN_PAIR, "dsn") if "=" in text else []
    netloc_at = len(m.group(1))
    found = []
    userinfo, at, _host = m.group(2).rpartition("@")
    if at and userinfo.partition(":")[2]:
        start = netloc_at + userinfo.index(":") + 1
        found.append(("password", start, netloc_at + len(userinfo)))
    rest_at = netloc_at + len(m.group(2))
    rest = m.group(3)
    hash_at = rest.find("#")
    before_hash = rest if hash_at < 0 else rest[:hash_at]
    query_at = before_hash.find("?")
    if query_at >= 0:
        start = rest_at + query_at + 1
        found += _pairs(text[start:rest_at + len(before_hash)], start, _QUERY_PAIR, "query")
    if hash_at >= 0:
        start = rest_at + hash_at + 1
        found += _pairs(text[start:], start, _QUERY_PAIR, "fragment")
    return found


def _pairs(text: str, offset: int, pattern: re.Pattern, kind: str) -> list[Span]:
    """name=value pairs whose name looks secret; the slot counts repeats of a name."""
    out: list[Span] = []
    seen: dict[str, int] = {}
    for m in pattern.finditer(text):
        name = m.group(1).strip()
        if not secret_name(name) or not m.group(2):
            continue
        n = seen.get(name.lower(), 0)
        seen[name.lower()] = n + 1
        out.append((f"{kind}:{name.lower()}:{n}", offset + m.start(2), offset + m.end(2)))
    return out


def _values(text: str) -> dict[str, str]:
    return {slot: text[a:b] for slot, a, b in spans(text)}


def url(text: str) -> str:
    """postgres://user:secret@host/db?sslpassword=x → postgres://user:***@host/db?sslpassword=***
    (also `host=db password=x` → `host=db password=***`)."""
    out = text
    for _slot, a, b in reversed(spans(text)):
        out = out[:a] + HIDDEN + out[b:]
    return out


def target(text: str, kind: str | None = None) -> str:
    """A check's target as anyone may read it: the secrets inside a URL or DSN masked, or
    all of it for a type that declares its target a secret through and through."""
    if whole_target(kind):
        return HIDDEN if text else text
    return url(text)


def whole_target(kind: str | None) -> bool:
    """Whether checks of type `kind` declare their whole target a secret."""
    declared = registry.get(kind)
    return bool(declared and declared.target and declared.target.secret == "whole")


def restore(new: str, old: str | None, field: str = "target") -> str:
    """`new` with every `***` a person left in a secret slot replaced by the secret stored
    in the same slot of `old`. A `***` with nothing stored behind it is refused: it would
    otherwise be saved as the password."""
    stored = _values(old) if old else {}
    out = new
    for slot, a, b in reversed(spans(new)):
        if out[a:b] != HIDDEN:
            continue
        if stored.get(slot, HIDDEN) == HIDDEN:
            raise Invalid(f"{field}: *** stands for a stored secret, but there is none for "
                          f"{_slot_words(slot)}; type the value", field=field)
        out = out[:a] + stored[slot] + out[b:]
    return out


def _slot_words(slot: str) -> str:
    kind, _, rest = slot.partition(":")
    return "the password" if kind == "password" else f"{rest.rsplit(':', 1)[0]}"


def headers(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: HIDDEN if secret_header(str(k)) and v else v for k, v in values.items()}


def options(values: Mapping[str, Any]) -> dict[str, Any]:
    """A check's options with what the check types declare secret masked: whole values
    (request bodies) and sensitive header values (jadugar/checks, `Setting.secret`)."""
    out = dict(values)
    for key, how in registry.secret_options().items():
        if how == "headers" and isinstance(out.get(key), Mapping):
            out[key] = headers(out[key])
        elif how == "value" and out.get(key):
            out[key] = HIDDEN
    return out


def apprise_url(value: str | None) -> str | None:
    """Apprise URLs are secrets through and through (slack://TokenA/TokenB/TokenC): only the
    kind of service is shown."""
    if not value:
        return value
    scheme, sep, _rest = value.partition("://")
    return f"{scheme}://{HIDDEN}" if sep else HIDDEN


def check(out: dict[str, Any], ping_url: bool = False) -> dict[str, Any]:
    """A copy of a check dict fit for any reader: secrets replaced by ***. `ping_url` keeps
    the heartbeat URL (admins need it to set up the job)."""
    safe = dict(out)
    if isinstance(safe.get("target"), str):
        safe["target"] = target(safe["target"], safe.get("type"))
    if isinstance(safe.get("options"), dict):
        safe["options"] = options(safe["options"])
    if safe.get("ping_url") and not ping_url:
        safe["ping_url"] = HIDDEN
    return safe
