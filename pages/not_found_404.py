"""Any URL no page claims: the one not-found page (jadugar/ui/not_found.py)."""

from __future__ import annotations

import dash

from jadugar.ui import not_found

dash.register_page(__name__, path="/404", title="Not found · Jadugar")


def layout(**_query):
    # The router passes only the query; the path it could not match is its own input.
    try:
        path = dash.callback_context.inputs.get("_pages_location.pathname")
    except Exception:  # called outside the router (a layout check): no path to name
        path = None
    return not_found.page("Page not found", f"There is no page at {path or 'this address'}.",
                          path)
