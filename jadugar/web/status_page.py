"""/status/<slug>: the public status page, rendered on the server as one self-contained HTML
document. It is served without login (the guard lets /status/ through), so it does not use
Dash, whose data routes require a session. It shows application names, statuses, 90-day
bars and ongoing incidents only: no check names, targets or error texts. It follows the
reader's light or dark mode (assets/theme.js: their choice on this site, else the system's)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from markupsafe import escape

from jadugar import db
from jadugar.services import status_pages
from jadugar.timeutil import iso
from jadugar.ui.theme import color

bp = Blueprint("status_page", __name__)

STATUS_TEXT = {"up": "Operational", "degraded": "Degraded performance", "down": "Outage",
               "unknown": "No data"}
STYLE = """
body { max-width: 960px; margin: 0 auto; padding: 1.5rem 1rem; }
.bars { display: flex; gap: 2px; height: 34px; align-items: stretch; }
.bars span { flex: 1 1 0; border-radius: 2px; min-width: 2px; }
.app { padding: 1rem 0; border-bottom: 1px solid var(--bs-border-color); }
"""
# Convert the UTC stamps to the reader's own zone; the server never guesses it.
LOCAL_TIME = """
document.querySelectorAll('time[datetime]').forEach(function (el) {
  el.textContent = new Date(el.getAttribute('datetime')).toLocaleString();
});
"""


def _bar(day: dict[str, Any]) -> str:
    uptime = "no data" if day["uptime"] is None else f'{day["uptime"] * 100:.2f}%'
    title = f'{day["t"][:10]}: {uptime}'
    return (f'<span style="background:{color(day["status"])}" '
            f'title="{escape(title)}"></span>')


def _application(app: dict[str, Any]) -> str:
    status = app["status"] or "unknown"
    uptime = "–" if app["uptime"] is None else f'{app["uptime"] * 100:.2f}%'
    incident = ""
    if app["incident_since"] is not None:
        # The alert's own title names checks and errors, which stay private: the public
        # title says which application and how bad, which is what a reader needs.
        title = f'{app["name"]}: {STATUS_TEXT.get(status, status).lower()}'
        incident = (f'<div class="alert alert-danger py-1 px-2 mt-2 mb-0 small">'
                    f'Ongoing incident: <strong>{escape(title)}</strong> since '
                    f'{_time(app["incident_since"])}</div>')
    bars = "".join(_bar(d) for d in app["bars"] or [])
    return f"""<div class="app" data-status="{escape(status)}">
  <div class="d-flex justify-content-between align-items-baseline">
    <h2 class="h5 mb-1">{escape(app["name"])}</h2>
    <span class="fw-semibold" style="color:{color(status)}">{STATUS_TEXT.get(status, status)}
    </span></div>
  <div class="bars" aria-label="uptime per day, last 90 days">{bars}</div>
  <div class="d-flex justify-content-between small text-body-secondary mt-1">
    <span>90 days ago</span><span>{uptime} uptime</span><span>today</span></div>{incident}
</div>"""


def _time(value: Any) -> str:
    stamp = escape(iso(value) if not isinstance(value, str) else value)
    return f'<time datetime="{stamp}">{stamp}</time>'


def _incident(incident: dict[str, Any]) -> str:
    resolved = incident["resolved_at"] is not None
    badge = "Resolved" if resolved else STATUS_TEXT[incident["impact"]]
    tone = "up" if resolved else incident["impact"]
    affects = ", ".join(incident["applications"]) or "all services"
    updates = "".join(
        f'<li class="mb-2"><strong>{escape(u["state"].capitalize())}</strong> — '
        f'{escape(u["message"])}<br><span class="small text-body-secondary">'
        f'{_time(u["at"])}</span></li>' for u in incident["updates"])
    state = escape(incident["state"])
    return f"""<div class="incident border rounded p-3 mb-3" data-state="{state}">
  <div class="d-flex justify-content-between align-items-baseline">
    <h3 class="h6 mb-1">{escape(incident["title"])}</h3>
    <span class="badge" style="background:{color(tone)}">{badge}</span></div>
  <div class="small text-body-secondary mb-2">Affects {escape(affects)}</div>
  <ul class="list-unstyled mb-0">{updates}</ul>
</div>"""


def _incidents(incidents: list[dict[str, Any]]) -> str:
    ongoing = [i for i in incidents if i["resolved_at"] is None]
    past = [i for i in incidents if i["resolved_at"] is not None]
    out = ""
    if ongoing:
        out += '<h2 class="h5 mt-4">Ongoing incidents</h2>' + "".join(map(_incident, ongoing))
    if past:
        out += '<h2 class="h5 mt-4">Past incidents</h2>' + "".join(map(_incident, past))
    return out


def render(view: dict[str, Any]) -> str:
    apps = view["applications"]
    worst = view["status"]
    headline = {"up": "All systems operational", "degraded": "Some systems are degraded",
                "down": "Some systems have an outage"}[worst]
    description = f'<p class="text-body-secondary">{escape(view["description"])}</p>' \
        if view["description"] else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(view["title"])}</title>
<script src="/assets/theme.js"></script>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css"><style>{STYLE}</style></head>
<body><h1 class="h3">{escape(view["title"])}</h1>{description}
<div id="status-headline" class="alert mt-3" style="background:{color(worst)};color:#fff">
{headline}</div>
{_incidents(view["incidents"])}
{"".join(_application(a) for a in apps)}
<p class="small text-body-secondary mt-3">Updated
<time datetime="{iso(view["generated_at"])}">{iso(view["generated_at"])}</time></p>
<script>{LOCAL_TIME}</script></body></html>"""


@bp.get("/status/<slug>")
def status_page(slug: str) -> Response:
    with db.connection() as conn:
        view = status_pages.public_view(conn, slug)
    return Response(render(view), mimetype="text/html",
                    headers={"Cache-Control": "public, max-age=30"})
