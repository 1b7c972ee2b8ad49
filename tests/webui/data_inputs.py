"""Hostile and odd values for the property tests of forms, the CLI and the API, and an instance near its limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from .tasks_fixtures import Training

#: Markup and SQL that must come back escaped, or be stored as plain text and never run.
INJECTIONS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</textarea><b>bold</b>",
              "'; DROP TABLE instance; --", "1' OR '1'='1", "Robert'); DELETE FROM audit_event;--",
              "{{ 7*7 }}", "${7*7}", "%s%s%n", "\\u0000"]
#: Text that is hard to store or show: NUL, a right-to-left override, a byte-order mark, combining marks, emoji.
ODD_TEXT = ["\x00", "a\x00b", "\u202egnp.exe", "\ufeff", "e\u0301" * 50, "😀" * 100, "\u0000\u0001\u001f",
            "ﷺ", " ", "\n\r\t", "-1", "1e999", "NaN", "Infinity", "0x10", "true", "null", "[]", "{}"]
#: Lengths around and far beyond the limits (the apps of these tests use small ones).
HUGE = [300, 2_000, 5_000, 70_000]

#: Settings of these tests' apps: small limits so "huge" stays cheap to send.
SMALL_LIMITS = {"MAX_VARIABLE_BYTES": 4_096, "MAX_INSTANCE_DATA_BYTES": 65_536, "MAX_DATA_DEPTH": 8,
                "MAX_DATA_KEY_LENGTH": 64}

#: Hypothesis settings of the web properties: few examples (the suite has a time budget), fixtures per test.
WEB = settings(max_examples=15, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])

texts = st.one_of(st.text(max_size=40), st.sampled_from(INJECTIONS), st.sampled_from(ODD_TEXT),
                  st.sampled_from(HUGE).map(lambda n: "x" * n))

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), texts)

#: Any JSON value, with keys that may be long, hostile or odd.
keys = st.one_of(st.text(max_size=20), st.sampled_from(INJECTIONS), st.just("k" * 100))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner,
                                                                                                 max_size=3),
                           max_leaves=12)


def nested(depth: int, leaf: Any = 1) -> Any:
    """Return a value nested depth lists deep."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def raw_json_texts() -> st.SearchStrategy[str]:
    """JSON texts a client could send: valid objects, NaN/Infinity, deep nesting, and broken text."""
    from json import dumps
    objects = st.dictionaries(keys, json_values, max_size=4).map(lambda d: dumps(d))
    constants = st.sampled_from(['{"x": NaN}', '{"x": Infinity}', '{"x": -Infinity}', '{"x": 1e999}'])
    deep = st.integers(min_value=5, max_value=5_000).map(lambda n: '{"x": ' + "[" * n + "]" * n + "}")
    broken = st.sampled_from(['{"x": ', "{'x': 1}", "[1, 2]", '"text"', "null", "", "\xff", '{"x": "\\ud800"}'])
    return st.one_of(objects, constants, deep, broken)


def nearly_full_training(app: Flask) -> Training:
    """Start izin_pelatihan with 64 KB of attachments: one more large value passes SMALL_LIMITS' instance size."""
    from engine.definitions import specs
    from engine.runtime.lifecycle import instances
    from webui.extensions import db

    from .tasks_fixtures import EXAMPLES, PEGAWAI, PENILAI, Training
    with app.app_context():
        specs.deploy(db.session, {p.name: p.read_bytes() for p in EXAMPLES.iterdir()}, "admin")
        bulky = {f"lampiran_{i}": "l" * 4_000 for i in range(16)}
        instance = instances.start(db.session, specs.require_latest(db.session, "izin_pelatihan"), {
            "pegawai": PEGAWAI, "penilai": PENILAI, "batas_tinjau": "2027-01-20", **bulky}, "izin-besar", PEGAWAI)
        db.session.commit()
    return Training(app, instance.id)
