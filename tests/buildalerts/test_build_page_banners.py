"""The build page's banners, built from what the API answers for a build."""

from jadugar.ui.build_banners import banners


def _texts(build):
    return [(b.id, b.color, b.children) for b in banners(build)]


def test_it_warns_of_an_abnormally_long_build(api, builds):
    for seconds in [60, 61, 59, 60, 62, 58, 60, 61, 59, 60]:
        builds.finish(seconds)
    usual = builds.finish(61)
    slow = builds.finish(300)
    assert _texts(api.get(f"/builds/{usual['id']}").json) == []
    [(banner_id, colour, text)] = _texts(api.get(f"/builds/{slow['id']}").json)
    assert (banner_id, colour) == ("builds-detail-anomaly", "warning")
    assert text.startswith("Abnormally long: 5 min, where recent successful builds of this "
                           "branch took 60 s")


def test_it_tells_what_a_deploy_did():
    build = {"duration_anomaly": None, "deploy_impact": {
        "verdict": "worse", "applications": ["shop"], "changes": ["p95 response time 1 → 9 ms"]}}
    assert _texts(build) == [("builds-detail-impact", "danger",
                              "This deploy made shop worse: p95 response time 1 → 9 ms.")]


def test_the_duration_chart_rings_abnormally_long_builds(api, builds, conn):
    from jadugar.services import build_series
    from jadugar.services.build_reads import BuildFilter
    from jadugar.services.projects import get_project
    from jadugar.ui.build_figures import duration_figure

    for seconds in [60, 61, 59, 60, 62, 58, 60, 61, 59, 60, 300]:
        builds.finish(seconds)
    pid = get_project(conn, "web").id
    points = build_series.duration_points(conn, pid, BuildFilter(), limit=2)
    assert points["anomalous"].tolist()[-1] is True  # kept although thinned to every 6th
    trend = build_series.duration_trend(conn, pid, BuildFilter(),
                                        build_series.step_for(builds.t.replace(day=1),
                                                              builds.t))
    [ring] = [t for t in duration_figure(points, trend).data if t.name == "abnormally long"]
    assert list(ring.y) == [5.0]


def test_the_project_builds_table_badges_abnormally_long_builds(api, builds, conn):
    import importlib

    from jadugar.services import build_reads
    from jadugar.services.projects import get_project

    for seconds in [60, 61, 59, 60, 62, 58, 60, 61, 59, 60, 300]:
        builds.finish(seconds)
    rows, _ = build_reads.table_page(conn, get_project(conn, "web").id,
                                     build_reads.BuildFilter(), 1)
    assert [r["anomalous"] for r in rows[:2]] == [True, False]
    project_page = importlib.import_module("pages.build_project")
    slow, usual = project_page.builds_table("web", rows).children[1].children[:2]
    assert slow.children[-1].children[-1].children == "abnormally long"
    assert usual.children[-1].children[-1] is None
