"""Every check type by name: the built-in ones in BUILT_IN, then those that installed
packages declare under the `jadugar.check_types` entry-point group.

Adding a built-in type:
1. write one module here that builds a `CheckType` (kind.py says what it holds; tcp.py is
   the smallest, http.py the fullest): its target, its `expect` and `options` schemas with
   defaults and help, its Settings form fields, which parts are secret, and its probe;
2. add it to BUILT_IN below, and name it in the README's list of check types.

A type in a package of its own changes nothing here. Its pyproject.toml declares

    [project.entry-points."jadugar.check_types"]
    ftp = "jadugar_ftp:FTP"          # the entry point's name is the type's name

and every Jadugar process started after it is installed offers it: the API and config
files accept it, the OpenAPI document and the Settings form show it, the collector probes
it. A plug-in that fails to load, or whose name is taken, is left out with an error in the
log: one broken package must not stop the web server or the collector.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from jadugar import plugins

from .browser import BROWSER
from .dns import DNS
from .docker import DOCKER
from .grpc import GRPC
from .heartbeat import HEARTBEAT
from .http import HTTP, HTTPS
from .icmp import ICMP
from .kind import CheckType
from .postgres import POSTGRES
from .probe import Probe
from .prometheus import PROMETHEUS
from .redis import REDIS
from .smtp import SMTP
from .ssh import SSH
from .tcp import TCP
from .tls import TLS
from .udp import UDP
from .websocket import WEBSOCKET

GROUP = "jadugar.check_types"
BUILT_IN: tuple[CheckType, ...] = (HTTP, HTTPS, TCP, DNS, TLS, POSTGRES, REDIS, PROMETHEUS,
                                   HEARTBEAT, ICMP, GRPC, SMTP, WEBSOCKET, SSH, UDP,
                                   DOCKER, BROWSER)


def discover(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
             ) -> dict[str, CheckType]:
    """The built-in ones, then each loadable plug-in of `entry_points` (default: those of
    the installed packages), by name."""
    return plugins.discover(GROUP, BUILT_IN, "check type", _problems, entry_points)


def _problems(name: str, kind: object, found: dict[str, CheckType]) -> list[str]:
    if not isinstance(kind, CheckType):
        return [f"it is a {type(kind).__name__}, not a jadugar.checks.CheckType"]
    out = kind.problems()
    if kind.name != name:
        out.append(f"the entry point is named {name!r} but the type {kind.name!r}")
    if kind.name in found:
        out.append(f"the type {kind.name!r} exists already")
    groups = {other.form_group: other.form.fields for other in found.values()}
    if kind.form.fields and groups.get(kind.form_group, kind.form.fields) != kind.form.fields:
        out.append(f"the form group {kind.form_group!r} has other fields already")
    taken = {f.name: other.form_group for other in found.values() for f in other.form.fields}
    out += [f"form field {f.name!r} belongs to the {taken[f.name]} form already"
            for f in kind.form.fields if taken.get(f.name, kind.form_group) != kind.form_group]
    return out


@functools.cache
def types() -> Mapping[str, CheckType]:
    """Every type this process offers, found once (plug-ins count from process start)."""
    return MappingProxyType(discover())


def get(name: str | None) -> CheckType | None:
    return types().get(name or "")


def names() -> list[str]:
    return sorted(types())


def probes() -> dict[str, Probe]:
    """The collector's probes by type; pushed types (heartbeat) have none."""
    return {name: kind.probe for name, kind in types().items() if kind.probe is not None}


def secret_options() -> dict[str, str]:
    """{option: "value" | "headers"} over every type. Masking applies them to every check,
    whatever its type: an option stored before its type declared it, or under a type that
    does not read it, stays hidden all the same. "value" (hide it all) wins a disagreement."""
    out: dict[str, str] = {}
    for kind in types().values():
        for key, how in kind.secrets().items():
            out[key] = "value" if "value" in (how, out.get(key)) else how
    return out
