"""The Settings save callback, posted as a browser would: a bad condition's error lands in
the textarea's own error slot, a good one is saved into expect.conditions."""

from policy_support import add_user, dependencies, post, sign_in
from sqlalchemy import text

from jadugar.services import applications

CHECK_SAVE = "set-checks-changed.data <- set-checks-save"
FORM = {"set-checks-application": "shop", "set-checks-name": "api",
        "set-checks-type": "http", "set-checks-target": "https://shop.example/health",
        "set-checks-interval_s": 60, "set-checks-method": "GET",
        "set-checks-follow_redirects": True, "set-checks-verify_tls": True}


def _admin(client, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    add_user(engine, "admin-1", "admin")
    sign_in(client, "admin-1")
    return dependencies(client)


def test_a_bad_condition_shows_beside_the_textarea(client, engine, dash_app):
    deps = _admin(client, engine)
    r = post(client, deps, CHECK_SAVE, {**FORM, "set-checks-conditions": "[STATUS] => 200"})
    shown = r.json["response"]["set-checks-conditions-error"]["children"]
    assert shown.startswith("condition 1 ([STATUS] => 200), column 10: expected an operator")


def test_good_conditions_are_saved(client, engine, dash_app):
    deps = _admin(client, engine)
    r = post(client, deps, CHECK_SAVE, {**FORM, "set-checks-conditions":
                                        "[STATUS] == 200\ndegraded: [RESPONSE_TIME] < 300"})
    assert r.status_code == 200 and "Created api" in r.get_data(as_text=True)
    with engine.connect() as c:
        stored = c.execute(text("select expect from health_checks")).scalar_one()
    assert stored["conditions"] == ["[STATUS] == 200", "degraded: [RESPONSE_TIME] < 300"]
