"""CSV exports: streamed row by row (constant memory for a million rows) and safe to open in
a spreadsheet.

Cells that start with =, +, -, @, tab or CR are prefixed with a single quote so a spreadsheet
shows them as text instead of running them as formulas (OWASP "CSV injection")."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context
from sqlalchemy import TextClause

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


def stream_query(engine_connect, query: TextClause, params: dict[str, Any],
                 filename: str) -> Response:
    """A streamed CSV response for `query`; the connection lives as long as the download.

    The query runs before the response starts, so a database error or refused value still
    becomes a proper error response instead of a download cut off after its headers."""
    stack = contextlib.ExitStack()
    conn = stack.enter_context(engine_connect())
    try:
        result = conn.execution_options(stream_results=True,
                                        max_row_buffer=FETCH_ROWS).execute(query, params)
    except BaseException:
        stack.close()
        raise

    def generate() -> Iterator[str]:
        with stack:
            yield from lines(list(result.keys()), result)

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def to_string(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string, for dcc.Download of an already-aggregated table."""
    return "".join(lines(header, rows))
