"""Lists that follow writes made in another tab: a new or deleted application is offered
(or no longer) in every other area's application picker at once, without a reload, and the
checks list drops the checks of a deleted application. Each picker has its own callback:
it is in the page only for those who may write that area, and a callback whose output is
missing does not run."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from jadugar import db
from jadugar.services import applications

# The application pickers of the other areas (ids from settings_areas / settings_checks).
APP_PICKERS = ("set-checks-application", "set-maint-application", "set-targets-application",
               "set-pages-applications")


def app_slugs(_changed: object) -> list[str]:
    with db.connection() as conn:
        return applications.slugs(conn)


def bump(_changed: object, current: int | None) -> int:
    return (current or 0) + 1


def register() -> None:
    for picker in APP_PICKERS:
        dash.callback(Output(picker, "options"), Input("set-apps-changed", "data"),
                      prevent_initial_call=True)(app_slugs)
    dash.callback(Output("set-checks-changed", "data", allow_duplicate=True),
                  Input("set-apps-changed", "data"), State("set-checks-changed", "data"),
                  prevent_initial_call=True)(bump)
