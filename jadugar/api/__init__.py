"""The REST API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint

from jadugar.api import csv_lists
from jadugar.api.helpers import refuse_nul_bytes

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.before_request(refuse_nul_bytes)
api.after_request(csv_lists.convert)


def register_resources() -> Blueprint:
    """Import the resource modules (they add routes to `api`) and return the blueprint."""
    from jadugar.api import (  # noqa: F401
        applications,
        meta,
        openapi,  # noqa: F401
        projects,
        tokens,
    )
    _optional("builds", "milestones", "webhooks", "checks", "metrics", "alerts",
              "collectors", "heartbeat", "status_pages", "exports", "status_updates",
              "alert_rules", "maintenance", "notification_targets", "reports", "audit", "silences",
              "badges", "test_results", "openapi")
    return api


def _optional(*names: str) -> None:
    """Resource modules added by later work register themselves when present."""
    import importlib
    import importlib.util

    for name in names:
        if importlib.util.find_spec(f"jadugar.api.{name}") is not None:
            importlib.import_module(f"jadugar.api.{name}")
