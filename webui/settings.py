"""Web settings: documented defaults, overridden by `KINERJA_*` environment variables (as `engine.config`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class WebDefaults:
    """Every setting of the web app; `KINERJA_<NAME>` in the environment overrides it."""

    #: Send the session cookie over HTTPS only; set true wherever the app is served over HTTPS.
    SESSION_COOKIE_SECURE: bool = False
    #: Hours after sign-in until the user must sign in again (closing the browser ends it too; no "remember me").
    SESSION_LIFETIME_HOURS: int = 8
    #: Failed sign-ins allowed per account (the NIP or username typed), as Flask-Limiter limit strings.
    SIGN_IN_LIMIT_PER_ACCOUNT: str = "5 per minute; 20 per hour"
    #: Failed sign-ins allowed per address (an office behind one address shares it).
    SIGN_IN_LIMIT_PER_ADDRESS: str = "30 per minute"
    #: Where sign-in attempt counts live: memory (one process) or a Redis URL such as redis://127.0.0.1:6379/0.
    RATELIMIT_STORAGE_URI: str = "memory://"
    #: Language of the pages when the user has chosen none: id (Bahasa Indonesia) or en.
    DEFAULT_LOCALE: str = "id"
    #: Time zone dates and times are shown in (Samarinda is in WITA).
    TIMEZONE: str = "Asia/Makassar"
    #: Folder of the npm packages the pages use (bpmn-js, bootstrap), installed by `make install`.
    NODE_MODULES: str = field(default_factory=lambda: str(ROOT / "node_modules"))
    #: Tasks shown per inbox page.
    INBOX_PAGE_SIZE: int = 25
    #: Appraisals shown per page of the overseers' search (/penilaian).
    APPRAISALS_PAGE_SIZE: int = 25
    #: Notifications by e-mail (off by default): the SMTP server; empty host sends nothing.
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    #: Upgrade the connection with STARTTLS before signing in (turn off only for a local relay).
    SMTP_STARTTLS: bool = True
    #: The sender of the notification e-mails.
    SMTP_FROM: str = "kinerja@samarindakota.go.id"
    #: off: one e-mail per notification; daily: one summary per person a day (at NOTIFY_DIGEST_HOUR, WITA).
    NOTIFY_DIGEST: str = "off"
    #: Hour of the day (in TIMEZONE) the daily summary covers up to and is sent from.
    NOTIFY_DIGEST_HOUR: int = 7
    #: The site's address as users reach it (https://kinerja.samarindakota.go.id), for links in e-mails.
    PUBLIC_URL: str = ""
    #: Public feedback forms sent per address (Flask-Limiter limit strings); refused ones count too.
    PUBLIC_FEEDBACK_LIMIT: str = "5 per hour; 20 per day"
    #: Seconds a person needs at least to fill in the public feedback form; sent sooner, it is asked again.
    PUBLIC_FEEDBACK_MIN_SECONDS: int = 5
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers are believed (nginx
    #: alone: 1); 0 serves clients directly. Per-address sign-in limits need it exact: too low makes every
    #: user the proxy's address, too high lets a client pick its own address.
    TRUSTED_PROXIES: int = 0
    #: Addresses or networks, comma-separated, that may read /metrics without a token (the client's address
    #: as TRUSTED_PROXIES reveals it).
    METRICS_ALLOWED_ADDRESSES: str = "127.0.0.1, ::1"
    #: A bearer token (Authorization: Bearer ...) that lets a scraper read /metrics from any address; empty: none.
    METRICS_TOKEN: str = ""
    #: Seconds the oldest due timer may wait before /health reports the timer worker as late.
    HEALTH_TIMER_LAG_SECONDS: int = 600


def _parse(default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return type(default)(raw)


def load_web_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the web settings: defaults, then `KINERJA_*` environment variables, then overrides."""
    settings: dict[str, Any] = {}
    for f in fields(WebDefaults):
        value = getattr(WebDefaults(), f.name)
        env = os.environ.get(f"KINERJA_{f.name}")
        settings[f.name] = _parse(value, env) if env is not None else value
    for key, value in (overrides or {}).items():
        if key in settings:
            settings[key] = value
    return settings
