"""Every CI source by name: the built-in ones in BUILT_IN, then those that installed
packages declare under the `jadugar.ci_sources` entry-point group.

Adding a built-in source:
1. write one module here that parses the provider's payloads and ends with a `CISource`
   (cisource.py says what it holds; generic.py is the smallest, github.py the fullest);
2. add it to BUILT_IN below, and document it in README.md beside this file (a test checks).
Its route, authentication, per-project secret (API, Settings → Projects) and OpenAPI entry
follow from the declaration. A global fallback secret is a setting in jadugar/config.py
that the declaration names, so it is validated at start-up and listed in the README.

A source in a package of its own changes nothing here. Its pyproject.toml declares

    [project.entry-points."jadugar.ci_sources"]
    drone = "jadugar_drone:SOURCE"       # the entry point's name is the source's name

and every web process started after it is installed receives POST /api/v1/webhooks/drone.
A plug-in source has per-project secrets, or names an existing setting. One that fails to
load, or whose name is taken, is left out with an error in the log: one broken package
must not stop the web server.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from jadugar import plugins
from jadugar.services.webhooks import generic, github, gitlab
from jadugar.services.webhooks.cisource import CISource

GROUP = "jadugar.ci_sources"
BUILT_IN: tuple[CISource, ...] = (github.SOURCE, gitlab.SOURCE, generic.SOURCE)


def discover(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
             ) -> dict[str, CISource]:
    """The built-in ones, then each loadable plug-in of `entry_points` (default: those of
    the installed packages), by name."""
    return plugins.discover(GROUP, BUILT_IN, "CI source", _problems, entry_points)


def _problems(name: str, source: object, found: dict[str, CISource]) -> list[str]:
    if not isinstance(source, CISource):
        return [f"it is a {type(source).__name__}, not a jadugar.services.webhooks.CISource"]
    out = source.problems()
    if source.name != name:
        out.append(f"the entry point is named {name!r} but the source {source.name!r}")
    if source.name in found:
        out.append(f"the source {source.name!r} exists already")
    fields = {other.secret_field for other in found.values()}
    if source.project_secret and source.secret_field in fields:
        out.append(f"the secret field {source.secret_field!r} is taken")
    return out


@functools.cache
def sources() -> Mapping[str, CISource]:
    """Every source this process offers, found once (plug-ins count from process start)."""
    return MappingProxyType(discover())


def get(name: str) -> CISource:
    """The source called `name`; KeyError for one this process does not offer."""
    return sources()[name]


def names() -> list[str]:
    return list(sources())


def with_project_secret() -> list[CISource]:
    """The sources whose secret a project may set for itself, in registry order."""
    return [source for source in sources().values() if source.project_secret]
