"""The Settings form's "Try it": one probe run of the form as it stands, against a real
local target, showing each condition's outcome; refused to those who may not write."""

from policy_support import add_user, dependencies, post, sign_in

from jadugar.services import applications

TRY = "set-checks-try-result.children <- set-checks-try"


def _form(url: str, conditions: str) -> dict:
    return {"set-checks-application": "shop", "set-checks-name": "api",
            "set-checks-type": "http", "set-checks-target": url,
            "set-checks-interval_s": 60, "set-checks-method": "GET",
            "set-checks-follow_redirects": True, "set-checks-verify_tls": True,
            "set-checks-conditions": conditions}


def _signed_in(client, engine, role: str):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    add_user(engine, f"user-{role}", role)
    sign_in(client, f"user-{role}")
    return dependencies(client)


def test_it_runs_the_check_once_and_shows_each_condition(client, engine, dash_app, web_url):
    deps = _signed_in(client, engine, "admin")
    r = post(client, deps, TRY, _form(f"{web_url}/json",
                                      "[STATUS] == 200\n[BODY].data.items[0].id > 9"))
    shown = str(r.json["response"]["set-checks-try-result"]["children"])
    assert "[STATUS] == 200" in shown and "✓" in shown and "✗" in shown
    assert "[BODY].data.items[0].id is 4" in shown


def test_it_shows_a_bad_condition_instead_of_running(client, engine, dash_app, web_url):
    deps = _signed_in(client, engine, "admin")
    r = post(client, deps, TRY, _form(f"{web_url}/json", "[STATUS] = 200"))
    shown = str(r.json["response"]["set-checks-try-result"]["children"])
    assert "conditions: condition 1 ([STATUS] = 200), column 10" in shown


def test_a_viewer_may_not_try(client, engine, dash_app, web_url):
    deps = _signed_in(client, engine, "viewer")
    r = post(client, deps, TRY, _form(f"{web_url}/json", "[STATUS] == 200"))
    assert r.status_code in (401, 403)
