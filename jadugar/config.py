"""Every JADUGAR_* setting, with its default and help. The only reader of os.environ.

Settings are data: the README's configuration table is checked against SETTINGS by a test,
so a new setting cannot ship undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A setting has a value Jadugar cannot use; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    kind: type = str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("JADUGAR_DATABASE_URL", None,
            "PostgreSQL URL (postgresql:// or postgresql+psycopg://). Unset: an embedded "
            "PostgreSQL is started in the data directory."),
    Setting("JADUGAR_DATA_DIR", ".jadugar",
            "Folder for the embedded database, the secret key and the collector spool."),
    Setting("JADUGAR_HOST", "127.0.0.1", "Address the web server listens on."),
    Setting("JADUGAR_PORT", "8050", "Port the web server listens on.", int),
    Setting("JADUGAR_SECRET_KEY", None,
            "Key that signs session cookies. Unset: generated once and kept in the data dir."),
    Setting("JADUGAR_ANONYMOUS_VIEW", "0",
            "1 lets visitors read pages without logging in (read-only).", bool),
    Setting("JADUGAR_MAX_BODY_BYTES", "5242880",
            "Largest accepted request body in bytes; larger ones get 413.", int),
    Setting("JADUGAR_GITHUB_WEBHOOK_SECRET", None,
            "Secret that signs GitHub webhook deliveries (X-Hub-Signature-256)."),
    Setting("JADUGAR_GITLAB_WEBHOOK_TOKEN", None,
            "Token GitLab sends in X-Gitlab-Token with each webhook."),
    Setting("JADUGAR_GENERIC_WEBHOOK_TOKEN", None,
            "Token for the generic webhook (X-Jadugar-Token); unset means an ingest API "
            "token is required instead."),
    Setting("JADUGAR_SOCKETIO_ORIGINS", None,
            "Comma-separated origins allowed to open Socket.IO connections; unset means "
            "same origin only; * allows any."),
    Setting("JADUGAR_COLLECTOR_NAME", None,
            "Name this collector reports under; default is hostname-pid."),
    Setting("JADUGAR_COLLECTOR_LOCATION", "local",
            "Location label of this collector, used when checks need several to agree."),
    Setting("JADUGAR_COLLECTOR_CONCURRENCY", "500",
            "Most checks one collector runs at the same time.", int),
    Setting("JADUGAR_COLLECTOR_KEEPALIVE", "1",
            "1 reuses HTTP connections between checks of the same host; 0 opens a new "
            "connection for every check.", bool),
    Setting("JADUGAR_DB_TIMEOUT_S", "3",
            "Seconds to wait for a database connection before answering 503.", float),
    Setting("JADUGAR_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING or ERROR.",
            str, ("DEBUG", "INFO", "WARNING", "ERROR")),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _convert(setting: Setting, raw: str) -> Any:
    if setting.kind is bool:
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ConfigError(f"{setting.name} must be 1 or 0, not {raw!r}")
    if setting.kind in (int, float):
        try:
            value = setting.kind(raw)
        except ValueError:
            raise ConfigError(
                f"{setting.name} must be a {setting.kind.__name__}, not {raw!r}") from None
        if value < 0:
            raise ConfigError(f"{setting.name} must not be negative")
        return value
    if setting.choices and raw.upper() not in setting.choices:
        raise ConfigError(f"{setting.name} must be one of {', '.join(setting.choices)}")
    return raw.upper() if setting.choices else raw


@dataclass(frozen=True)
class Config:
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, attr: str) -> Any:
        key = "JADUGAR_" + attr.upper()
        if key in self.values:
            return self.values[key]
        raise AttributeError(attr)

    @property
    def data_path(self) -> Path:
        return Path(self.values["JADUGAR_DATA_DIR"]).expanduser().resolve()

    def replace(self, **changes: Any) -> Config:
        values = dict(self.values)
        for attr, value in changes.items():
            values["JADUGAR_" + attr.upper()] = value
        return Config(values)


def load(environ: dict[str, str] | None = None) -> Config:
    """Read and validate every setting; raise ConfigError naming the first bad one."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.name)
        if raw is None or raw == "":
            raw = setting.default
        values[setting.name] = None if raw is None else _convert(setting, raw)
    return Config(values)


_current: Config | None = None


def get() -> Config:
    """The process-wide configuration, read once."""
    global _current
    if _current is None:
        _current = load()
    return _current


def override(cfg: Config | None) -> None:
    """Swap the process-wide configuration (CLI options, tests)."""
    global _current
    _current = cfg


def setting(name: str) -> Setting:
    return _BY_NAME[name]
