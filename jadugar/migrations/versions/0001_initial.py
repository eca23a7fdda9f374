"""Initial schema: accounts, build tracking, monitoring.

The big tables (history, metrics, progress, status_updates) carry time in their keys so they
can become time-partitioned without changing a query.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UP = """
create table users (
    id bigint generated always as identity primary key,
    username text not null unique check (length(username) between 1 and 64),
    password_hash text not null,
    role text not null check (role in ('admin', 'editor', 'viewer')),
    active boolean not null default true,
    created_at timestamptz not null default now(),
    last_login_at timestamptz
);

create table api_tokens (
    id bigint generated always as identity primary key,
    name text not null,
    prefix text not null,
    token_hash text not null unique,
    scope text not null check (scope in ('read', 'ingest', 'admin')),
    created_by bigint references users(id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

create table projects (
    id bigint generated always as identity primary key,
    slug text not null unique,
    name text not null,
    description text,
    repository_url text,
    repository text unique,
    default_branch text not null default 'main',
    github_webhook_secret text,
    gitlab_webhook_token text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table builds (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects(id) on delete cascade,
    external_id text,
    number integer,
    branch text,
    commit_sha text,
    commit_at timestamptz,
    pipeline text,
    trigger text,
    kind text not null default 'build' check (kind in ('build', 'deploy')),
    environment text,
    status text not null
        check (status in ('queued', 'running', 'success', 'failed', 'cancelled', 'skipped')),
    progress smallint check (progress between 0 and 100),
    source text not null default 'api',
    url text,
    message text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz not null default now(),
    duration_s double precision
        generated always as (extract(epoch from (finished_at - started_at))) stored,
    unique (project_id, external_id)
);
create index builds_project_time on builds (project_id, created_at desc, id desc);
create index builds_project_branch_time on builds (project_id, branch, created_at desc);
create index builds_active on builds (project_id) where status in ('queued', 'running');
create index builds_created_brin on builds using brin (created_at);

create table build_stages (
    id bigint generated always as identity primary key,
    build_id bigint not null references builds(id) on delete cascade,
    external_id text not null,
    name text not null,
    status text not null,
    position integer not null default 0,
    started_at timestamptz,
    finished_at timestamptz,
    duration_s double precision
        generated always as (extract(epoch from (finished_at - started_at))) stored,
    url text,
    unique (build_id, external_id)
);

create table milestones (
    id bigint generated always as identity primary key,
    project_id bigint not null references projects(id) on delete cascade,
    title text not null,
    description text,
    due_on date,
    status text not null default 'planned'
        check (status in ('planned', 'active', 'done', 'missed')),
    progress smallint not null default 0 check (progress between 0 and 100),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index milestones_project on milestones (project_id);

create table progress (
    milestone_id bigint not null references milestones(id) on delete cascade,
    ts timestamptz not null,
    value smallint not null check (value between 0 and 100),
    note text,
    primary key (milestone_id, ts)
);

create table status_updates (
    id bigint generated always as identity,
    project_id bigint not null references projects(id) on delete cascade,
    build_id bigint references builds(id) on delete cascade,
    milestone_id bigint references milestones(id) on delete cascade,
    ts timestamptz not null default now(),
    source text not null default 'api',
    old_status text,
    new_status text,
    old_progress smallint,
    new_progress smallint,
    message text,
    author text,
    primary key (id)
);
create index status_updates_project_time on status_updates (project_id, ts desc);
create index status_updates_build on status_updates (build_id, ts) where build_id is not null;
create index status_updates_milestone on status_updates (milestone_id, ts)
    where milestone_id is not null;

create table webhook_deliveries (
    provider text not null,
    delivery_id text not null,
    received_at timestamptz not null default now(),
    primary key (provider, delivery_id)
);

create table applications (
    id bigint generated always as identity primary key,
    slug text not null unique,
    name text not null,
    description text,
    environment text,
    tags text[] not null default '{}',
    owner text,
    status text not null default 'unknown'
        check (status in ('up', 'degraded', 'down', 'unknown')),
    status_changed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index applications_tags on applications using gin (tags);

create table application_projects (
    application_id bigint not null references applications(id) on delete cascade,
    project_id bigint not null references projects(id) on delete cascade,
    primary key (application_id, project_id)
);

create table health_checks (
    id bigint generated always as identity primary key,
    application_id bigint not null references applications(id) on delete cascade,
    name text not null,
    type text not null,
    target text not null,
    interval_s integer not null check (interval_s >= 5),
    timeout_s double precision not null default 10 check (timeout_s > 0),
    retries smallint not null default 0 check (retries between 0 and 10),
    enabled boolean not null default true,
    expect jsonb not null default '{}',
    options jsonb not null default '{}',
    grace_s integer not null default 0 check (grace_s >= 0),
    depends_on bigint references health_checks(id) on delete set null,
    locations_required smallint not null default 1 check (locations_required >= 1),
    heartbeat_token text unique,
    status text not null default 'unknown'
        check (status in ('up', 'degraded', 'down', 'unknown')),
    status_changed_at timestamptz,
    last_run_at timestamptz,
    last_response_ms real,
    last_error text,
    last_ping_at timestamptz,
    last_start_at timestamptz,
    next_run_at timestamptz not null default now(),
    claimed_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (application_id, name)
);
create index health_checks_due on health_checks (next_run_at) where enabled;

-- One row per check result. Time is in the key so the table can be range-partitioned
-- by ts later; location keeps results of collectors in different places apart.
create table history (
    check_id bigint not null references health_checks(id) on delete cascade,
    ts timestamptz not null,
    location text not null default 'local',
    status text not null check (status in ('up', 'degraded', 'down')),
    response_ms real,
    status_code smallint,
    error text,
    details jsonb,
    collector text,
    primary key (check_id, ts, location)
);
create index history_ts_brin on history using brin (ts);

create table metric_series (
    id bigint generated always as identity primary key,
    application_id bigint not null references applications(id) on delete cascade,
    name text not null,
    labels jsonb not null default '{}',
    created_at timestamptz not null default now(),
    unique (application_id, name, labels)
);

-- Narrow rows, written by COPY; (series, ts) is the only access path the pages use.
create table metrics (
    series_id bigint not null references metric_series(id) on delete cascade,
    ts timestamptz not null,
    value double precision not null,
    primary key (series_id, ts)
);
create index metrics_ts_brin on metrics using brin (ts);

create table alert_rules (
    id bigint generated always as identity primary key,
    name text,
    check_id bigint references health_checks(id) on delete cascade,
    application_id bigint references applications(id) on delete cascade,
    kind text not null,
    threshold double precision,
    recover_threshold double precision,
    window_s integer,
    for_s integer not null default 0,
    params jsonb not null default '{}',
    severity text not null default 'critical' check (severity in ('info', 'warning', 'critical')),
    repeat_s integer not null default 3600,
    is_default boolean not null default false,
    enabled boolean not null default true,
    pending_since timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (check_id is not null or application_id is not null)
);
create index alert_rules_check on alert_rules (check_id);
create index alert_rules_application on alert_rules (application_id);

create table alerts (
    id bigint generated always as identity primary key,
    rule_id bigint references alert_rules(id) on delete set null,
    check_id bigint references health_checks(id) on delete cascade,
    application_id bigint references applications(id) on delete cascade,
    state text not null default 'firing' check (state in ('firing', 'acknowledged', 'resolved')),
    severity text not null default 'critical',
    title text not null,
    message text,
    fired_at timestamptz not null default now(),
    acknowledged_at timestamptz,
    acknowledged_by text,
    resolved_at timestamptz,
    resolved_by text,
    last_notified_at timestamptz,
    notify_count integer not null default 0
);
-- An ongoing incident never gets a second alert from the same rule.
create unique index alerts_one_open_per_rule on alerts (rule_id) where state <> 'resolved';
create index alerts_state_time on alerts (state, fired_at desc);
create index alerts_application_time on alerts (application_id, fired_at desc);

create table maintenance_windows (
    id bigint generated always as identity primary key,
    title text not null,
    application_id bigint references applications(id) on delete cascade,
    check_id bigint references health_checks(id) on delete cascade,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    recurrence text not null default 'none' check (recurrence in ('none', 'daily', 'weekly')),
    created_at timestamptz not null default now(),
    check (ends_at > starts_at)
);

create table notification_targets (
    id bigint generated always as identity primary key,
    name text not null unique,
    url text not null,
    application_id bigint references applications(id) on delete cascade,
    enabled boolean not null default true,
    last_error text,
    last_error_at timestamptz,
    last_sent_at timestamptz,
    created_at timestamptz not null default now()
);

create table notifications (
    id bigint generated always as identity primary key,
    alert_id bigint not null references alerts(id) on delete cascade,
    target_id bigint not null references notification_targets(id) on delete cascade,
    event text not null,
    title text not null,
    body text not null,
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts integer not null default 0,
    last_error text,
    created_at timestamptz not null default now(),
    next_attempt_at timestamptz not null default now(),
    sent_at timestamptz
);
create index notifications_pending on notifications (next_attempt_at) where status = 'pending';

create table collectors (
    name text primary key,
    location text not null,
    hostname text,
    pid integer,
    version text,
    started_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    checks_per_s double precision not null default 0,
    lag_p50_ms double precision,
    lag_p99_ms double precision,
    spool_size integer not null default 0
);

create table status_pages (
    id bigint generated always as identity primary key,
    slug text not null unique,
    title text not null,
    description text,
    created_at timestamptz not null default now()
);

create table status_page_applications (
    status_page_id bigint not null references status_pages(id) on delete cascade,
    application_id bigint not null references applications(id) on delete cascade,
    position integer not null default 0,
    primary key (status_page_id, application_id)
);

create table demo_marker (
    name text primary key,
    created_at timestamptz not null default now()
);
"""

TABLES = [
    "demo_marker", "status_page_applications", "status_pages", "collectors", "notifications",
    "notification_targets", "maintenance_windows", "alerts", "alert_rules", "metrics",
    "metric_series", "history", "health_checks", "application_projects", "applications",
    "webhook_deliveries", "status_updates", "progress", "milestones", "build_stages", "builds",
    "projects", "api_tokens", "users",
]


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"drop table if exists {table} cascade")
