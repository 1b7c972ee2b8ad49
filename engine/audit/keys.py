"""The audit key ring: HMAC keys kept in a file outside the database, one line per key, newest last.

A line is `<key id> <secret in hex>`; lines starting with `#` are comments. New seals and events are made
with the last key; older keys stay in the file so what they sealed still verifies (docs/operators.md,
"Audit keys"). The file is created with mode 0600 on first use when it does not exist.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.errors import KinerjaError

#: Key id of the events written before the chain was keyed: plain SHA-256, verifiable by anyone.
LEGACY = "sha256"
FILE_NAME = "audit.keys"


class KeyRingError(KinerjaError):
    """The audit key ring is missing a key, unreadable, or malformed."""

    code = "audit_key"


@dataclass(frozen=True)
class KeyRing:
    """The keys of one ring file: {id: secret} in file order, the last one current."""

    path: str
    keys: dict[str, bytes]
    #: An HMAC object per key with the key already absorbed: copying it is cheaper than starting anew.
    bases: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bases.update({key_id: hmac.new(secret, digestmod=hashlib.sha256) for key_id, secret in self.keys.items()})

    @property
    def current_id(self) -> str:
        """Return the id of the key new seals are made with."""
        return next(reversed(self.keys))

    def secret(self, key_id: str) -> bytes:
        """Return the secret of a key id, or raise KeyRingError naming the missing key."""
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(f"audit key '{key_id}' is not in the key ring {self.path}; "
                               "add the retired key back to verify what it sealed", key_id=key_id) from None

    def digest(self, key_id: str, text: str) -> str:
        """Return the HMAC-SHA256 hex digest of a text with one key of the ring."""
        self.secret(key_id)  # a clear error for a missing key
        mac = self.bases[key_id].copy()
        mac.update(text.encode("utf-8"))
        return str(mac.hexdigest())


_lock = threading.Lock()
_ring: KeyRing | None = None
_path: str | None = None


def default_path() -> str:
    """Return the ring file named by KINERJA_AUDIT_KEY_FILE, else audit.keys in the instance folder."""
    named = os.environ.get("KINERJA_AUDIT_KEY_FILE")
    if named:
        return named
    folder = os.environ.get("KINERJA_INSTANCE_PATH") or os.path.join(os.getcwd(), "instance")
    return os.path.join(folder, FILE_NAME)


def configure(path: str | None) -> None:
    """Use this ring file from now on (None: the default); it is read (or created) on first use."""
    global _ring, _path
    with _lock:
        _path, _ring = path or None, None


def ring() -> KeyRing:
    """Return the key ring, reading the file (and creating it with a first key) on first use."""
    global _ring
    found = _ring
    if found is not None:  # the hot path: read once per process
        return found
    with _lock:
        if _ring is None:
            path = _path or default_path()
            if not os.path.exists(path):
                _create(path)
            _ring = _read(path)
        return _ring


def rotate() -> str:
    """Append a new key to the ring file and make it current; return its id."""
    global _ring
    current = ring()
    key_id = "k" + datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    if key_id in current.keys:
        raise KeyRingError(f"audit key '{key_id}' exists already; wait a second and rotate again")
    with _lock:
        with open(current.path, "a", encoding="ascii") as out:
            out.write(f"{key_id} {secrets.token_hex(32)}\n")
        _ring = _read(current.path)
    return key_id


def mac(text: str) -> str:
    """Return the seal of a text with the current key: `<key id>:<HMAC-SHA256 hex>`."""
    keys = ring()
    key_id = keys.current_id
    return f"{key_id}:{keys.digest(key_id, text)}"


def check(text: str, seal: str | None) -> bool:
    """Return whether a seal made by `mac` matches the text (a missing key raises KeyRingError)."""
    if not seal or ":" not in seal:
        return False
    key_id, _, digest = seal.partition(":")
    return hmac.compare_digest(ring().digest(key_id, text), digest)


def chain_digest(key_id: str, text: str) -> str:
    """Return an event's hash: HMAC-SHA256 with its key, or plain SHA-256 for legacy events."""
    if key_id == LEGACY:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ring().digest(key_id, text)


def _create(path: str) -> None:
    """Write a new ring with one key, mode 0600, without ever replacing a file another process made."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.new"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write("# Kinerja audit keys: keep this file outside the database and back it up; never remove a line.\n")
        out.write(f"k1 {secrets.token_hex(32)}\n")
    try:
        os.link(temporary, path)  # fails if another process created the ring meanwhile: theirs wins
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def _read(path: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    try:
        with open(path, encoding="ascii") as source:
            lines = source.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyRingError(f"cannot read the audit key ring {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        try:
            if len(parts) != 2 or parts[0] == LEGACY or len(parts[1]) < 32:
                raise ValueError
            keys[parts[0]] = bytes.fromhex(parts[1])
        except ValueError:
            raise KeyRingError(f"{path}, line {number}: expected '<key id> <hex secret of 16+ bytes>'") from None
    if not keys:
        raise KeyRingError(f"the audit key ring {path} holds no key")
    return KeyRing(path, keys)
