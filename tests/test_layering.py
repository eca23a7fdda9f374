"""SQL lives in services (and the collector's own store): pages, ui, api and web call them.
And Dash callbacks are module-level functions, so a test can import and call them.

This walks every module of app.py, pages/, jadugar/ and collectors/ with `ast` and fails on
SQL built or run anywhere else: importing or calling sqlalchemy's `text`, `select`,
`insert`, `update`, `delete` (and their kin), or calling `.execute(`, `.executemany(`,
`.exec_driver_sql(` or pandas' `read_sql`. Passing a connection along is fine; using it is not.

Allowed, and why (each entry is a whole folder or one module; keep the list short):
- jadugar/services/   the use-cases: every query the web side runs is a function here.
- jadugar/models/     the tables themselves.
- jadugar/migrations/ schema changes.
- jadugar/auth.py     the users and API tokens store the login and the API guard read on
                      every request (kept beside password hashing and token digests).
- jadugar/audit_context.py  part of starting a transaction (jadugar.db calls it): copies the
                      bound actor into the settings the audit triggers read. Moving it to
                      services would make db import services.
- jadugar/events.py   both ends of the event channel: NOTIFY on publish, LISTEN for the
                      web process's listener.
- collectors/scheduler.py, jobs.py, alerting/evaluate.py, alerting/facts.py:
                      the collector's own store (claims of due checks, its job locks, rule
                      state and the facts rules are judged on). Web and collector meet
                      only in the database, so the collector does not go through the web
                      side's services.
- the postgres probe (collectors/probes/postgres.py, moving to jadugar/checks/postgres.py):
                      runs `select 1` on the monitored database, not on ours.
jadugar/db.py's copy_rows (the binary COPY services use for bulk writes) runs through a raw
cursor's `.copy(`, which this scan does not look for.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", ROOT / "pages", ROOT / "jadugar", ROOT / "collectors"]
# One entry per allowed place; an entry with several paths is one module that is moving.
PLACES = (
    ("jadugar/services/",), ("jadugar/models/",), ("jadugar/migrations/",),
    ("jadugar/auth.py",), ("jadugar/audit_context.py",), ("jadugar/events.py",),
    ("collectors/scheduler.py",), ("collectors/jobs.py",),
    ("collectors/alerting/evaluate.py",), ("collectors/alerting/facts.py",),
    ("collectors/probes/postgres.py", "jadugar/checks/postgres.py"),
)
ALLOWED = tuple(path for place in PLACES for path in place)
# Callback factories in modules other work is changing now; to be moved, then removed here.
FACTORIES_LEFT: set[str] = set()
# Statement builders: with any of these a module is writing SQL.
BUILDERS = {"text", "select", "insert", "update", "delete", "union", "union_all", "exists",
            "literal_column", "table", "column", "values", "lateral", "cte"}
# Calls that send SQL to a database, whatever built it.
RUNNERS = {"execute", "executemany", "exec_driver_sql", "read_sql", "read_sql_query",
           "read_sql_table"}


def _modules() -> list[Path]:
    out: list[Path] = []
    for src in SOURCES:
        out.extend([src] if src.is_file() else sorted(src.rglob("*.py")))
    return out


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def sql_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every SQL construction or execution in a parsed module."""
    found: list[tuple[int, str]] = []
    aliases: set[str] = set()  # names bound to the sqlalchemy module (`import sqlalchemy as sa`)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    aliases.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [(node.lineno, f"imports {a.name} from {node.module}")
                      for a in node.names if a.name in BUILDERS]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in RUNNERS:
            found.append((node.lineno, f"calls .{func.attr}("))
        elif (isinstance(func, ast.Attribute) and func.attr in BUILDERS
              and isinstance(func.value, ast.Name) and func.value.id in aliases):
            found.append((node.lineno, f"calls {func.value.id}.{func.attr}("))
    return sorted(found)


def test_it_finds_sql_outside_services_nowhere():
    offences = [f"{_relative(path)}:{line}: {what}"
                for path in _modules() if not _relative(path).startswith(ALLOWED)
                for line, what in sql_uses(ast.parse(path.read_text(encoding="utf-8")))]
    assert not offences, "SQL outside services/ (move it into a service function):\n" + \
        "\n".join(offences)


def test_it_sees_every_way_of_writing_sql():
    """The scanner itself: each of these must be caught, and plain code must not be."""
    caught = ["from sqlalchemy import text", "from sqlalchemy import select as s",
              "from sqlalchemy.dialects.postgresql import insert",
              "import sqlalchemy as sa\nsa.update(t)", "import sqlalchemy\nsqlalchemy.delete(t)",
              "conn.execute(q)", "conn.exec_driver_sql('select 1')", "pd.read_sql(q, conn)"]
    for source in caught:
        assert sql_uses(ast.parse(source)), source
    clean = ["from sqlalchemy import Connection", "params.update(a=1)", "svc.delete(conn, 1)",
             "from jadugar.services import applications\napplications.slugs(conn)"]
    for source in clean:
        assert not sql_uses(ast.parse(source)), source


def test_its_allowed_places_all_exist_and_still_hold_sql():
    """A module renamed, removed or emptied of SQL must leave the list too: it stays short."""
    missing = [place for place in PLACES if not any((ROOT / p).exists() for p in place)]
    assert not missing
    idle = [path for path in ALLOWED if (ROOT / path).is_file()
            and not sql_uses(ast.parse((ROOT / path).read_text(encoding="utf-8")))]
    assert not idle


def _nested_callbacks(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of functions decorated with a Dash callback inside another function."""
    found = []
    for outer in ast.walk(tree):
        if not isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(outer):
            if inner is outer or not isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in inner.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = target.attr if isinstance(target, ast.Attribute) else \
                    getattr(target, "id", "")
                if name == "callback":
                    found.append((inner.lineno, inner.name))
    return found


def test_it_defines_every_callback_at_module_level():
    """A callback made inside a function (a factory) cannot be imported and called by a
    test. Callbacks registered from data in a loop (settings areas, CSV buttons) register a
    module-level function with the data bound by functools.partial."""
    offences = [f"{_relative(path)}:{line}: {name}"
                for path in _modules() if _relative(path) not in FACTORIES_LEFT
                for line, name in _nested_callbacks(ast.parse(path.read_text(encoding="utf-8")))]
    assert not offences, "callbacks defined inside functions:\n" + "\n".join(offences)
