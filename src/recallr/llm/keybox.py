"""Project API keys at rest: encrypted with a key derived from the server's secret, never stored in plaintext.

A project's own LLM key is sealed with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package)
under a key derived (HKDF-SHA256) from ``RECALLR_SECRET_KEY``. Without that setting a random secret is kept in
``<data_dir>/secret.key`` (created 0600, not in the database: a copy or dump of the database alone does not reveal
the keys). Replicas that share a PostgreSQL database but not a data directory must set ``RECALLR_SECRET_KEY`` to the
same value everywhere: a process that cannot open a project's key logs why and keeps that project offline (it
never falls back to the server's key), and a warning says so whenever the data-dir secret is used on PostgreSQL.

Stored values start with ``fernet:v1:``; a value without it is a plaintext key written by an older version and is
read as it is (``KeyBox.sweep`` seals those at startup).

Example::

    box = KeyBox(Settings(secret_key="long random string"), shared_database=False)
    sealed = box.seal("sk-project")       # 'fernet:v1:gAAAA...'
    box.open(sealed)                      # 'sk-project'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError
from ..settings import Settings

log = logging.getLogger("recallr.llm")

PREFIX = "fernet:v1:"
SECRET_FILE = "secret.key"
_INFO = b"recallr project LLM API keys v1"


class KeyUnreadable(ConfigurationError):
    """A stored key was sealed under another secret (``RECALLR_SECRET_KEY`` changed, or differs between replicas)."""

    code = "secret_key_mismatch"


class KeyBox:
    """Seals and opens project API keys. The secret is read (or created) on first use only."""

    def __init__(self, settings: Settings, *, shared_database: bool) -> None:
        self.settings = settings
        self.shared_database = shared_database
        self._fernet: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(PREFIX)

    def seal(self, api_key: str) -> str:
        """``api_key`` encrypted, as stored (ConfigurationError when no secret is available)."""
        return PREFIX + self._cipher().encrypt(api_key.encode()).decode("ascii")

    def open(self, stored: str | None) -> str | None:
        """The key a stored value holds (plaintext values of older versions as they are); KeyUnreadable when it
        was sealed under another secret."""
        if stored is None or not self.is_sealed(stored):
            return stored
        from cryptography.fernet import InvalidToken

        try:
            return str(self._cipher().decrypt(stored[len(PREFIX):].encode("ascii")).decode())
        except (InvalidToken, ValueError) as error:
            raise KeyUnreadable("a project's API key was encrypted with another RECALLR_SECRET_KEY; set the "
                                "secret it was stored with, or store the key again") from error

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` (e.g. signing console cookies), derived from the same server secret and
        independent of the key that seals project API keys."""
        return hmac.new(self._secret(), b"recallr derived key v1: " + purpose.encode(), hashlib.sha256).digest()

    # -- the secret -------------------------------------------------------------------------------------------
    def _cipher(self) -> Any:
        with self._lock:
            if self._fernet is None:
                fernet = _load_fernet()
                self._fernet = fernet(_derive(self._secret()))
            return self._fernet

    def _secret(self) -> bytes:
        if self.settings.secret_key is not None and self.settings.secret_key.get_secret_value():
            return self.settings.secret_key.get_secret_value().encode()
        path = self.settings.data_dir / SECRET_FILE
        if self.shared_database:
            log.warning("RECALLR_SECRET_KEY is unset: project API keys are encrypted with %s, which other replicas "
                        "sharing this PostgreSQL database do not have; set RECALLR_SECRET_KEY on every replica", path)
        return _secret_file(path)


def _load_fernet() -> Any:
    try:
        from cryptography.fernet import Fernet
    except ImportError as error:
        raise ConfigurationError("storing a project's API key needs the cryptography package (the llm extra "
                                 "of recallr-memory): pip install 'cryptography>=42'") from error
    return Fernet


def _derive(secret: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return base64.urlsafe_b64encode(key)


def _secret_file(path: Path) -> bytes:
    """The secret in ``path``, created (0600, atomically: concurrent processes agree on one) when missing."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data directory, private as SQLite keeps it
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)  # fails when another process got there first: then its secret is the one
            log.info("created %s (the secret that encrypts project API keys; back it up with the data)", path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    secret = path.read_text().strip()
    if len(secret) < 16:
        raise ConfigurationError(f"{path} holds no usable secret (at least 16 characters)")
    return secret.encode()
