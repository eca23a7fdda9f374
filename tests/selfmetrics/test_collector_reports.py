"""The collectors' part of /metrics, from rows like those collector_status.list_collectors
returns (the real table is compared in test_collector_figures.py)."""

from __future__ import annotations

from jadugar.web.selfmetrics import CollectorReports

STALE = {"name": "old", "location": "lab", "stale": True, "checks_per_s": 0.0,
         "lag_p50_ms": None, "lag_p99_ms": None, "spool_size": 3,
         "last_seen_at": "2026-12-01T00:00:00+00:00"}


def _samples(read) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in CollectorReports(read).collect() for s in family.samples}


def test_it_says_the_database_is_down_and_shows_nothing_else():
    def unreachable():
        raise OSError("connection refused")

    assert _samples(unreachable) == {("jadugar_database_up", ()): 0}


def test_it_shows_a_stale_collector_as_down_without_the_lag_it_never_measured():
    got = _samples(lambda: [STALE])
    who = (("collector", "old"), ("location", "lab"))
    assert got[("jadugar_database_up", ())] == 1
    assert got[("jadugar_collector_up", who)] == 0
    assert got[("jadugar_collector_spool_results", who)] == 3
    assert got[("jadugar_collector_last_report_timestamp_seconds", who)] == 1796083200
    assert not any(name == "jadugar_collector_lag_seconds" for name, _ in got)
