"""SQLAlchemy Core tables. The schema itself is owned by the Alembic migrations; these
definitions mirror them for typed queries, and tests/test_models.py keeps the two in step."""

from jadugar.models.accounts import api_tokens, users
from jadugar.models.base import metadata
from jadugar.models.builds import (
    build_insights,
    build_stages,
    builds,
    milestones,
    progress,
    project_webhook_secrets,
    projects,
    status_updates,
    webhook_deliveries,
)
from jadugar.models.monitoring import (
    alert_rules,
    alerts,
    application_projects,
    applications,
    collectors,
    health_checks,
    history,
    maintenance_windows,
    metric_series,
    metrics,
    notification_targets,
    notifications,
    status_page_applications,
    status_pages,
)
from jadugar.models.rollups import history_hourly
from jadugar.models.test_results import test_reports, test_results, tests

__all__ = [
    "alert_rules", "alerts", "api_tokens", "application_projects", "applications",
    "build_insights", "build_stages", "builds", "collectors", "health_checks", "history",
    "maintenance_windows",
    "history_hourly", "metadata", "metric_series", "metrics", "milestones", "notification_targets",
    "notifications", "progress", "project_webhook_secrets", "projects",
    "status_page_applications", "status_pages", "status_updates", "test_reports", "test_results",
    "tests", "users", "webhook_deliveries",
]
