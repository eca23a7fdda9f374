"""The `jadugar` command: one click group, every subcommand documented in the README."""

from __future__ import annotations

import logging
import os
import sys

import click

from jadugar import config


def _setup_logging() -> None:
    logging.basicConfig(level=config.get().log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Their INFO lines (every migration step, every join of the embedded server) drown out
    # what the command itself says.
    for chatty in ("alembic", "pgserver"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


# Long-running processes: their changes are audited per request (web) or as 'system'.
_SERVERS = ("up", "serve", "collect")


def _bind_audit_actor(ctx: click.Context) -> None:
    """Changes a command makes (users, tokens, config apply, ...) are audited as the OS user
    who ran it, on this host."""
    if ctx.invoked_subcommand in _SERVERS:
        return
    import getpass
    import socket

    from jadugar import audit_context

    try:
        who = getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (some containers)
        who = f"uid {os.getuid()}"
    token = audit_context.bind(who, socket.gethostname(), "cli")
    ctx.call_on_close(lambda: audit_context.unbind(token))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jadugar")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Jadugar: build tracking and application monitoring on PostgreSQL."""
    try:
        config.get()
    except config.ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    _setup_logging()
    _bind_audit_actor(ctx)


def _bind(host: str | None, port: int | None) -> config.Config:
    cfg = config.get()
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if changes:
        cfg = cfg.replace(**changes)
        config.override(cfg)
    return cfg


@main.command()
@click.option("--host", help="Address to listen on (JADUGAR_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (JADUGAR_PORT, default 8050).")
@click.option("--demo", is_flag=True, help="Load demo data first (skipped if already loaded).")
def up(host: str | None, port: int | None, demo: bool) -> None:
    """Run everything: embedded database if needed, migrations, web server and collector."""
    from jadugar.supervisor import run_all

    sys.exit(run_all(_bind(host, port), demo=demo))


@main.command()
@click.option("--host", help="Address to listen on (JADUGAR_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (JADUGAR_PORT, default 8050).")
@click.option("--worker", type=click.Choice(["gevent", "gthread"]), default="gevent",
              show_default=True,
              help="gevent: an open WebSocket costs a greenlet; gthread: it holds a thread.")
@click.option("--connections", type=int, default=5000, show_default=True,
              help="gevent: most simultaneous connections (sockets and HTTP requests).")
@click.option("--threads", type=int, default=64, show_default=True,
              help="gthread: worker threads; each open WebSocket holds one.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Web worker processes (default: one per core). No sticky sessions needed.")
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first.")
def serve(host: str | None, port: int | None, worker: str, connections: int, threads: int,
          workers: int | None, no_migrate: bool) -> None:
    """Run the web server alone (production)."""
    if worker == "gevent":
        # First, before psycopg, SQLAlchemy, Flask or ssl are imported (jadugar/web/gunicorn.py
        # says why). Only this process: the collector is never patched.
        from gevent import monkey

        monkey.patch_all()
    from jadugar import db, migrations
    from jadugar.web.gunicorn import serve as run_server

    cfg = _bind(host, port)
    # In the master, before the fork: an embedded database is started (and held) once, not
    # raced for by every worker; post_fork gives each worker pooled connections of its own.
    engine = db.engine()
    if not no_migrate:
        migrations.upgrade(engine)
    run_server(cfg, worker=worker, threads=threads, connections=connections, workers=workers)


@main.command()
def collect() -> None:
    """Run the collector alone: claims due checks, runs them, stores results, alerts."""
    from collectors.main import run

    sys.exit(run(config.get()))


@main.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    from jadugar import db, migrations

    engine = db.engine()
    migrations.upgrade(engine)
    click.echo(f"database at revision {migrations.current_revision(engine)} "
               f"({db.safe_url(str(engine.url))})")


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (-1: the last one), before running older code."""
    from alembic.util import CommandError

    from jadugar import db, migrations

    engine = db.engine()
    try:
        migrations.downgrade(engine, revision)
    except CommandError as exc:
        raise click.UsageError(f"REVISION: {exc}") from None
    click.echo(f"database at revision {migrations.current_revision(engine)} "
               f"({db.safe_url(str(engine.url))})")


@db_group.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one this code ships."""
    from jadugar import db, migrations

    engine = db.engine()
    click.echo(f"database: {migrations.current_revision(engine)}")
    click.echo(f"code:     {migrations.head_revision()}")


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "editor", "viewer"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(name: str, role: str, password_stdin: bool) -> None:
    """Create a user; prints a generated password unless --password-stdin is given."""
    from jadugar import auth
    from jadugar.cli_support import transaction

    password = sys.stdin.readline().rstrip("\n") if password_stdin else auth.generate_password()
    with transaction() as conn:
        auth.create_user(conn, name, role, password)
    click.echo(f"created {role} {name}")
    if not password_stdin:
        click.echo(f"password: {password}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_password(name: str, password_stdin: bool) -> None:
    """Set a user's password (for a lost admin password); prints a generated one unless
    --password-stdin is given."""
    from jadugar import auth
    from jadugar.cli_support import transaction

    password = sys.stdin.readline().rstrip("\n") if password_stdin else auth.generate_password()
    with transaction() as conn:
        auth.set_password(conn, name, password)
    click.echo(f"password of {name} changed")
    if not password_stdin:
        click.echo(f"password: {password}")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "ingest", "admin"]), required=True)
def token_create(name: str, scope: str) -> None:
    """Create an API token; the token is printed once, on the last line."""
    from jadugar import auth
    from jadugar.cli_support import transaction

    with transaction() as conn:
        token_id, secret = auth.create_token(conn, name, scope)
    click.echo(f"created token {token_id} ({name}, scope {scope}); it is shown only once:",
               err=True)
    click.echo(secret)


@token.command("list")
def token_list() -> None:
    """List API tokens (never their secrets)."""
    from jadugar import auth
    from jadugar.cli_support import transaction

    with transaction() as conn:
        rows = auth.list_tokens(conn)
    for t in rows:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        click.echo(f"{t['id']:>4}  {t['name']:<24} {t['scope']:<7} {t['prefix']}…  {state}  "
                   f"last used {t['last_used_at'] or 'never'}")


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke an API token by id."""
    from jadugar import auth
    from jadugar.cli_support import transaction

    with transaction() as conn:
        auth.revoke_token(conn, token_id)
    click.echo(f"revoked token {token_id}")


@main.command()
def demo() -> None:
    """Load realistic demo data (idempotent: a second run changes nothing)."""
    from jadugar.cli_support import load_demo

    click.echo("demo data loaded" if load_demo(config.get())
               else "demo data already present; nothing changed")


@main.group("config")
def config_group() -> None:
    """Configuration as code: export to YAML, apply a YAML file."""


@config_group.command("export")
def config_export() -> None:
    """Write projects, applications (with links, checks, dependencies and rules),
    notification targets, windows and status pages as YAML to stdout; no secrets."""
    from jadugar import db
    from jadugar.services import config_io

    with db.connection() as conn:
        click.echo(config_io.export(conn), nl=False)


@config_group.command("apply")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--prune", is_flag=True, help="Also delete what the file's sections do not list.")
@click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
@click.option("--yes", is_flag=True,
              help="Let --prune delete more than --max-delete percent of all objects.")
@click.option("--max-delete", type=click.IntRange(0, 100), default=25, show_default=True,
              help="The share of objects (percent) --prune may delete without --yes.")
def config_apply(path: str, prune: bool, dry_run: bool, yes: bool, max_delete: int) -> None:
    """Make the database match the file (one transaction; errors name the file line).
    Prints the plan: each object created, updated, deleted (and, with --dry-run, unchanged)."""
    from pathlib import Path

    from jadugar import db
    from jadugar.services import config_apply as applier
    from jadugar.services import config_io

    source = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        doc = config_io.load(source, path)
        with db.transaction() as conn:
            plan = applier.apply(conn, doc, path, prune=prune, dry_run=dry_run, yes=yes,
                                 max_delete_share=max_delete / 100)
    except (config_io.ConfigFileError, applier.ApplyRefused) as exc:
        raise click.ClickException(str(exc)) from None
    for line in plan.lines(unchanged=dry_run):
        click.echo(line)
    counts = plan.counts()
    click.echo(f"{'would apply' if dry_run else 'applied'} {path}: {counts['created']} "
               f"created, {counts['updated']} updated, {counts['deleted']} deleted, "
               f"{counts['unchanged']} unchanged" + (" (dry run: nothing changed)"
                                                     if dry_run else ""))


@main.group("builds")
def builds_group() -> None:
    """Builds already stored."""


@builds_group.command("judge")
@click.option("--project", metavar="SLUG", help="Only this project's builds.")
@click.option("--limit", type=click.IntRange(min=1), help="Judge at most this many builds.")
def builds_judge(project: str | None, limit: int | None) -> None:
    """Give a duration verdict to finished builds that have none (they finished before
    duration anomalies existed, or were inserted by SQL), oldest first, each against the
    builds that finished before it. Commits every 1,000 builds: an interrupted run keeps
    them, and running it again judges only the rest."""
    from jadugar.cli_support import transaction
    from jadugar.services import duration_anomaly

    judged = 0
    while limit is None or judged < limit:
        want = duration_anomaly.BACKFILL_CHUNK
        if limit is not None:
            want = min(want, limit - judged)
        with transaction() as conn:
            count = duration_anomaly.backfill(conn, project=project, limit=want)
        judged += count
        if count < want:
            break
    click.echo(f"judged {judged} builds")


@main.group("secrets")
def secrets_group() -> None:
    """Stored secrets (webhook secrets, notification URLs, check credentials)."""


@secrets_group.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt every stored secret with JADUGAR_SECRET_KEY, reading the old ones with
    JADUGAR_OLD_SECRET_KEY (see docs/security-secrets.md)."""
    from jadugar.cli_support import transaction
    from jadugar.services import secret_rotation

    with transaction() as conn:
        count = secret_rotation.rotate_all(conn)
    click.echo(f"re-encrypted {count} secrets with the current key; "
               "JADUGAR_OLD_SECRET_KEY can now be unset")


if __name__ == "__main__":
    main()
