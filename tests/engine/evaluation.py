"""Evaluating translated expressions the way the engine does, for the expression and timer tests."""

from __future__ import annotations

import ast
from typing import Any

from RestrictedPython import compile_restricted_eval, safe_globals
from RestrictedPython.Eval import default_guarded_getitem


def evaluate(code: str, **data: Any) -> Any:
    """Evaluate translated code without builtins and under RestrictedPython, and return the (equal) result."""
    ast.parse(code, mode="eval")
    plain = eval(code, {"__builtins__": {}}, dict(data))
    compiled = compile_restricted_eval(code)
    assert compiled.errors == ()
    sandbox = {**safe_globals, "_getitem_": default_guarded_getitem, **data}
    restricted = eval(compiled.code, sandbox)
    assert restricted == plain
    return plain
