"""The newcomer's path: `jadugar up --demo` on an embedded database, stop, start again."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from support_processes import free_port, wait_http

pytestmark = pytest.mark.slow


def _up(data_dir, port, log, *extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADUGAR_")}
    env.update(JADUGAR_DATA_DIR=str(data_dir), JADUGAR_PORT=str(port))
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "jadugar.cli", "up", *extra], env=env,
                            stdout=out, stderr=subprocess.STDOUT), env


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0


def _printed(log, pattern, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        m = re.search(pattern, log.read_text())
        if m:
            return m.group(1)
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not printed:\n{log.read_text()[-3000:]}")


def _login(base, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login").read().decode()  # sets the cookie with the CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": "admin", "password": password,
                                   "csrf_token": token}).encode()
    opener.open(base + "/login", data=data)
    return opener


def _api(base, token, path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        import json
        return json.load(r)


def test_it_runs_with_demo_data_and_keeps_it_across_restarts(tmp_path):
    data_dir, port, log = tmp_path / "data", free_port(), tmp_path / "up.log"
    base = f"http://127.0.0.1:{port}"
    proc, env = _up(data_dir, port, log, "--demo")
    try:
        password = _printed(log, r"password: (\S+)", 90)
        wait_http(base + "/readyz", proc, log)
        assert f"running at {base}" in log.read_text()
        page = _login(base, password).open(base + "/").read().decode()
        assert "Dashboard" in page
        token = subprocess.run([sys.executable, "-m", "jadugar.cli", "token", "create", "t",
                                "--scope", "read"], env=env, capture_output=True, text=True,
                               check=True).stdout.strip().splitlines()[-1]
        projects = _api(base, token, "/api/v1/projects")["items"]
        apps = _api(base, token, "/api/v1/applications")["items"]
        assert len(projects) >= 4 and len(apps) >= 5
    finally:
        _stop(proc)
    with pytest.raises(OSError):  # stopping `up` stopped the web server too
        urllib.request.urlopen(base + "/healthz", timeout=2)

    proc, _ = _up(data_dir, port, log)
    try:
        wait_http(base + "/readyz", proc, log)
        assert _api(base, token, "/api/v1/projects")["items"] == projects
        assert log.read_text().count("password:") == 1  # the admin is created only once
    finally:
        _stop(proc)


def test_it_refuses_a_port_in_use_without_creating_the_admin(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        log = tmp_path / "up.log"
        proc, _ = _up(tmp_path / "data", port, log)
        assert proc.wait(60) == 1
    out = log.read_text()
    assert "already in use" in out and "password:" not in out


def test_it_stops_cleanly_when_interrupted_while_starting(tmp_path):
    # SIGTERM as soon as gunicorn listens, before the supervisor has seen the web answer:
    # a normal stop (exit 0), not "the web server did not start".
    data_dir, port, log = tmp_path / "data", free_port(), tmp_path / "up.log"
    proc, _ = _up(data_dir, port, log)
    _printed(log, r"(Listening at)", 90)
    _stop(proc)
    assert "did not start" not in log.read_text()
