"""Correlation keys: the text a subscription is indexed by, so routing a message is an index lookup.

A subscription stores its expected correlation values as one canonical text (`key_of`). A message and
a subscription agree when every property both know has the same value (`message_events._agree`): a
subscription may know fewer properties than the message. So a message looks up the key of every
subset of its own values (`lookup_keys`), which finds exactly the subscriptions whose properties are
all among the message's. Values that canonical text cannot compare as Python does (True == 1, 1.0 == 1)
and very long expectations are stored as WILDCARD, which every lookup includes and Python then checks.
"""

from __future__ import annotations

import json
from itertools import combinations
from typing import Any

from engine.elements.message_events import MISSING

#: The key of a subscription the index cannot decide; every lookup reads these and checks them in Python.
WILDCARD = "*"
#: Column width; a longer expectation is stored as WILDCARD.
MAX_LENGTH = 400
#: Beyond this many known values a message reads every subscription of its name (2**n keys otherwise).
MAX_LOOKUP_VALUES = 8


def _plain(value: Any) -> bool:
    # str and int compare in JSON text as in Python; bool is an int to Python (True == 1), so it is not plain.
    return value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _items(correlations: dict[str, Any]) -> list[tuple[str, str, Any]] | None:
    """Return the (key, property, value) triples in order, or None when a value is not plain."""
    items = []
    for key, props in (correlations or {}).items():
        for name, value in (props or {}).items():
            if not _plain(value):
                return None
            items.append((str(key), str(name), value))
    return sorted(items, key=lambda item: (item[0], item[1]))


def _text(items: list[tuple[str, str, Any]]) -> str:
    return json.dumps([list(item) for item in items], separators=(",", ":"), ensure_ascii=False) if items else ""


def key_of(expected: dict[str, Any]) -> str:
    """Return the key a subscription expecting these correlations is stored under ("" expects nothing)."""
    items = _items(expected)
    if items is None:
        return WILDCARD
    text = _text(items)
    return text if len(text) <= MAX_LENGTH else WILDCARD


def lookup_keys(actual: dict[str, Any], domains: list[set[tuple[str, str]]]) -> list[str] | None:
    """Return the keys of every subscription that can agree with a message, or None to read them all.

    `domains` are the (key, property) pairs each waiting task of the message may expect (from the
    deployed definitions); a subscription may expect a property the message does not carry (it then
    agrees on it), which no key of the message names, so then every subscription is read.
    """
    known: dict[tuple[str, str], Any] = {}
    for key, props in (actual or {}).items():
        for name, value in (props or {}).items():
            known[(str(key), str(name))] = value
    if any(not domain <= set(known) for domain in domains):
        return None
    if any(not _plain(value) and value is not MISSING for value in known.values()):
        return None  # a float or a bool may equal a stored int: only Python can tell
    # MISSING equals no expected value: only the subsets without it can agree.
    usable = [(key, name, value) for (key, name), value in sorted(known.items()) if value is not MISSING]
    if len(usable) > MAX_LOOKUP_VALUES:
        return None
    keys = {WILDCARD, ""}
    for size in range(1, len(usable) + 1):
        for subset in combinations(usable, size):
            text = _text(list(subset))
            if len(text) <= MAX_LENGTH:
                keys.add(text)
    return sorted(keys)
