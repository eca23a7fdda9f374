"""CSV exports: streamed row by row (constant memory for a million rows) and safe to open in
a spreadsheet.

Cells that start with =, +, -, @, tab or CR are prefixed with a single quote so a spreadsheet
shows them as text instead of running them as formulas (OWASP "CSV injection")."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context
from sqlalchemy import Connection, Result, TextClause

from jadugar.timeutil import iso

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FETCH_ROWS = 5000


def neutralise(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # numbers, negative ones included, are data, not formulas
    text = str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text in chunks of a few hundred rows."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(v) for v in row])
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def stream(engine_connect: Callable[[], Any], fetch: Callable[[Connection], Result],
           filename: str) -> Response:
    """A streamed CSV response of what `fetch` (a service function) reads on a connection
    that lives as long as the download; the header is the result's column names.

    `fetch` runs before the response starts, so a database error or refused value (a
    NotFound slug) still becomes a proper error response instead of a download cut off after
    its headers. The connection reads through a server-side cursor, FETCH_ROWS at a time."""
    stack = contextlib.ExitStack()
    conn = stack.enter_context(engine_connect())
    try:
        result = fetch(conn.execution_options(stream_results=True, max_row_buffer=FETCH_ROWS))
    except BaseException:
        stack.close()
        raise

    def generate() -> Iterator[str]:
        with stack:
            yield from lines(list(result.keys()), result)

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def stream_query(engine_connect: Callable[[], Any], query: TextClause, params: dict[str, Any],
                 filename: str) -> Response:
    """`stream` of one statement. Kept for the API modules not yet moved to `stream` with a
    service function (builds, checks); new code passes a service function to `stream`."""
    return stream(engine_connect, lambda conn: conn.execute(query, params), filename)


def to_string(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string, for dcc.Download of an already-aggregated table."""
    return "".join(lines(header, rows))
