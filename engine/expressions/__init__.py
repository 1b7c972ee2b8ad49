"""Translate what Camunda Modeler users write (JUEL, ISO 8601 timer text, FEEL) to Python for SpiffWorkflow.

Translation happens once, at deploy time. This module gathers the translators in one place:
JUEL lives in `engine.juel` and `engine.juel_calls`, timer values in `engine.timer_values`, the FEEL of DMN
tables in `engine.feel` and the shared code-building helpers (and ExpressionError) in `engine.pycode`.
"""

from __future__ import annotations

from .feel import feel_expression_to_python, feel_literal_to_python, feel_unary_to_python
from .juel import juel_template_to_python, juel_to_python, split_list
from .pycode import ExpressionError, is_literal
from .timer_values import check_timer_value, timer_to_python

__all__ = [
    "ExpressionError", "check_timer_value", "feel_expression_to_python", "feel_literal_to_python",
    "feel_unary_to_python", "is_literal", "juel_template_to_python", "juel_to_python", "split_list", "timer_to_python",
]
