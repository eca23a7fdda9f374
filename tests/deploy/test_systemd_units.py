"""The systemd units in docs/deploy/ parse: `systemd-analyze verify` reports nothing for an
instance of each, with ExecStart pointed at this checkout's own `jadugar` command (the
documented /opt/jadugar/venv path does not exist here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent.parent / "docs" / "deploy"
DOCUMENTED_COMMAND = "/opt/jadugar/venv/bin/jadugar"

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                reason="systemd-analyze is not installed")


@pytest.mark.parametrize("unit,instance", [("jadugar-web@.service", "8050"),
                                           ("jadugar-collector@.service", "eu-west")])
def test_it_verifies_the_documented_unit(unit, instance, tmp_path):
    text = (DEPLOY / unit).read_text()
    assert DOCUMENTED_COMMAND in text
    command = Path(sys.executable).parent / "jadugar"
    target = tmp_path / unit.replace("@.", f"@{instance}.")
    target.write_text(text.replace(DOCUMENTED_COMMAND, str(command)))
    out = subprocess.run(["systemd-analyze", "verify", str(target)], capture_output=True,
                         text=True, timeout=60, check=False)
    # Unknown keys and bad values are only warnings to systemd: any output fails here.
    problems = [line for line in (out.stdout + out.stderr).splitlines()
                if target.name in line or "Unknown" in line or "Failed" in line]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr
