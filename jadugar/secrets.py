"""The master key, and encryption of secrets at rest with a key derived from it.

The master key is JADUGAR_SECRET_KEY, else a random key kept in `<data dir>/secret_key`.
Secrets (webhook secrets, notification URLs, check credentials) are encrypted with Fernet
(AES-CBC with an HMAC) under a key derived from the master key by HKDF with a fixed label,
so the cookie-signing use of the same master key never shares key material with this one.
While JADUGAR_OLD_SECRET_KEY is set, tokens made under it still decrypt (MultiFernet): that
is how `jadugar secrets rotate` moves every secret to a new key.

The web server and the collector both import this; it needs neither Flask nor a database.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import secrets as random_source
import stat
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jadugar import config
from jadugar.errors import JadugarError

log = logging.getLogger(__name__)
KEY_FILE = "secret_key"
# The HKDF context: changing it changes every derived key, so it is part of the format.
LABEL = b"jadugar secrets at rest v1"
_EMPTY_WAIT_S = 2.0


class UnreadableSecret(JadugarError):
    """A stored secret that neither the current nor the old key decrypts."""
    status = 500
    code = "secret_unreadable"


def master_key(cfg: config.Config | None = None) -> str:
    """JADUGAR_SECRET_KEY, or the key generated once and kept in the data directory, so
    sessions and secrets survive restarts and every process on this machine agrees."""
    cfg = cfg or config.get()
    if cfg.secret_key:
        return cfg.secret_key
    return key_file(cfg.data_path / KEY_FILE)


@functools.lru_cache(maxsize=8)
def key_file(path: Path) -> str:
    """The key in `path`, made first if there is none.

    1. O_CREAT|O_EXCL with mode 0600: the file is born private, never readable by others
       between a create and a chmod, and only one of two processes starting together
       creates it.
    2. The loser of that race reads the winner's key (waiting for it to be written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return _read(path)
    key = random_source.token_hex(32).encode()
    try:
        os.fchmod(fd, 0o600)  # whatever the umask took away, the owner reads and writes
        written = 0
        while written < len(key):
            written += os.write(fd, key[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
    return key.decode()


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Written by an older Jadugar, or copied carelessly: close it before using it.
        log.warning("%s was readable by others (mode %o); setting it to 0600", path, mode)
        path.chmod(0o600)
    deadline = time.monotonic() + _EMPTY_WAIT_S
    while True:
        key = path.read_text().strip()
        if key:
            return key
        if time.monotonic() > deadline:
            raise config.ConfigError(f"{path} is empty; delete it to make a new key (stored "
                                     "secrets are then lost) or restore it from a backup")
        time.sleep(0.01)  # another process has just created it and is writing the key


def _fernet(master: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LABEL).derive(
        master.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


@functools.lru_cache(maxsize=8)
def _vault(current: str, old: str | None) -> MultiFernet:
    keys = [_fernet(current)]
    if old and old != current:
        keys.append(_fernet(old))
    return MultiFernet(keys)


def vault() -> MultiFernet:
    """Encrypts with the current key; decrypts with it or with JADUGAR_OLD_SECRET_KEY."""
    cfg = config.get()
    return _vault(master_key(cfg), cfg.old_secret_key)


def encrypt(plain: str) -> str:
    return vault().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return vault().decrypt(token.encode()).decode()
    except InvalidToken:
        raise _unreadable() from None


def rotate(token: str) -> str:
    """The same secret, encrypted again under the current key."""
    try:
        return vault().rotate(token.encode()).decode("ascii")
    except InvalidToken:
        raise _unreadable() from None


def _unreadable() -> UnreadableSecret:
    return UnreadableSecret(
        "a stored secret cannot be decrypted with JADUGAR_SECRET_KEY (nor "
        "JADUGAR_OLD_SECRET_KEY): was the key changed without `jadugar secrets rotate`? "
        "See docs/security-secrets.md")
