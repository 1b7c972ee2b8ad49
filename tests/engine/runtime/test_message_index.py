"""Routing a message looks its receivers up by (name, correlation key): exact, and through the index."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.db.query_plans import accesses, show, statements_of
from engine.elements.message_events import MISSING, _agree
from engine.runtime.events import messages
from engine.runtime.events.correlation_keys import WILDCARD, key_of, lookup_keys

PROPS = [("k", "a"), ("k", "b"), ("j", "a")]
values = st.one_of(st.sampled_from(["1", "x", "y"]), st.sampled_from([1, 2]), st.none(), st.booleans(),
                   st.just(1.0))


def _nested(pairs: dict[tuple[str, str], object]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for (key, name), value in pairs.items():
        out.setdefault(key, {})[name] = value
    return out


@settings(max_examples=300, deadline=None)
@given(expected=st.dictionaries(st.sampled_from(PROPS), values, max_size=3),
       actual=st.dictionaries(st.sampled_from(PROPS), st.one_of(values, st.just(MISSING)), max_size=3))
def test_the_lookup_finds_every_subscription_that_agrees_with_the_message(expected, actual):
    # The waiting task's definition names the properties it may expect: those of its subscription.
    keys = lookup_keys(_nested(actual), [set(expected)])
    if _agree(_nested(expected), _nested(actual)):
        assert keys is None or key_of(_nested(expected)) in keys


def test_a_subscription_knowing_fewer_properties_is_found_and_a_message_knowing_fewer_reads_all():
    keys = lookup_keys({"k": {"a": "1", "b": "2"}}, [{("k", "a"), ("k", "b")}])
    assert keys is not None
    assert {key_of({"k": {"a": "1"}}), key_of({"k": {"a": "1", "b": "2"}}), key_of({}), WILDCARD} <= set(keys)
    assert key_of({"k": {"a": "2"}}) not in keys
    # A task may expect b, which the message does not carry: it agrees on b whatever it holds.
    assert lookup_keys({"k": {"a": "1"}}, [{("k", "a"), ("k", "b")}]) is None
    # Values text does not compare as Python does are left to Python.
    assert key_of({"k": {"a": True}}) == WILDCARD
    assert lookup_keys({"k": {"a": 1.0}}, [{("k", "a")}]) is None


def test_routing_reads_only_the_correlated_subscriptions_through_the_index(deploy, start, open_tasks, session):
    deploy("processes/receiver.bpmn")
    nips = [f"1985031520100110{n:02d}" for n in range(40)]
    started = {nip: start("receiver", {"nip": nip}, key=nip) for nip in nips}
    session.commit()
    statements = statements_of(session, lambda: messages.send(
        session, "predikat_final", {"nip": nips[7], "predikat": "Baik"}, "pengelola"))
    lookups = [(sql, p) for sql, p in statements if "FROM message_subscription" in sql and "correlation_key" in sql]
    assert len(lookups) == 1
    sql, parameters = lookups[0]
    plan = accesses(session, sql, parameters)
    printed = show(session, sql, parameters)
    assert [a.index for a in plan] == ["ix_message_subscription_key_name"], printed
    assert all(a.rows_read is None or a.rows_read <= 2 for a in plan), (plan, printed)  # one of 40 waiting
    assert [t.assignee for t in open_tasks(started[nips[7]].id)] == [nips[7]]
    assert all(open_tasks(started[nip].id) == [] for nip in nips if nip != nips[7])
