"""/status/<slug>: the public status page, rendered on the server as one self-contained HTML
document. It is served without login (the guard lets /status/ through), so it does not use
Dash, whose data routes require a session. It shows application names, statuses, 90-day
bars and ongoing incidents only: no check names, targets or error texts. It follows the
reader's light or dark mode (assets/theme.js: their choice on this site, else the system's)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response
from markupsafe import escape

from jadugar import db
from jadugar.services import status_pages
from jadugar.services.status_incidents import IMPACT_STATUS
from jadugar.timeutil import iso
from jadugar.ui.theme import color
from jadugar.web import headers

bp = Blueprint("status_page", __name__)

STATUS_TEXT = {"up": "Operational", "degraded": "Degraded performance", "down": "Outage",
               "unknown": "No data"}
IMPACT_TEXT = {"none": "No impact", "minor": "Minor impact", "major": "Major impact",
               "critical": "Critical impact"}
STYLE = """
body { max-width: 960px; margin: 0 auto; padding: 1.5rem 1rem; }
.bars { display: flex; gap: 2px; height: 34px; align-items: stretch; }
.bars span { flex: 1 1 0; border-radius: 2px; min-width: 2px; }
.logo { max-height: 48px; max-width: 200px; margin-right: .75rem; }
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
    badge = "Resolved" if resolved else IMPACT_TEXT[incident["impact"]]
    tone = "up" if resolved else IMPACT_STATUS[incident["impact"]]
    affects = ", ".join(incident["applications"]) or "all services"
    updates = "".join(
        f'<li class="mb-2"><strong>{escape(u["state"].capitalize())}</strong> — '
        f'{escape(u["message"])}<br><span class="small text-body-secondary">'
        f'{_time(u["at"])}</span></li>' for u in incident["updates"])
    state = escape(incident["state"])
    return f"""<div class="incident border rounded p-3 mb-3" data-state="{state}"
  id="incident-{escape(incident["key"])}" data-impact="{escape(incident["impact"])}">
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


def _maintenance(notices: list[dict[str, Any]]) -> str:
    if not notices:
        return ""
    items = "".join(
        f'<li class="maintenance border rounded p-2 mb-2"><strong>{escape(n["title"])}</strong>'
        f'<span class="badge text-bg-info ms-2">{"In progress" if n["ongoing"] else "Scheduled"}'
        f'</span><br><span class="small text-body-secondary">{_time(n["starts_at"])} – '
        f'{_time(n["ends_at"])}</span></li>' for n in notices)
    return f'<h2 class="h5 mt-4">Scheduled maintenance</h2><ul class="list-unstyled">{items}</ul>'


def _text_block(value: str | None, css: str, element_id: str) -> str:
    """The page's own header or footer: plain text, escaped, line breaks kept."""
    if not value:
        return ""
    return (f'<div id="{element_id}" class="{css}" style="white-space:pre-line">'
            f'{escape(value)}</div>')


def _heading(view: dict[str, Any]) -> str:
    logo = ""
    if view.get("logo_url"):  # https only (services/status_branding.py), and escaped
        logo = f'<img class="logo" src="{escape(view["logo_url"])}" alt="">'
    feed = escape(f'/status/{view["slug"]}/feed.atom')
    return (f'<div class="d-flex align-items-center">{logo}'
            f'<h1 class="h3 mb-0">{escape(view["title"])}</h1>'
            f'<a class="ms-auto small" href="{feed}">Incident feed (Atom)</a></div>')


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
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css"><style>{STYLE}</style>
<link rel="alternate" type="application/atom+xml" title="Incidents"
 href="{escape(f'/status/{view["slug"]}/feed.atom')}"></head>
<body>{_text_block(view.get("header_text"), "mb-3", "status-header")}{_heading(view)}
{description}
<div id="status-headline" class="alert mt-3" style="background:{color(worst)};color:#fff">
{headline}</div>
{_incidents(view["incidents"])}
{_maintenance(view["maintenance"])}
{"".join(_application(a) for a in apps)}
{_text_block(view.get("footer_text"), "mt-4 small", "status-footer")}
<p class="small text-body-secondary mt-3">Updated
<time datetime="{iso(view["generated_at"])}">{iso(view["generated_at"])}</time></p>
<script>{LOCAL_TIME}</script></body></html>"""


@bp.get("/status/<slug>")
def status_page(slug: str) -> Response:
    with db.connection() as conn:
        view = status_pages.public_view(conn, slug)
    return Response(render(view), mimetype="text/html",
                    headers={"Cache-Control": "public, max-age=30",
                             "Content-Security-Policy": _policy(view.get("logo_url"))})


HOST = re.compile(r"^[a-z0-9.-]+$")


def _policy(logo_url: str | None) -> str:
    """The site's policy, letting in images from the logo's https origin and no other."""
    base = headers.policy([headers.script_hash(LOCAL_TIME)])
    parts = urlsplit(logo_url or "")
    if parts.scheme != "https" or not HOST.match(parts.hostname or ""):
        return base
    origin = f"https://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return base.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
