"""After the server comes back, an open page catches up on what it missed: whether the web
process stopped politely, was killed with SIGKILL (master and worker, as the OOM killer or
a node failure would), or lost only its gunicorn worker (which the master replaces)."""

import os
import signal
import time
from pathlib import Path

import pytest
from browser_support import sign_in, wait_live
from sqlalchemy import text
from support_processes import free_port, process_env, start_process, stop_process, wait_http

from jadugar import auth
from jadugar.services import builds

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _serve(port, database_url, tmp_root):
    log = tmp_root / f"reconnect-{port}.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port)],
                         process_env(database_url, tmp_root), log)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
    return proc


def _outputs(request) -> str:
    """The outputs a Dash callback request asks for, to tell them apart in a failure."""
    try:
        return str((request.post_data_json or {}).get("output", ""))[:120]
    except Exception:  # noqa: BLE001 - not JSON: nothing to say
        return ""


def _body(response) -> str:
    """The start of a Dash callback's answer, or why there is none."""
    try:
        return response.text()[:160]
    except Exception as exc:  # noqa: BLE001 - gone with the page or the server
        return f"({type(exc).__name__})"


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == pid:
            out.append(int(stat.parent.name))
    return out


def _kill_all(server) -> None:
    """SIGKILL the gunicorn master and its workers at once: nothing gets to clean up."""
    workers = _children(server.pid)
    for pid in [server.pid, *workers]:
        os.kill(pid, signal.SIGKILL)
    server.wait(10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers):
        assert time.monotonic() < deadline, "a killed worker is still running"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize("stop", ["terminate", "sigkill", "sigkill-worker"])
def test_it_catches_up_after_a_reconnect(browser, engine, clean_db, database_url, tmp_root,
                                         stop):
    with engine.begin() as c:
        auth.create_user(c, "reconnect", "viewer", "reconnect-pass")
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
        build_id = c.execute(text(
            "insert into builds (project_id, status, progress, started_at)"
            " select id, 'running', 10, now() from projects returning id")).scalar_one()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port, database_url, tmp_root)
    context = browser.new_context()
    page = context.new_page()
    seen: list[str] = []  # for the failure message: what the browser went through
    t0 = time.monotonic()

    def note(what: str) -> None:
        seen.append(f"{time.monotonic() - t0:7.2f} {what}")

    page.on("console", lambda m: note(f"console {m.type}: {m.text}"))
    page.on("requestfailed", lambda r: note(f"failed: {r.method} {r.url} {_outputs(r)}"))
    page.on("response", lambda r: note(f"answer {r.status}: {_outputs(r.request)} -> "
                                       f"{_body(r)}")
            if "_dash-update-component" in r.url else None)
    try:
        sign_in(page, base, "reconnect", "reconnect-pass")
        page.goto(base + "/builds")
        wait_live(page)
        # An event sets the page's last-event time, from which it catches up later.
        with engine.begin() as c:  # the writer the API uses, which publishes the event
            builds.patch(c, build_id, {"progress": 30}, source="api")
        bar = f'[id*="builds-progress"][id*="{build_id}"] .progress-bar'
        page.wait_for_function(f"document.querySelector('{bar}')?.style.width === '30%'",
                               timeout=10000)
        # Connected means loaded: a page still fetching its scripts when the server dies
        # stays broken until reloaded (a lazy chunk such as the graph's fails for good).
        page.wait_for_load_state("networkidle")

        if stop == "sigkill-worker":
            [worker] = _children(server.pid)
            os.kill(worker, signal.SIGKILL)  # the master starts a new worker by itself
        elif stop == "sigkill":
            _kill_all(server)
        else:
            stop_process(server)
        note(f"stopped ({stop})")
        wait_live(page, "reconnecting")
        with engine.begin() as c:  # changed while the page could not hear about it
            c.execute(text("update builds set progress = 90 where id = :id"), {"id": build_id})
        if stop != "sigkill-worker":
            server = _serve(port, database_url, tmp_root)
            note("server answers /healthz")
        wait_live(page, timeout_ms=30000)
        note("page live")
        try:
            page.wait_for_function(f"document.querySelector('{bar}')?.style.width === '90%'",
                                   timeout=10000)
        except Exception as exc:
            log = (tmp_root / f"reconnect-{port}.log").read_text(errors="replace")
            note("bar now: " + str(page.evaluate(
                f"[...document.querySelectorAll('{bar}')].map(b => b.style.width)")))
            raise AssertionError("no catch-up:\n" + "\n".join(seen[-60:])
                                 + "\n--- server log (last 3,000 characters)\n"
                                 + log[-3000:]) from exc
    finally:
        context.close()
        stop_process(server)
