"""Flaky means the same test both passed and failed on one commit. A test that always
fails is broken, not flaky; a failure between passes on other commits is weaker evidence."""

from junit_support import fixture, report


def _tests(ci, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return {i["name"]: i for i in ci.api.get(f"/projects/web/tests?{query}").json["items"]}


def test_it_finds_a_flaky_test_across_two_builds_of_the_same_commit(ci):
    first, rerun = ci.build(sha="c1"), ci.build(sha="c1")
    ci.post(first, report("steady", "flaky:failed", "broken:failed"))
    ci.post(rerun, report("steady", "flaky", "broken:failed"))
    tests = _tests(ci)
    assert tests["flaky"]["flaky"] is True and tests["flaky"]["flaky_score"] == 1.0
    assert tests["flaky"]["flaky_commits"] == 1
    assert sorted(tests["flaky"]["flaky_builds"]) == sorted([first, rerun])
    assert tests["broken"]["flaky"] is False and tests["broken"]["flaky_score"] == 0
    assert tests["broken"]["failures"] == 2 and tests["broken"]["runs"] == 2
    assert tests["steady"]["flaky_score"] == 0, tests


def test_it_ranks_flaky_tests_first(ci):
    a, b = ci.build(sha="c1"), ci.build(sha="c1")
    ci.post(a, report("aaa", "broken:failed", "wobbly:failed"))
    ci.post(b, report("aaa", "broken:failed", "wobbly"))
    items = ci.api.get("/projects/web/tests?sort=flaky").json["items"]
    assert items[0]["name"] == "wobbly"


def test_it_counts_a_surefire_flaky_failure_as_flaky_in_one_build(ci):
    build = ci.build(sha="c2")
    ci.post(build, fixture("surefire.xml"))
    tests = _tests(ci)
    assert tests["flakyOnFirstRun"]["flaky"] is True
    assert tests["flakyOnFirstRun"]["flaky_builds"] == [build]
    assert tests["alwaysBroken"]["flaky"] is False


def test_it_counts_a_retry_inside_one_build_as_flaky(ci):
    ci.post(ci.build(sha="c3"), fixture("gradle.xml"))
    tests = _tests(ci)
    assert tests["talksToThePriceService()"]["flaky"] is True
    assert tests["roundsTheTotal()"]["flaky"] is False


def test_it_weighs_a_flip_on_a_branch_as_weaker_evidence(ci):
    for sha, case in (("c1", "t"), ("c2", "t:failed"), ("c3", "t")):
        ci.post(ci.build(sha=sha), report(case))
    t = _tests(ci)["t"]
    assert t["flaky"] is False and t["flaky_flips"] == 1
    assert t["flaky_score"] == 0.25


def test_it_does_not_count_a_break_that_stayed_broken(ci):
    for sha, case in (("c1", "t"), ("c2", "t:failed"), ("c3", "t:failed"), ("c4", "t")):
        ci.post(ci.build(sha=sha), report(case))
    assert _tests(ci)["t"]["flaky_score"] == 0
