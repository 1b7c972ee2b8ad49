"""The deployment's mode and the key that signs its sessions: given, or generated once into the instance folder."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any

#: The values KINERJA_ENV may take; production refuses `kinerja demo` and any relaxation meant for development.
MODES = ("development", "production")
#: File of the instance folder that holds the generated key.
KEY_FILE = "secret_key"
#: Shortest key accepted outside debug and tests (a generated one has 64 characters).
MIN_KEY_LENGTH = 32
#: Fewest different characters a key needs: "aaaa..." or "12121212..." is long but guessable.
MIN_KEY_CHARACTERS = 10
#: Keys published in this project's code and docs or typical of placeholders: anyone can sign cookies with them.
KNOWN_WEAK_KEYS = frozenset({"dev-only-change-me", "test-secret", "changeme", "change-me", "change_me", "secret",
                             "secret-key", "secret_key", "secretkey", "kinerja", "development", "dev", "password"})


class DeploymentError(RuntimeError):
    """The settings are not safe to serve with; the message says what to change."""


def is_production(mode: str) -> bool:
    """Return whether the mode (KINERJA_ENV) is production; refuse a value that is neither mode."""
    if mode.strip().lower() not in MODES:
        raise DeploymentError(f"KINERJA_ENV={mode!r} is not one of {', '.join(MODES)}")
    return mode.strip().lower() == "production"


def secret_key(config: dict[str, Any], *, relaxed: bool, testing: bool = False) -> str:
    """Return the session signing key: KINERJA_SECRET_KEY if strong (any when relaxed), else the instance folder's."""
    given = str(config.get("SECRET_KEY") or "")
    if given:
        weakness = key_weakness(given)
        if weakness and not relaxed:
            raise DeploymentError(
                f"KINERJA_SECRET_KEY is {weakness}: anyone who guesses it can forge sign-in cookies. Set a random "
                f"value of at least {MIN_KEY_LENGTH} characters (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), or unset it and Kinerja keeps a generated key in "
                f"{Path(config['INSTANCE_PATH']) / KEY_FILE}")
        return given
    if relaxed and testing:
        return secrets.token_urlsafe(48)  # tests leave no key file behind
    return instance_key(Path(config["INSTANCE_PATH"]))


def key_weakness(key: str) -> str | None:
    """Return why a key is too weak to sign sessions with, or None."""
    if key.strip().lower() in KNOWN_WEAK_KEYS:
        return "a published example value"
    if len(key) < MIN_KEY_LENGTH:
        return f"shorter than {MIN_KEY_LENGTH} characters"
    if len(set(key)) < MIN_KEY_CHARACTERS:
        return f"made of fewer than {MIN_KEY_CHARACTERS} different characters"
    return None


def instance_key(folder: Path) -> str:
    """Return the key kept in folder/secret_key, creating it (mode 0600) when missing; every process gets the same."""
    path = folder / KEY_FILE
    if not path.exists():
        try:
            _create_key_file(folder, path)
        except OSError as exc:
            raise DeploymentError(f"cannot create the secret key file {path}: {exc}; make the instance folder "
                                  "writable or set KINERJA_SECRET_KEY") from None
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise DeploymentError(f"{path} can be read by other users of this machine: run chmod 600 {path}")
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise DeploymentError(f"cannot read the secret key file {path}: {exc}; run Kinerja as the user who "
                              "created it, or set KINERJA_SECRET_KEY") from None
    weakness = key_weakness(key)
    if weakness:
        raise DeploymentError(f"the secret key in {path} is {weakness}: delete the file to have a new one "
                              "generated (everyone is signed out)")
    return key


def _create_key_file(folder: Path, path: Path) -> None:
    """Write a new random key to path atomically: several workers starting at once all end up with one key."""
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)  # fails if another process won the race: its complete file stays and is used
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)
