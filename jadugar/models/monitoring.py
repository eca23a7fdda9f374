from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, REAL

from jadugar.models.base import SealedText, metadata, pk, ts

applications = Table(
    "applications", metadata, pk(),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("environment", Text),
    Column("tags", ARRAY(Text), nullable=False),
    Column("owner", Text),
    Column("status", Text, nullable=False),
    ts("status_changed_at"), ts("created_at"), ts("updated_at"),
    # Badges (/badge/{slug}/...) answer only for public applications.
    Column("public", Boolean, nullable=False),
)

application_projects = Table(
    "application_projects", metadata,
    Column("application_id", BigInteger, ForeignKey("applications.id"), primary_key=True),
    Column("project_id", BigInteger, ForeignKey("projects.id"), primary_key=True),
)

health_checks = Table(
    "health_checks", metadata, pk(),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("interval_s", Integer, nullable=False),
    Column("timeout_s", Float, nullable=False),
    Column("retries", SmallInteger, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("expect", JSONB, nullable=False),
    Column("options", JSONB, nullable=False),
    Column("grace_s", Integer, nullable=False),
    Column("depends_on", BigInteger, ForeignKey("health_checks.id")),
    Column("locations_required", SmallInteger, nullable=False),
    Column("heartbeat_token", Text, unique=True),
    Column("status", Text, nullable=False),
    ts("status_changed_at"), ts("last_run_at"),
    Column("last_response_ms", REAL),
    Column("last_error", Text),
    ts("last_ping_at"), ts("last_start_at"), ts("next_run_at"),
    Column("claimed_by", Text),
    ts("created_at"), ts("updated_at"),
    Column("fail_streak", Integer, nullable=False),
    Column("ok_streak", Integer, nullable=False),
    # The secret parts of target and options, encrypted (services/check_credentials.py).
    Column("credentials", Text),
    # The locations it may run from; NULL: wherever a healthy collector is.
    Column("locations", ARRAY(Text)),
)

history = Table(
    "history", metadata,
    Column("check_id", BigInteger, ForeignKey("health_checks.id"), primary_key=True),
    ts("ts", primary_key=True),
    Column("location", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("response_ms", REAL),
    Column("status_code", SmallInteger),
    Column("error", Text),
    Column("details", JSONB),
    Column("collector", Text),
)

metric_series = Table(
    "metric_series", metadata, pk(),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("labels", JSONB, nullable=False),
    ts("created_at"),
)

metrics = Table(
    "metrics", metadata,
    Column("series_id", BigInteger, ForeignKey("metric_series.id"), primary_key=True),
    ts("ts", primary_key=True),
    Column("value", Float, nullable=False),
)

alert_rules = Table(
    "alert_rules", metadata, pk(),
    Column("name", Text),
    Column("check_id", BigInteger, ForeignKey("health_checks.id")),
    Column("application_id", BigInteger, ForeignKey("applications.id")),
    Column("kind", Text, nullable=False),
    Column("threshold", Float),
    Column("recover_threshold", Float),
    Column("window_s", Integer),
    Column("for_s", Integer, nullable=False),
    Column("params", JSONB, nullable=False),
    Column("severity", Text, nullable=False),
    Column("repeat_s", Integer, nullable=False),
    Column("group_by", Text, nullable=False),
    Column("max_reminders", Integer, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("enabled", Boolean, nullable=False),
    ts("pending_since"), ts("created_at"), ts("updated_at"),
    # Build and deploy rules (services/build_rules.py) belong to a project instead.
    Column("project_id", BigInteger, ForeignKey("projects.id")),
    Column("branch", Text),
    Column("environment", Text),
)

alerts = Table(
    "alerts", metadata, pk(),
    Column("rule_id", BigInteger, ForeignKey("alert_rules.id")),
    Column("check_id", BigInteger, ForeignKey("health_checks.id")),
    Column("application_id", BigInteger, ForeignKey("applications.id")),
    Column("state", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text),
    ts("fired_at"), ts("acknowledged_at"),
    Column("acknowledged_by", Text),
    ts("resolved_at"),
    Column("resolved_by", Text),
    ts("last_notified_at"),
    Column("notify_count", Integer, nullable=False),
    Column("incident_key", Text),
    Column("project_id", BigInteger, ForeignKey("projects.id")),
    Column("build_id", BigInteger, ForeignKey("builds.id")),
)

silences = Table(
    "silences", metadata, pk(),
    Column("application_id", BigInteger, ForeignKey("applications.id")),
    Column("check_id", BigInteger, ForeignKey("health_checks.id")),
    ts("starts_at"), ts("ends_at"),
    Column("reason", Text, nullable=False),
    Column("created_by", Text),
    ts("created_at"),
    Column("project_id", BigInteger, ForeignKey("projects.id")),  # build alerts only
)

maintenance_windows = Table(
    "maintenance_windows", metadata, pk(),
    Column("title", Text, nullable=False),
    Column("application_id", BigInteger, ForeignKey("applications.id")),
    Column("check_id", BigInteger, ForeignKey("health_checks.id")),
    ts("starts_at"), ts("ends_at"),
    Column("recurrence", Text, nullable=False),
    ts("created_at"),
)

notification_targets = Table(
    "notification_targets", metadata, pk(),
    Column("name", Text, nullable=False, unique=True),
    Column("url", SealedText, nullable=False),
    Column("application_id", BigInteger, ForeignKey("applications.id")),
    Column("enabled", Boolean, nullable=False),
    Column("min_severity", Text, nullable=False),
    Column("last_error", Text),
    ts("last_error_at"), ts("last_sent_at"), ts("created_at"),
)

notifications = Table(
    "notifications", metadata, pk(),
    Column("alert_id", BigInteger, ForeignKey("alerts.id"), nullable=False),
    Column("target_id", BigInteger, ForeignKey("notification_targets.id"), nullable=False),
    Column("event", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    ts("created_at"), ts("next_attempt_at"), ts("sent_at"),
)

collectors = Table(
    "collectors", metadata,
    Column("name", Text, primary_key=True),
    Column("location", Text, nullable=False),
    Column("hostname", Text),
    Column("pid", Integer),
    Column("version", Text),
    ts("started_at"), ts("last_seen_at"),
    Column("checks_per_s", Float, nullable=False),
    Column("lag_p50_ms", Float),
    Column("lag_p99_ms", Float),
    Column("spool_size", Integer, nullable=False),
    Column("recent_ok", Integer, nullable=False),
    Column("recent_failed", Integer, nullable=False),
    ts("impaired_since"),
)

status_pages = Table(
    "status_pages", metadata, pk(),
    Column("slug", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("description", Text),
    ts("created_at"),
    Column("header_text", Text),
    Column("footer_text", Text),
    Column("logo_url", Text),
)

status_incidents = Table(
    "status_incidents", metadata, pk(),
    Column("status_page_id", BigInteger, ForeignKey("status_pages.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("impact", Text, nullable=False),
    Column("state", Text, nullable=False),
    ts("created_at"),
    Column("created_by", Text),
    ts("resolved_at"),
)

status_incident_applications = Table(
    "status_incident_applications", metadata,
    Column("incident_id", BigInteger, ForeignKey("status_incidents.id"), primary_key=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), primary_key=True),
)

status_incident_updates = Table(
    "status_incident_updates", metadata, pk(),
    Column("incident_id", BigInteger, ForeignKey("status_incidents.id"), nullable=False),
    ts("at"),
    Column("state", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("author", Text),
)

status_page_applications = Table(
    "status_page_applications", metadata,
    Column("status_page_id", BigInteger, ForeignKey("status_pages.id"), primary_key=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)

check_schedule = Table(
    "check_schedule", metadata,
    Column("check_id", BigInteger, ForeignKey("health_checks.id"), primary_key=True),
    Column("location", Text, primary_key=True),
    ts("next_run_at"),
    Column("claimed_by", Text),
)
