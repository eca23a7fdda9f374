"""/alerts shows a build alert with a link to the build that fired it."""

import importlib


def test_it_links_a_build_alert_to_its_build(dash_app, api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "build_failed"})
    red = builds.finish(60, status="failed")
    alerts_page = importlib.import_module("pages.alerts")  # loaded by the page registry
    with dash_app.server.test_request_context("/alerts"):
        firing = alerts_page.show("all", None, None, None, None)[0]
    [row] = firing.children[1].children[1].children
    link = row.children[2].children
    assert (link.children, link.href) == ("web (build)", f"/builds/web/{red['id']}")
