"""Kinds that plug in through package entry points (check types, CI sources): the built-in
ones, then each third-party one that loads and passes its registry's checks. One loader, so
every registry treats a broken plug-in the same way: logged and left out, never fatal."""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
Problems = Callable[[str, Any, dict[str, Any]], list[str]]
log = logging.getLogger(__name__)


def discover(group: str, built_in: Iterable[T], what: str, problems: Problems,
             entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
             ) -> dict[str, T]:
    """The built-in kinds by name, then each plug-in of `entry_points` (default: the
    installed packages' entries in `group`) that loads and has no `problems`."""
    found: dict[str, T] = {kind.name: kind for kind in built_in}  # type: ignore[attr-defined]
    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=group)
    for point in entry_points:
        kind = _load(point, found, what, problems)
        if kind is not None:
            found[kind.name] = kind  # type: ignore[attr-defined]
    return found


def _load(point: importlib.metadata.EntryPoint, found: dict[str, T], what: str,
          problems: Problems) -> T | None:
    try:
        kind = point.load()
    except Exception:  # whatever a third party's import raises
        log.exception("%s plug-in %s = %s failed to load; left out", what, point.name,
                      point.value)
        return None
    if found.get(point.name) is kind:  # the same package seen twice on sys.path
        return None
    wrong = problems(point.name, kind, found)
    if wrong:
        log.error("%s plug-in %s = %s left out: %s", what, point.name, point.value,
                  "; ".join(wrong))
        return None
    return kind
