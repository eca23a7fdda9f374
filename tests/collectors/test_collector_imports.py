"""Web and collector meet only in PostgreSQL: the collector never loads the web stack."""

import subprocess
import sys


def test_it_imports_the_collector_without_flask_or_dash():
    code = ("import collectors.main, sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'flask_socketio', 'flask_login', 'dash', 'gevent')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    assert out == "[]"
