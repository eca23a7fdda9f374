"""What a CI source declares: everything Jadugar needs to receive its webhooks.

A source is one `CISource` value, in one module (github.py, gitlab.py and generic.py
each end with theirs; a plug-in ships its own, see registry.py). From it alone:
- the API registers POST /api/v1/webhooks/<name> and documents it in OpenAPI;
- a delivery is authenticated (`auth`), with the project's own secret when the source
  has per-project secrets, else the global setting `setting`;
- the project is found in the payload (`find_repository`) to pick that secret;
- redeliveries are dropped by `delivery_header`;
- the payload becomes a BuildEvent or Ignored (`normalize`, the source's parsers);
- PUT /projects/<slug>/webhook-secrets and Settings → Projects accept `secret_field`, and
  project answers carry `secret_flag`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jadugar import config
from jadugar.services.webhooks.events import BuildEvent, Ignored
from jadugar.services.webhooks.fields import dig
from jadugar.services.webhooks.signatures import verify_github, verify_token

# (secret, raw body, value of the auth header) -> is it genuine?
Verify = Callable[[str, bytes, str | None], bool]
# (value of the event header or None, parsed JSON body) -> the run, or why it is not tracked
Normalize = Callable[[str | None, Any], BuildEvent | Ignored]
# parsed JSON body (anything at all: read leniently) -> "owner/name" or None
FindRepository = Callable[[Any], str | None]

AUTH_KINDS = ("signature", "token", "ingest")
# Names the status-update timeline already uses for its other writers.
RESERVED = frozenset({"api", "ui"})
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Auth:
    """How a delivery proves it comes from the provider.

    signature: `header` carries a signature of the raw body made with the secret;
    token:     `header` carries the secret itself;
    ingest:    an ingest API token (Authorization: Bearer), or `header` equal to the
               source's setting when that is set. There is no per-project secret.
    `verify` compares a secret with what `header` carried, in constant time."""

    kind: str
    header: str
    verify: Verify


def signature(header: str, verify: Verify = verify_github) -> Auth:
    """HMAC of the body in `header`; by default GitHub's "sha256=" + hex HMAC-SHA256."""
    return Auth("signature", header, verify)


def _same_token(secret: str, _body: bytes, given: str | None) -> bool:
    return verify_token(secret, given)


def token(header: str) -> Auth:
    """The shared secret itself in `header` (GitLab's X-Gitlab-Token)."""
    return Auth("token", header, _same_token)


def ingest_token(header: str = "X-Jadugar-Token") -> Auth:
    """An ingest API token, or `header` equal to the source's setting."""
    return Auth("ingest", header, _same_token)


def repository_at(*path: str) -> FindRepository:
    """A finder reading the repository at body[path[0]][path[1]]..."""
    def find(body: Any) -> str | None:
        value = dig(body, *path)
        return value if isinstance(value, str) and value else None
    return find


@dataclass(frozen=True)
class CISource:
    name: str                       # the route's last segment and the builds' source
    title: str                      # how people name the provider: "GitHub"
    auth: Auth
    normalize: Normalize
    find_repository: FindRepository
    setting: str | None = None      # a JADUGAR_* setting (jadugar/config.py): global secret
    project_secret: bool = False    # may each project have its own secret?
    secret_name: str = "secret"     # what the provider calls it: secret, token
    event_header: str | None = None     # names the event; None when the body says it all
    delivery_header: str | None = None  # one id per delivery, to drop redeliveries
    events: tuple[str, ...] = ()    # the events it tracks, for people and the docs
    summary: str = ""               # one line for the OpenAPI document
    body_schema: Mapping[str, Any] | None = field(default=None, compare=False)  # OpenAPI

    @property
    def path(self) -> str:
        """Under /api/v1."""
        return f"/webhooks/{self.name}"

    @property
    def secret_field(self) -> str:
        """The key of PUT /projects/<slug>/webhook-secrets: github_webhook_secret."""
        return f"{self.name}_webhook_{self.secret_name}"

    @property
    def secret_flag(self) -> str:
        """The key of a project's answer saying whether it has one: has_github_secret."""
        return f"has_{self.name}_{self.secret_name}"

    @property
    def secret_label(self) -> str:
        return f"{self.title} webhook {self.secret_name}"

    def problems(self) -> list[str]:
        """What makes this declaration unusable; empty when it is fine."""
        out: list[str] = []
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            out.append(f"name {self.name!r} is not 1-40 of a-z, 0-9 and _ (a letter first)")
        elif self.name in RESERVED:
            out.append(f"name {self.name!r} is reserved")
        if not isinstance(self.auth, Auth) or self.auth.kind not in AUTH_KINDS:
            return [*out, "auth must be signature(), token() or ingest_token()"]
        if self.setting is not None and self.setting not in {s.name for s in config.SETTINGS}:
            out.append(f"setting {self.setting!r} is not a Jadugar setting")
        if self.project_secret and self.auth.kind == "ingest":
            out.append("an ingest-token source has no per-project secret")
        if self.auth.kind != "ingest" and not (self.setting or self.project_secret):
            out.append("without a setting or a per-project secret nothing can authenticate")
        if not _NAME.fullmatch(self.secret_name or ""):
            out.append(f"secret_name {self.secret_name!r} is not like 'secret' or 'token'")
        for name in ("normalize", "find_repository"):
            if not callable(getattr(self, name)):
                out.append(f"{name} is not callable")
        if not callable(self.auth.verify):
            out.append("auth.verify is not callable")
        return out
