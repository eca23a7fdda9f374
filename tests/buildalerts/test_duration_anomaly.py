"""Abnormal build durations: median + k × MAD of recent successful builds of the branch."""

import pytest

from jadugar import config
from jadugar.services import duration_anomaly

# Near 60 s, with the spread real runners have.
NEAR_60 = [58, 61, 60, 63, 59, 62, 57, 60, 61, 64, 59, 60, 62, 58, 61, 60, 63, 59, 60, 62]


def test_it_flags_only_the_one_abnormally_long_build(builds, api):
    made = [builds.finish(s) for s in NEAR_60] + [builds.finish(300)]
    verdicts = [api.get(f"/builds/{b['id']}").json["duration_anomaly"] for b in made]
    assert verdicts[:10] == [None] * 10  # fewer than 10 earlier builds: no verdict
    assert [v["anomalous"] for v in verdicts[10:]] == [False] * 10 + [True]
    last = verdicts[-1]
    assert last["baseline_s"] == 60 and last["samples"] == 20
    assert 60 < last["threshold_s"] < 80
    listed = api.get("/projects/web/builds?limit=1").json["items"][0]
    assert listed["duration_anomaly"] == last


def test_it_falls_back_to_the_default_branch_for_a_new_branch(builds, api):
    for s in NEAR_60[:12]:
        builds.finish(s)
    slow = builds.finish(300, branch="feature/x")
    assert api.get(f"/builds/{slow['id']}").json["duration_anomaly"]["anomalous"] is True


def test_it_keeps_pipelines_apart(builds, api):
    for s in NEAR_60[:12]:
        builds.finish(s, pipeline="unit")
    other = builds.finish(300, pipeline="e2e")
    assert api.get(f"/builds/{other['id']}").json["duration_anomaly"] is None


def test_it_judges_a_failed_build_against_successful_ones(builds, api):
    for s in NEAR_60[:12]:
        builds.finish(s)
    builds.finish(1000, status="failed")  # not part of any later baseline
    slow = builds.finish(300, status="failed")
    verdict = api.get(f"/builds/{slow['id']}").json["duration_anomaly"]
    assert verdict["anomalous"] is True and verdict["samples"] == 12


@pytest.mark.parametrize(("median", "mad", "k", "expected"), [
    (60, 1, 3, 60 + 3 * 1.4826),
    (60, 0, 3, 60 + 3 * 1.2),  # identical durations: the floor, 2 % of the median
    (10, 0, 3, 13),  # and never below 1 s
])
def test_it_computes_the_threshold(median, mad, k, expected):
    assert duration_anomaly.threshold(median, mad, k) == pytest.approx(expected)


@pytest.mark.parametrize(("env", "message"), [
    ({"JADUGAR_DURATION_ANOMALY_K": "0"}, "JADUGAR_DURATION_ANOMALY_K must be above 0"),
    ({"JADUGAR_DURATION_ANOMALY_WINDOW": "5"}, "JADUGAR_DURATION_ANOMALY_WINDOW must be at"),
    ({"JADUGAR_DURATION_ANOMALY_K": "x"}, "JADUGAR_DURATION_ANOMALY_K must be a float"),
])
def test_it_refuses_bad_settings_at_start_up(env, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(env)
