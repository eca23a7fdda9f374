"""Every JADUGAR_* setting, with its default and help. The only reader of os.environ.

Settings are data: the README's configuration table is checked against SETTINGS by a test,
so a new setting cannot ship undocumented.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
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
    check: Callable[[str], None] | None = None  # raises ValueError with a reason


def _cidr_list(raw: str) -> None:
    import ipaddress

    for part in (p.strip() for p in raw.split(",")):
        if part:
            ipaddress.ip_network(part, strict=False)


def _rate_limit(raw: str) -> None:
    # "5 per minute; 30 per hour" (Flask-Limiter's syntax); checked here so a typo fails at
    # start-up rather than on the first login.
    for part in (p.strip() for p in raw.split(";")):
        if part and not re.fullmatch(
                r"\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?", part):
            raise ValueError(f"{part!r} is not like '5 per minute'")


def _postgres_url(raw: str) -> None:
    if not raw.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ValueError("must start with postgresql:// or postgresql+psycopg://")


SETTINGS: tuple[Setting, ...] = (
    Setting("JADUGAR_DATABASE_URL", None,
            "PostgreSQL URL (postgresql:// or postgresql+psycopg://). Unset: an embedded "
            "PostgreSQL is started in the data directory."),
    Setting("JADUGAR_READ_DATABASE_URL", None,
            "PostgreSQL URL of a streaming replica that pages and exports read from. Writes, "
            "sign-in, sessions and live events always use JADUGAR_DATABASE_URL. Unset: "
            "everything uses the primary.", check=_postgres_url),
    Setting("JADUGAR_READ_AFTER_WRITE_S", "5",
            "Seconds after a browser saves something during which its pages read the primary "
            "instead of the replica, so it sees its own change.", float),
    Setting("JADUGAR_READ_LAG_NOTE_S", "5",
            "Replica lag in seconds above which pages say their data may be behind.", float),
    Setting("JADUGAR_DATA_DIR", ".jadugar",
            "Folder for the embedded database, the secret key and the collector spool."),
    Setting("JADUGAR_HOST", "127.0.0.1", "Address the web server listens on."),
    Setting("JADUGAR_PORT", "8050", "Port the web server listens on.", int),
    Setting("JADUGAR_SECRET_KEY", None,
            "Key that signs session cookies and encrypts stored secrets (webhook secrets, "
            "notification URLs, check credentials). Unset: generated once and kept in the "
            "data dir. Web and collector processes must share it."),
    Setting("JADUGAR_OLD_SECRET_KEY", None,
            "The previous secret key while rotating: stored secrets encrypted with it can "
            "still be read, and `jadugar secrets rotate` re-encrypts them with the new one."),
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
    Setting("JADUGAR_DOCKER_SOCKET", "/var/run/docker.sock",
            "The Docker Engine socket docker checks ask about containers (read-only GETs), "
            "on the collector's machine. One setting, not per check: a check cannot point "
            "the collector at another socket."),
    Setting("JADUGAR_DB_TIMEOUT_S", "3",
            "Seconds to wait for a database connection before answering 503.", float),
    Setting("JADUGAR_SECURE_COOKIES", "0",
            "1 marks session cookies Secure (sent over HTTPS only). They are also Secure for "
            "requests that came over HTTPS through a trusted proxy.", bool),
    Setting("JADUGAR_TRUSTED_PROXIES", "0",
            "How many reverse proxies in front of Jadugar set X-Forwarded-For and "
            "X-Forwarded-Proto; 0 trusts none of these headers.", int),
    Setting("JADUGAR_SESSION_DAYS", "14",
            "Days a sign-in lasts. Logout, a password change or deactivation ends it sooner.",
            int),
    Setting("JADUGAR_LOGIN_RATE_LIMIT", "5 per minute; 30 per hour",
            "Most failed sign-ins per account and per address; more get 429 with Retry-After.",
            check=_rate_limit),
    Setting("JADUGAR_API_RATE_LIMIT", "1200 per minute",
            "Most API requests per token (or per address without one); more get 429.",
            check=_rate_limit),
    Setting("JADUGAR_RATE_LIMIT_STORAGE", "memory://",
            "Where rate-limit counters live: memory:// (each web worker process counts alone, "
            "so N workers allow up to N times the limits) or a redis:// URL shared by every "
            "web process."),
    Setting("JADUGAR_CHECK_ALLOW_NETWORKS", None,
            "Comma-separated CIDRs that checks, scrapes and notifications may reach. Unset: "
            "every address except the deny list, link-local and cloud metadata.",
            check=_cidr_list),
    Setting("JADUGAR_CHECK_DENY_NETWORKS", None,
            "Comma-separated CIDRs that checks, scrapes and notifications may never reach. "
            "Link-local (169.254.0.0/16, fe80::/10) and cloud metadata are always refused.",
            check=_cidr_list),
    Setting("JADUGAR_BROWSER_CHECKS", "off",
            "on allows `browser` checks (a page load in headless Chromium; needs "
            "`pip install 'jadugar[browser]'`). Off: they cannot be saved and collectors "
            "report them down.", bool),
    Setting("JADUGAR_BROWSER_EXECUTABLE", None,
            "The Chromium that browser checks launch. Unset: /usr/bin/chromium when it "
            "exists, else Playwright's own."),
    Setting("JADUGAR_SECRET_HEADERS", "authorization,proxy-authorization,cookie,x-api-key",
            "Comma-separated header names whose values are secrets (masked for readers, "
            "encrypted at rest), besides any name containing auth, token, secret, key, "
            "cookie, password, session or credential."),
    Setting("JADUGAR_SOCKETS_PER_CLIENT", "20",
            "Most open live-update sockets per user, per API token and per address, in each "
            "web worker process.", int),
    Setting("JADUGAR_METRICS_TOKEN", None,
            "Bearer token that may read /metrics (Prometheus text), besides API tokens the "
            "policy table allows."),
    Setting("JADUGAR_METRICS_ALLOW", None,
            "Comma-separated CIDRs that may read /metrics without a token (e.g. the "
            "Prometheus server's address). Unset: a token is always needed.",
            check=_cidr_list),
    Setting("JADUGAR_RETENTION_RAW_DAYS", "14",
            "Days raw check results and metric points are kept (whole daily partitions are "
            "dropped after that); 0 keeps them forever.", int),
    Setting("JADUGAR_RETENTION_1M_DAYS", "90",
            "Days the 1-minute rollups are kept; 0 keeps them forever.", int),
    Setting("JADUGAR_RETENTION_1H_DAYS", "730",
            "Days the 1-hour rollups are kept; 0 keeps them forever.", int),
    Setting("JADUGAR_RETENTION_1D_DAYS", "0",
            "Days the 1-day rollups are kept; 0 (the default) keeps them forever.", int),
    Setting("JADUGAR_RETENTION_TEST_RESULTS_DAYS", "400",
            "Days test results (JUnit reports) are kept, by whole daily partitions; 0 keeps "
            "them forever. A year and a little more, so a year-on-year trend can be read.",
            int),
    Setting("JADUGAR_PRODUCTION_ENVIRONMENTS", "production,prod",
            "Comma-separated deploy environment names (any case) that delivery metrics "
            "(DORA) count as production."),
    Setting("JADUGAR_CHANGE_FAILURE_WINDOW_H", "24",
            "Hours after a production deploy in which an alert on a linked application "
            "counts as that deploy's failure (it ends sooner at the next deploy).", float),
    Setting("JADUGAR_DURATION_ANOMALY_K", "3",
            "A finished build is abnormally long when it takes more than the median of recent "
            "successful builds of its branch and pipeline plus this many (scaled) median "
            "absolute deviations. Above 0.", float),
    Setting("JADUGAR_DURATION_ANOMALY_WINDOW", "30",
            "How many recent successful builds of the same project, branch and pipeline form "
            "a build's duration baseline; at least 10 (fewer than 10 such builds: no verdict).",
            int),
    Setting("JADUGAR_PUBLIC_URL", None,
            "The address people reach Jadugar at (e.g. https://ci.example.com), so alert "
            "messages link to the build page. Unset: messages give the page's path."),
    Setting("JADUGAR_AGGREGATE_CACHE_S", "3",
            "Seconds a web worker keeps the dashboard tiles and overview pages; any live event "
            "clears them at once. 0 turns the cache off.", float),
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
    if setting.check is not None:
        try:
            setting.check(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.name}: {exc}") from None
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
    _check_retention(values)
    _check_anomaly(values)
    return Config(values)


def _check_anomaly(values: dict[str, Any]) -> None:
    # A median of fewer than 10 builds swings with one slow runner: no verdict beats a noisy one.
    if values["JADUGAR_DURATION_ANOMALY_K"] <= 0:
        raise ConfigError("JADUGAR_DURATION_ANOMALY_K must be above 0")
    if values["JADUGAR_DURATION_ANOMALY_WINDOW"] < 10:
        raise ConfigError("JADUGAR_DURATION_ANOMALY_WINDOW must be at least 10 (builds)")


RETENTION_ORDER = ("JADUGAR_RETENTION_RAW_DAYS", "JADUGAR_RETENTION_1M_DAYS",
                   "JADUGAR_RETENTION_1H_DAYS", "JADUGAR_RETENTION_1D_DAYS")


def _check_retention(values: dict[str, Any]) -> None:
    """A coarser resolution is computed from the finer one, so it must not be kept for a
    shorter time (0 means forever, the longest)."""
    def span(name: str) -> float:
        return values[name] or float("inf")

    for finer, coarser in zip(RETENTION_ORDER, RETENTION_ORDER[1:], strict=False):
        if span(coarser) < span(finer):
            raise ConfigError(f"{coarser} ({values[coarser]}) must be at least "
                              f"{finer} ({values[finer]}), or 0 for forever")
    if 0 < values["JADUGAR_RETENTION_RAW_DAYS"] < 2:
        raise ConfigError("JADUGAR_RETENTION_RAW_DAYS must be at least 2 (the rollups read "
                          "raw rows of the last day), or 0 for forever")


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


def file_reference(name: str) -> str | None:
    """The environment variable a config file names as `${NAME}` (`jadugar config apply`
    reads notification URLs this way, so the file holds no secret)."""
    return os.environ.get(name)


def setting(name: str) -> Setting:
    return _BY_NAME[name]
