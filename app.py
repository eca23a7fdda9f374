"""The Dash shell: navbar from the page registry, the page container, live-update wiring.

`python app.py` serves it for development; `jadugar serve` runs it in production.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dash import Dash

from jadugar import config
from jadugar.errors import NotFound
from jadugar.ui import shell
from jadugar.web import headers, sessions
from jadugar.web.server import create_server

HERE = Path(__file__).resolve().parent


def _folder(name: str) -> str:
    """Pages and assets sit beside app.py in a checkout; a plain `pip install .` puts
    assets under <prefix>/share/jadugar."""
    for candidate in (HERE / name, Path(sys.prefix) / "share" / "jadugar" / name):
        if candidate.is_dir():
            return str(candidate)
    return str(HERE / name)


def create_app(cfg: config.Config | None = None) -> Dash:
    server = create_server(cfg)
    app = Dash(
        "app",
        server=server,
        use_pages=True,
        pages_folder=_folder("pages"),
        assets_folder=_folder("assets"),
        assets_ignore=shell.THEME_SCRIPT_PATTERN,  # in <head> instead, see shell.INDEX
        index_string=shell.INDEX,
        external_stylesheets=["/vendor/css/bootstrap.min.css",
                              "/vendor/css/font/bootstrap-icons.min.css"],
        suppress_callback_exceptions=True,
        title="Jadugar",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = shell.layout
    _attach_realtime(app)
    _refuse_unknown_component_files(app)
    # Clientside callbacks are inline scripts: allow each by its hash.
    headers.allow_scripts(server, app.csp_hashes)
    sessions.trust_proxies(server)
    return app


def _refuse_unknown_component_files(app: Dash) -> None:
    """/_dash-component-suites/<package>/<path> for a package or file Dash never registered
    (a traversal attempt, a stale link) is a 404, not a 500 with a traceback."""
    from dash.exceptions import DependencyException

    server = app.server
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith("/_dash-component-suites/"):
            serve = server.view_functions[rule.endpoint]

            def guarded(package_name: str, fingerprinted_path: str, _serve=serve):
                try:
                    return _serve(package_name, fingerprinted_path)
                except DependencyException:
                    raise NotFound("no such file") from None

            server.view_functions[rule.endpoint] = guarded


def _attach_realtime(app: Dash) -> None:
    from jadugar.web import realtime

    realtime.attach(app.server)


def main() -> None:
    cfg = config.get()
    app = create_app(cfg)
    app.run(host=cfg.host, port=cfg.port, debug=False, threaded=True,
            dev_tools_disable_version_check=True)


if __name__ == "__main__":
    main()
