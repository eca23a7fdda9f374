"""A heartbeat's ping URL and a line to paste into the job, for those who may edit checks
(the token in the URL is the heartbeat's only credential): in Settings when editing the
check, and on the application page beside the check's configuration."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html
from flask import request


def ping_note(ping_path: str | None, prefix: str, name: str | None = None) -> dbc.Alert | None:
    if not ping_path:
        return None
    url = request.host_url.rstrip("/") + ping_path
    snippet = (f'your-job > job.log 2>&1; curl -fsS -m 10 --retry 3 --data-binary @job.log '
               f'"{url}/$?"')
    title = f"{name}: ping URL" if name else "Ping URL"
    return dbc.Alert([html.Div(f"{title} (GET or POST; /start, /fail or /<exit status> "
                               "after it):"), html.Code(url, id=f"{prefix}-ping-url"),
                      html.Pre(snippet, id=f"{prefix}-ping-snippet",
                               className="small mt-2 mb-0")],
                     color="info", className="small")
