"""Every size limit on what a client may send, in one place (docs/security-limits.md lists
them with the threat each one answers). Each is refused with a 4xx that names it.

They are constants, not settings: each is far above what a real client sends and far below
what would hurt the server, so nobody should need to tune them.
"""

from __future__ import annotations

import json
from typing import Any

# JSON bodies (jadugar.api.helpers.parse_json). Python's parser recurses once per level and
# fails with RecursionError near 1,000; no payload we read (GitHub's included) nests past 10.
JSON_DEPTH = 32
# Dash callbacks (Flask's request.get_json) may carry component trees as props: deeper,
# and still far from the recursion limit.
JSON_DEPTH_PAGES = 128
# Array elements plus object members, counted before parsing. A 5 MB body of `{},{},...`
# would otherwise become 1.6 M dicts (over 100 MB); the largest metrics batch (50,000
# points of ~15 values each) stays below it.
JSON_ITEMS = 1_000_000

# Metric series. PostgreSQL indexes (application, name, labels) with a B-tree, whose entries
# must fit in a third of a page (2,704 bytes): a bigger key is refused by the database.
METRIC_NAME_LENGTH = 200
LABELS_PER_SERIES = 32  # Prometheus' own guidance is "under 10"; 32 leaves room
LABEL_NAME_LENGTH = 100
LABEL_VALUE_LENGTH = 1024
SERIES_KEY_BYTES = 2048  # name + labels as JSON, in UTF-8: what the index can hold
# New series one ingest call may create. Every series is a row, an index entry and a line in
# the explorer's pickers; a typo'd label with a timestamp in it creates one per point.
NEW_SERIES_PER_CALL = 1000


def series_problem(name: str, labels: dict[str, Any]) -> tuple[str, str] | None:
    """Why a series (metric name + labels) is over a limit, as (where, message), or None.
    `where` is "name" or "labels"; the message names the limit."""
    if len(name) > METRIC_NAME_LENGTH:
        return "name", f"metric name longer than {METRIC_NAME_LENGTH} characters"
    if len(labels) > LABELS_PER_SERIES:
        return "labels", f"more than {LABELS_PER_SERIES} labels per series ({len(labels)})"
    for key, value in labels.items():
        if len(key) > LABEL_NAME_LENGTH:
            return "labels", (f"label name {key[:40]!r}... longer than {LABEL_NAME_LENGTH} "
                              "characters")
        if isinstance(value, str) and len(value) > LABEL_VALUE_LENGTH:
            return "labels", (f"label {key[:40]!r} has a value longer than "
                              f"{LABEL_VALUE_LENGTH} characters")
    # Each character takes at most 6 bytes as JSON (\\u escapes), each label 6 more for its
    # quotes, colon and comma: most series are under the limit without encoding them.
    chars = len(name) + sum(len(k) + len(str(v)) for k, v in labels.items())
    if 6 * chars + 6 * len(labels) + 2 <= SERIES_KEY_BYTES:
        return None
    size = len(name.encode()) + len(json.dumps(labels, ensure_ascii=False).encode())
    if size > SERIES_KEY_BYTES:
        return "labels", (f"metric name and labels take {size} bytes; at most "
                          f"{SERIES_KEY_BYTES} per series")
    return None

# JUnit XML reports (POST /api/v1/builds/{id}/tests). A report of 100,000 test cases with
# short names is about 15 MB; a bigger suite sends several reports (shards add up).
JUNIT_BYTES = 32 * 1024 * 1024
JUNIT_CASES = 100_000
