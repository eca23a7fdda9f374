"""Batches that a retry cannot fix: find the part at fault, set it aside, write the rest.

A batch is one transaction, so one bad row fails all of it. Retrying it as it is would fail
again forever and hold every other check's results with it (the spool replays in order).
When the reason is permanent (an integrity or data error, an unknown application):

1. drop the results of checks, and the samples of applications, that no longer exist: one
   query, and the usual case (a check deleted while its results waited in the spool);
2. write the rest, grouped by check (samples by application); while a group of groups
   fails permanently, halve it, until each failing group is alone;
3. set each failing group aside (Spool.set_aside: a file, and one log line with the reason).

A transient error meanwhile (the database went away) stops the search: Unwritten carries
what is left, for the spool. Parts written already are written again on replay, which adds
nothing twice (ON CONFLICT DO NOTHING on the history and metrics keys).
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from jadugar import db
from jadugar.errors import JadugarError
from jadugar.services import history
from jadugar.services.history import Row

from .spool import Sample

Part = tuple[list[Row], list[Sample]]
GONE = "its check or application no longer exists"


class Unwritten(Exception):
    """The database is away: these rows and samples are still to be written."""

    def __init__(self, rows: list[Row], samples: list[Sample]) -> None:
        super().__init__(f"{len(rows)} results and {len(samples)} samples not written")
        self.rows, self.samples = rows, samples


def is_permanent(exc: BaseException) -> bool:
    """True when writing the same batch again must fail the same way."""
    if isinstance(exc, JadugarError):
        return exc.status < 500  # Invalid (e.g. no such application); not Unavailable
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    return isinstance(cause, psycopg.IntegrityError | psycopg.DataError)


def reason(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    first = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    return f"{type(cause).__name__}: {first[:200]}"


def salvage(rows: list[Row], samples: list[Sample], write: Callable,
            set_aside: Callable, transaction: Callable = db.transaction) -> int:
    """Write what can be written of a batch that failed permanently (see the module doc);
    returns how many results were written. Raises Unwritten on a transient error."""
    parts = by_owner(rows, samples)
    try:
        parts, gone = drop_gone(parts, transaction)
    except Exception as exc:
        raise Unwritten(rows, samples) from exc
    if gone[0] or gone[1]:
        set_aside(*gone, GONE)
    # Without a part gone, the whole is known to fail: start with its halves.
    todo = ([parts] if parts else []) if gone[0] or gone[1] else _halves(parts)
    written = 0
    while todo:
        group = todo.pop()
        group_rows, group_samples = _join(group)
        try:
            write(group_rows, group_samples)
            written += len(group_rows)
        except Exception as exc:
            if not is_permanent(exc):
                raise Unwritten(*_join([p for g in (group, *todo) for p in g])) from exc
            if len(group) == 1:
                set_aside(group_rows, group_samples, reason(exc))
            else:
                todo.extend(_halves(group))
    return written


def by_owner(rows: list[Row], samples: list[Sample]) -> list[Part]:
    """One part per check (its results) and one per application (its samples)."""
    groups: dict[tuple[str, object], Part] = {}
    for r in rows:
        groups.setdefault(("check", r.check_id), ([], []))[0].append(r)
    for s in samples:
        groups.setdefault(("application", s[0]), ([], []))[1].append(s)
    return list(groups.values())


def drop_gone(parts: list[Part], transaction: Callable) -> tuple[list[Part], Part]:
    """(the parts whose check or application exists, the rest joined into one)."""
    check_ids = sorted({r.check_id for rows, _ in parts for r in rows})
    slugs = sorted({s[0] for _, samples in parts for s in samples})
    with transaction() as conn:
        checks, apps = history.still_there(conn, check_ids, slugs)
    keep: list[Part] = []
    gone: Part = ([], [])
    for rows, samples in parts:
        if (rows and rows[0].check_id not in checks) or (samples and samples[0][0] not in apps):
            gone[0].extend(rows)
            gone[1].extend(samples)
        else:
            keep.append((rows, samples))
    return keep, gone


def _halves(parts: list[Part]) -> list[list[Part]]:
    half = len(parts) // 2
    return [p for p in (parts[half:], parts[:half]) if p]


def _join(parts: list[Part]) -> Part:
    return [r for p in parts for r in p[0]], [s for p in parts for s in p[1]]
