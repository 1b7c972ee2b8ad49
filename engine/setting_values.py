"""Reading and checking settings strictly: a wrong value stops the start with a sentence naming its variable.

`float("nan")` is a valid float that compares false with everything, so a time limit of NaN disables
the limit without a word; `bool("false")` is True. Every value is parsed by the type of its default and
then checked: numbers finite and within their range, choices among their options.
"""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")

#: Numeric settings that may be zero (every other number must be above zero); (lowest, highest).
RANGES: dict[str, tuple[float, float]] = {
    "WORKER_RETRY_LIMIT": (0, math.inf),
    "PUBLIC_FEEDBACK_MIN_SECONDS": (0, math.inf),
    "NOTIFY_DIGEST_HOUR": (0, 23),
    "SMTP_PORT": (1, 65535),
    "TRUSTED_PROXIES": (0, 10),
}
#: Settings whose value is one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {
    "JPT_APPRAISER": ("wali_kota", "sekda"),
    "NOTIFY_DIGEST": ("off", "daily"),
    "DEFAULT_LOCALE": ("id", "en"),
    "ENV": ("development", "production"),
}


class SettingInvalid(ValueError):
    """A setting has a value Kinerja cannot run with; the message names the variable and what it needs."""


def parse(name: str, default: Any, raw: str) -> Any:
    """Return the value of `KINERJA_<name>`=raw, of the type of its default, or raise SettingInvalid."""
    variable = f"KINERJA_{name}"
    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise SettingInvalid(f"{variable}={raw!r} is not a yes/no value; use one of "
                             f"{', '.join(TRUE_WORDS)} or {', '.join(FALSE_WORDS)}")
    if isinstance(default, int):
        try:
            return int(text, 10)
        except ValueError:
            raise SettingInvalid(f"{variable}={raw!r} is not a whole number") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise SettingInvalid(f"{variable}={raw!r} is not a number") from None
    return raw


def check(name: str, value: Any) -> None:
    """Raise SettingInvalid when a parsed setting is out of its range or not one of its choices."""
    variable = f"KINERJA_{name}"
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise SettingInvalid(f"{variable}={value!r} is not a finite number")
        low, high = RANGES.get(name, (0, math.inf))
        if name not in RANGES and value <= 0:
            raise SettingInvalid(f"{variable}={value!r} must be above zero")
        if not low <= value <= high:
            span = f"at least {low:g}" if high == math.inf else f"between {low:g} and {high:g}"
            raise SettingInvalid(f"{variable}={value!r} must be {span}")
    elif name in CHOICES and value not in CHOICES[name]:
        raise SettingInvalid(f"{variable}={value!r} must be one of {', '.join(CHOICES[name])}")
    elif name == "TIMEZONE":
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise SettingInvalid(f"{variable}={value!r} is not a time zone name such as Asia/Makassar") from None


def read(name: str, default: Any, environ: dict[str, str] | Any) -> Any:
    """Return a setting from the environment (else its default), parsed and checked."""
    raw = environ.get(f"KINERJA_{name}")
    value = default if raw is None else parse(name, default, raw)
    check(name, value)
    return value
