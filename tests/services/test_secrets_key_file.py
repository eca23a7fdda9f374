"""Finding 14: the data-dir secret_key was world-readable between write_text and chmod.
It must be born 0600, even under umask 0, and every process must read the same key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from jadugar import config
from jadugar.web.server import secret_key

_watched: list[Path] = []  # the folder the audit hook looks into while a test runs
_seen: list[int] = []


def _audit(event: str, args: tuple) -> None:
    # Every file operation while the key is made: what mode did the key file have then?
    if not _watched or event not in ("open", "os.chmod", "os.link", "os.rename",
                                     "os.replace"):
        return
    for child in _watched[0].iterdir():
        _seen.append(stat.S_IMODE(child.stat().st_mode))


sys.addaudithook(_audit)  # hooks cannot be removed; it does nothing unless _watched is set


def _cfg(folder: Path, **extra: str) -> config.Config:
    return config.load({"JADUGAR_DATA_DIR": str(folder), **extra})


def test_it_creates_the_key_file_private_from_its_first_moment(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    old_umask = os.umask(0)
    _watched.append(folder)
    try:
        key = secret_key(_cfg(folder))
    finally:
        _watched.clear()
        os.umask(old_umask)
    path = folder / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _seen, "the audit hook saw the key file being written"
    assert all(mode & 0o077 == 0 for mode in _seen), [oct(m) for m in _seen]
    assert len(key) == 64 and path.read_text().strip() == key


def test_it_uses_the_setting_and_writes_no_file_when_the_key_is_set(tmp_path):
    assert secret_key(_cfg(tmp_path, JADUGAR_SECRET_KEY="from-env")) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_it_closes_a_key_file_that_others_could_read(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("an-old-key\n")
    path.chmod(0o644)
    assert secret_key(_cfg(tmp_path)) == "an-old-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_it_gives_processes_starting_together_the_same_key(tmp_path):
    code = ("import sys; from jadugar import config, secrets; "
            "print(secrets.master_key(config.load({'JADUGAR_DATA_DIR': sys.argv[1]})))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(6)]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
