"""GET /projects/{slug}/delivery: production by default, another environment on request."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_it_answers_for_production_unless_told_another_environment(api, engine):
    with engine.begin() as conn:
        pid = conn.execute(text("insert into projects (slug, name) values ('web', 'Web') "
                                "returning id")).scalar_one()
        for hours, env in ((1, "production"), (2, "staging"), (3, "staging")):
            conn.execute(text("""
                insert into builds (project_id, kind, environment, status, created_at,
                                    finished_at, source)
                values (:p, 'deploy', :env, 'success', :at, :at, 'api')"""),
                {"p": pid, "env": env, "at": T0 + timedelta(hours=hours)})
    span = {"since": T0.isoformat(), "until": (T0 + timedelta(days=1)).isoformat()}
    prod = api.get("/projects/web/delivery", query_string=span).get_json()
    staging = api.get("/projects/web/delivery",
                      query_string={**span, "environment": "staging"}).get_json()
    assert (prod["deploys"], prod["environments"]) == (1, ["production", "prod"])
    assert (staging["deploys"], staging["environments"]) == (2, ["staging"])
    assert staging["previous"]["deploys"] == 0


def test_it_names_the_field_of_a_bad_environment_list(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    answer = api.get("/projects/web/delivery", query_string={"environment": "x" * 300})
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "environment"
