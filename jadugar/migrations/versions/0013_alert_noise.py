"""Alert noise control: incidents, reminder caps, routing by severity, silences.

- alerts.incident_key groups open alerts: by application unless the rule says `group_by`
  check (or none). Notifications go out per incident, not per alert.
- alert_rules.max_reminders caps reminders per alert; alert_rules.group_by picks the key.
- notification_targets.min_severity routes: a target hears only alerts at least that severe
  (its application, as before, narrows it to one application).
- silences: ad hoc, for an application or a check (or everything), until an end time. A
  silenced alert still opens and shows; nobody is notified of it.

The audit triggers of the two changed tables are re-attached from their own arguments, so
the new columns are watched like the others.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from alembic import op

from jadugar.migrations.audit import reattach_audit

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
alter table alert_rules
    add column group_by text not null default 'application'
        check (group_by in ('application', 'check', 'none')),
    add column max_reminders integer not null default 3 check (max_reminders >= 0);
alter table alerts add column incident_key text;
update alerts set incident_key = 'application:' || application_id;
create index alerts_open_incident on alerts (incident_key) where state <> 'resolved';
alter table notification_targets
    add column min_severity text not null default 'info'
        check (min_severity in ('info', 'warning', 'critical'));
create table silences (
    id bigint generated always as identity primary key,
    application_id bigint references applications(id) on delete cascade,
    check_id bigint references health_checks(id) on delete cascade,
    starts_at timestamptz not null default now(),
    ends_at timestamptz not null,
    reason text not null check (length(reason) between 1 and 500),
    created_by text,
    created_at timestamptz not null default now(),
    check (ends_at >= starts_at)  -- equal: ended before it began (expired early)
);
create index silences_active on silences (ends_at);
""")
    reattach_audit("alert_rules")
    reattach_audit("notification_targets")


def downgrade() -> None:
    reattach_audit("alert_rules", without=("group_by", "max_reminders"))
    reattach_audit("notification_targets", without=("min_severity",))
    op.execute("""
drop table if exists silences;
alter table notification_targets drop column min_severity;
drop index if exists alerts_open_incident;
alter table alerts drop column incident_key;
alter table alert_rules drop column group_by, drop column max_reminders;
""")
