"""The spool file: Prometheus samples travel with results, lines written by older
collectors are still read, a line cut short by `kill -9` costs only itself, and a replay
that fails half-way resumes where it stopped."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from collectors import spool as spool_module
from collectors.spool import Spool
from jadugar.services.history import Row

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def _rows(n: int, check_id: int = 1) -> list[Row]:
    return [Row(check_id, T0 + timedelta(seconds=i), "here", "up", 1.5, 200, None,
                {"k": "v"}, "c") for i in range(n)]


def _samples(n: int) -> list[tuple]:
    return [("app", "up", {"job": "x"}, float(i), T0 + timedelta(seconds=i)) for i in range(n)]


class Collect:
    def __init__(self, fail_on_call: int | None = None) -> None:
        self.rows: list[Row] = []
        self.samples: list[tuple] = []
        self.calls, self.fail_on_call = 0, fail_on_call

    def __call__(self, rows, samples=None) -> None:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise ConnectionError("the database went away")
        self.rows += rows
        self.samples += samples or []


def test_it_keeps_prometheus_samples_with_the_results(tmp_path):
    spool = Spool(tmp_path)
    spool.append(_rows(2), _samples(3))
    assert spool.size == 5
    out = Collect()
    assert Spool(tmp_path).replay(out) == 5  # a new process reads what the last one left
    assert out.rows == _rows(2) and out.samples == _samples(3)


def test_it_reads_the_lines_older_collectors_wrote(tmp_path):
    old_line = json.dumps([[7, T0.isoformat(), "here", "down", None, None, "boom", None, "c"]])
    (tmp_path / "spool.jsonl").write_text(old_line + "\n")
    out = Collect()
    Spool(tmp_path).replay(out)
    assert out.rows == [Row(7, T0, "here", "down", None, None, "boom", None, "c")]


def test_it_keeps_the_next_batch_after_a_line_cut_short_by_a_crash(tmp_path):
    Spool(tmp_path).append(_rows(1))
    with open(tmp_path / "spool.jsonl", "a") as f:
        f.write('[[1, "2030-01-01T00:00:')  # killed mid-write: no end of line
    spool = Spool(tmp_path)  # the restarted collector
    spool.append(_rows(3)[1:])
    out = Collect()
    spool.replay(out)
    assert out.rows == _rows(3)


def test_it_resumes_a_replay_after_the_chunks_already_written(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "REPLAY_CHUNK", 10)
    spool = Spool(tmp_path)
    for i in range(5):
        spool.append(_rows(10, check_id=i))
    first = Collect(fail_on_call=3)
    with pytest.raises(ConnectionError):
        spool.replay(first)
    assert spool.size == 30 and spool.replaying.exists()
    second = Collect()
    assert spool.replay(second) == 30
    assert first.rows + second.rows == [r for i in range(5) for r in _rows(10, check_id=i)]
    assert spool.size == 0 and not spool.replaying.exists()
