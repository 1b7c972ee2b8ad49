"""Compact state text: tasks as rows, every distinct value stored once per state (content-addressed).

SpiffWorkflow's state dict (state-only, as `dump_state` converts it) repeats a lot per task: the task's
uuid four times (mapping key, `id`, its parent's `children`, its own `parent`), the field names, and
the same values over and over (a `delta` that deletes every variable for each task not reached yet, an
empty delta, the sub-process root's full copy of the data: settings, org snapshot, `pegawai`). Here a
task becomes a row `[id, children as row numbers, last_state_change, state, task_spec, triggered,
internal_data, data, delta]` whose values are numbers into one pool of JSON values per state; a root
task's `data` and a delta's updates are pooled variable by variable, so a sub-process's copy of its
parent's variables, or a variable a delta carries again, costs a few numbers (the same for a
sub-process's own `data`). The parent is derived from the children. Anything not in that exact
shape (another field, a parent that the children do not give) stays the library's own dict: lossless,
`unpack(pack(d)) == d`, and the library's converters restore the unpacked dict as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

#: Bumped with any change of the layout below (it is part of the stored serializer version).
FORMAT = "kinerja.2"
_FIELDS = frozenset(("id", "parent", "children", "last_state_change", "state", "task_spec", "triggered",
                     "internal_data", "data", "delta", "typename"))


class _Pool:
    """JSON texts of distinct values, numbered in order of first use."""

    def __init__(self, encoder_cls: type[json.JSONEncoder]) -> None:
        self.encode = _one_shot(encoder_cls())
        self.numbers: dict[Any, int] = {}
        self.texts: list[str] = []

    def ref(self, value: Any) -> int:
        """Return the number of `value` in the pool, adding it if new."""
        # Scalars are their own key (with their type: True and 1 are equal keys otherwise); other
        # values are keyed by their JSON text, which is what the library would have stored.
        scalar = value is None or type(value) in _SCALARS
        text = None if scalar else self.encode(value)
        key = (type(value), value) if scalar else text
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.texts)
            self.texts.append(self.encode(value) if text is None else text)
        return number


_SCALARS = frozenset((str, int, float, bool))


def _one_shot(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """Return a function encoding one value as `encoder.encode` does, with the C encoder built once."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:  # pure-Python json: the plain (slower) path
        return encoder.encode
    # Built once per state instead of once per value (most of the cost of encoding a small value).
    strings = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring
    iterencode = make(None, encoder.default, strings, encoder.indent,
                      encoder.key_separator, encoder.item_separator, encoder.sort_keys, encoder.skipkeys,
                      encoder.allow_nan)

    def encode(value: Any) -> str:
        return "".join(iterencode(value, 0))
    return encode


def pack(state: dict[str, Any], encoder_cls: type[json.JSONEncoder]) -> str:
    """Return the compact JSON text of a state dict (top workflow with its `subprocesses`)."""
    pool = _Pool(encoder_cls)
    top = _pack_workflow(state, pool)
    top["subprocesses"] = {key: _pack_workflow(sub, pool) for key, sub in state["subprocesses"].items()}
    body = json.dumps(top, cls=encoder_cls)
    return '{"pool": [' + ", ".join(pool.texts) + '], "state": ' + body + "}"


def unpack(text: str) -> dict[str, Any]:
    """Return the library's state dict from `pack` output."""
    stored = json.loads(text)
    pool: list[Any] = stored["pool"]
    state: dict[str, Any] = _unpack_workflow(stored["state"], pool)
    state["subprocesses"] = {key: _unpack_workflow(sub, pool) for key, sub in state["subprocesses"].items()}
    return state


def _parents(rows: list[tuple[str, list[str]]]) -> dict[str, str]:
    """Return {child id: the first task, in mapping order, that lists it among its children}."""
    parents: dict[str, str] = {}
    for task_id, children in rows:
        for child in children:
            parents.setdefault(child, task_id)
    return parents


def _pack_workflow(workflow: dict[str, Any], pool: _Pool) -> dict[str, Any]:
    tasks: dict[str, dict[str, Any]] = workflow["tasks"]
    number = {task_id: n for n, task_id in enumerate(tasks)}
    parents = _parents([(task_id, task["children"]) for task_id, task in tasks.items()])
    rows: list[Any] = []
    for task_id, task in tasks.items():
        if (task.keys() != _FIELDS or task["id"] != task_id or task["typename"] != "Task"
                or parents.get(task_id) != task["parent"] or not all(c in number for c in task["children"])):
            rows.append(task)  # kept as the library wrote it
            continue
        data = task["data"]
        rows.append([task_id, [number[c] for c in task["children"]], task["last_state_change"], task["state"],
                     pool.ref(task["task_spec"]), task["triggered"], pool.ref(task["internal_data"]),
                     _variables(data, pool) if data else pool.ref(data), _delta(task["delta"], pool)])
    packed = {key: value for key, value in workflow.items() if key != "tasks"}
    packed["rows"] = rows
    if isinstance(workflow.get("data"), dict) and workflow["data"]:  # a finished sub-process's variables
        packed["data"] = _variables(packed.pop("data"), pool)
        packed["data_pooled"] = True
    return packed


def _variables(variables: dict[str, Any], pool: _Pool) -> dict[str, int]:
    """Return {name: pool number}: a variable copied into many tasks' data or deltas is stored once."""
    return {name: pool.ref(value) for name, value in variables.items()}


def _delta(delta: dict[str, Any], pool: _Pool) -> Any:
    """Return a delta's pool number, or [updates by variable, deletions' pool number] when it updates."""
    if delta.keys() == {"updates", "deletions"} and delta["updates"] and list(delta) == ["updates", "deletions"]:
        return [_variables(delta["updates"], pool), pool.ref(delta["deletions"])]
    return pool.ref(delta)  # empty, or only deletions: the same few lists recur across tasks


def _unpack_workflow(packed: dict[str, Any], pool: list[Any]) -> dict[str, Any]:
    rows: list[Any] = packed.pop("rows")
    ids = [row["id"] if isinstance(row, dict) else row[0] for row in rows]
    parents = _parents([(row["id"], row["children"]) if isinstance(row, dict) else (row[0], [ids[c] for c in row[1]])
                        for row in rows])
    tasks: dict[str, dict[str, Any]] = {}
    for row in rows:
        if isinstance(row, dict):
            tasks[row["id"]] = row
            continue
        task_id, children, changed, state, spec, triggered, internal, data, delta = row
        tasks[task_id] = {
            "id": task_id, "parent": parents.get(task_id), "children": [ids[c] for c in children],
            "last_state_change": changed, "state": state, "task_spec": pool[spec], "triggered": triggered,
            "internal_data": pool[internal],
            "data": {name: pool[n] for name, n in data.items()} if isinstance(data, dict) else pool[data],
            "delta": {"updates": {name: pool[n] for name, n in delta[0].items()}, "deletions": pool[delta[1]]}
            if isinstance(delta, list) else pool[delta], "typename": "Task"}
    packed["tasks"] = tasks
    if packed.pop("data_pooled", False):
        packed["data"] = {name: pool[n] for name, n in packed["data"].items()}
    return packed
