"""Audit log: who changed which setting, check, rule, user, token or secret, from where, when.

The database writes it, not the services: a trigger on every configuration table records
each INSERT, DELETE and meaningful UPDATE, so no write path (API, Settings, CLI, config
apply, plain SQL) can forget to. Who and from where come from transaction-local settings
that jadugar.db sets when a request or command is bound (see jadugar/audit_context.py):
jadugar.actor, jadugar.address and jadugar.via. Unbound writes are 'system' (the collector,
demo data) or 'sql' (someone in psql, recorded as their database role).

`summary` holds the changed columns (all non-empty columns on create and delete) with their
new values, except:
- secret columns (password and token hashes, webhook secrets, notification URLs, check
  options and heartbeat tokens, and any column whose name says secret) read "(changed)" or
  "(set)", never a value;
- a check's target is cut to scheme://host:port (a path or query may carry a token);
- check options show which keys changed, with values only for booleans and numbers.

Operational columns that the collector and the login path update all the time (status,
last_run_at, next_run_at, last_used_at, last_login_at, ...) are ignored: the UPDATE trigger
is `after update of` every other column, so the hot path never even calls the function.
A later migration that adds a column to an audited table re-creates that table's triggers
(copy `attach`), with the column in the ignore list if it is operational;
tests/services/test_audit_columns.py fails until it does.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table: (object type, ignored columns, secret columns, host-only columns, key-only JSON
# columns, the column that identifies the row)
AUDITED: dict[str, tuple[str, str, str, str, str, str]] = {
    "applications": ("application", "status,status_changed_at", "", "", "", "id"),
    "application_projects": ("application_project", "", "", "", "", "application_id"),
    "health_checks": (
        "check", "status,status_changed_at,last_run_at,last_response_ms,last_error,"
        "last_ping_at,last_start_at,next_run_at,claimed_by,fail_streak,ok_streak",
        "heartbeat_token", "target", "options", "id"),
    "alert_rules": ("alert_rule", "pending_since", "", "", "", "id"),
    "maintenance_windows": ("maintenance_window", "", "", "", "", "id"),
    "notification_targets": ("notification_target", "last_error,last_error_at,last_sent_at",
                             "url", "", "", "id"),
    "status_pages": ("status_page", "", "", "", "", "id"),
    "status_page_applications": ("status_page_application", "", "", "", "", "status_page_id"),
    "projects": ("project", "", "github_webhook_secret,gitlab_webhook_token", "", "", "id"),
    "users": ("user", "last_login_at", "password_hash", "", "", "id"),
    "api_tokens": ("api_token", "last_used_at", "token_hash", "", "", "id"),
}
# Never worth an entry of their own: the row id and its own timestamps.
ALWAYS_IGNORED = "id,created_at,updated_at"

FUNCTIONS = r"""
create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    actor text,
    address text,
    via text not null,
    action text not null check (action in ('create', 'update', 'delete')),
    object_type text not null,
    object_id text,
    object_name text,
    summary jsonb not null default '{}'
);
create index audit_log_at on audit_log (at desc, id desc);

-- scheme://host:port of a URL, or a bare host:port; '(changed)' for anything else, and when
-- an '@' follows the authority (a password holding '/', '?' or '#' must not leak a piece).
create function audit_host(p text) returns text language plpgsql immutable as $$
declare
    scheme text := substring(p from '^[A-Za-z][A-Za-z0-9+.-]*://');
    rest text := substr(p, coalesce(length(scheme), 0) + 1);
    authority text := coalesce(substring(rest from '^[^/?#]*'), '');
    host text := regexp_replace(authority, '^.*@', '');
begin
    if position('@' in substr(rest, length(authority) + 1)) > 0
       or host !~ '^[A-Za-z0-9._\[\]:-]+$' then
        return '(changed)';
    end if;
    return coalesce(scheme, '') || host;
end $$;

-- Which keys of a JSON object changed; values only where they cannot hold a secret.
create function audit_json_keys(p_old jsonb, p_new jsonb) returns jsonb
language sql immutable as $$
    with o as (select case when jsonb_typeof(p_old) = 'object' then p_old
                           else '{}'::jsonb end as v),
         n as (select case when jsonb_typeof(p_new) = 'object' then p_new
                           else '{}'::jsonb end as v)
    select coalesce(jsonb_object_agg(k, case
               when not (n.v ? k) then to_jsonb('(removed)'::text)
               when jsonb_typeof(n.v -> k) in ('boolean', 'number', 'null') then n.v -> k
               else to_jsonb('(changed)'::text) end), '{}'::jsonb)
      from o, n, (select jsonb_object_keys(o.v) from o
                  union select jsonb_object_keys(n.v) from n) keys(k)
     where (o.v -> k) is distinct from (n.v -> k)
$$;

create function audit_value(p_col text, p_old jsonb, p_new jsonb, p_update boolean,
                            p_secret text[], p_host text[], p_json text[])
returns jsonb language sql immutable as $$
    select case
        when p_new = 'null'::jsonb then p_new
        when p_col = any(p_secret)
             or p_col ~* '(password|secret|token|credential|hash|encrypted|cipher|private)'
            then to_jsonb(case when p_update then '(changed)' else '(set)' end)
        when p_col = any(p_host) then to_jsonb(audit_host(p_new #>> '{}'))
        when p_col = any(p_json) then audit_json_keys(p_old, p_new)
        else p_new end
$$;

-- Arguments: ignored, secret, host-only, key-only JSON columns (array literals), the key
-- column, the object type.
create function audit_row() returns trigger language plpgsql as $$
declare
    v_ignored text[] := TG_ARGV[0]::text[];
    v_old jsonb := case when TG_OP <> 'INSERT' then to_jsonb(OLD) end;
    v_new jsonb := case when TG_OP <> 'DELETE' then to_jsonb(NEW) end;
    v_row jsonb := coalesce(v_new, v_old);
    v_changes jsonb := '{}';
    v_via text := coalesce(nullif(current_setting('jadugar.via', true), ''),
                           case when current_setting('application_name') like 'jadugar%'
                                then 'system' else 'sql' end);
    v_col text;
    v_val jsonb;
begin
    for v_col, v_val in select key, value from jsonb_each(v_row) loop
        continue when v_col = any(v_ignored);
        if TG_OP = 'UPDATE' then
            continue when v_old -> v_col is not distinct from v_val;
        else
            continue when v_val = 'null'::jsonb;
        end if;
        v_changes := v_changes || jsonb_build_object(v_col, audit_value(
            v_col, case when TG_OP = 'UPDATE' then v_old -> v_col end, v_val,
            TG_OP = 'UPDATE', TG_ARGV[1]::text[],
            TG_ARGV[2]::text[], TG_ARGV[3]::text[]));
    end loop;
    if TG_OP = 'UPDATE' and v_changes = '{}'::jsonb then
        return null;
    end if;
    insert into audit_log (actor, address, via, action, object_type, object_id, object_name,
                           summary)
    values (coalesce(nullif(current_setting('jadugar.actor', true), ''),
                     case when v_via = 'sql' then session_user::text end),
            nullif(current_setting('jadugar.address', true), ''), v_via,
            case TG_OP when 'INSERT' then 'create' when 'UPDATE' then 'update'
                       else 'delete' end,
            TG_ARGV[5], v_row ->> TG_ARGV[4],
            coalesce(v_row ->> 'name', v_row ->> 'username', v_row ->> 'title',
                     v_row ->> 'slug'),
            v_changes);
    return null;
end $$;
"""


def _array(names: str) -> str:
    return "{" + names + "}"


def attach(table: str, kind: str, ignored: str, secret: str, host: str, json_keys: str,
           key: str) -> str:
    """The two triggers of one table. The UPDATE trigger fires only for statements that set
    a column worth auditing: the collector's claims and results set none, so they cost
    nothing (a WHEN clause comparing whole rows cost 40 µs a row)."""
    skip = ",".join(filter(None, (ALWAYS_IGNORED, ignored)))
    args = ", ".join(f"'{a}'" for a in (_array(skip), _array(secret), _array(host),
                                        _array(json_keys), key, kind))
    watched = ", ".join(c for c in _columns(table) if c not in skip.split(","))
    return f"""
drop trigger if exists audit_write on {table};
drop trigger if exists audit_update on {table};
create trigger audit_write after insert or delete on {table}
    for each row execute function audit_row({args});
create trigger audit_update after update of {watched} on {table}
    for each row execute function audit_row({args});
"""


def _columns(table: str) -> list[str]:
    return list(op.get_bind().execute(sa.text(
        "select column_name from information_schema.columns where table_schema = "
        "current_schema() and table_name = :t order by ordinal_position"),
        {"t": table}).scalars())


def upgrade() -> None:
    op.execute(FUNCTIONS)
    for table, spec in AUDITED.items():
        op.execute(attach(table, *spec))


def downgrade() -> None:
    for table in AUDITED:
        op.execute(f"drop trigger if exists audit_write on {table}")
        op.execute(f"drop trigger if exists audit_update on {table}")
    for fn in ("audit_row()", "audit_value(text, jsonb, jsonb, boolean, text[], text[], "
               "text[])", "audit_json_keys(jsonb, jsonb)", "audit_host(text)"):
        op.execute(f"drop function if exists {fn}")
    op.execute("drop table if exists audit_log")
