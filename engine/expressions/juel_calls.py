"""Translate the JUEL calls Camunda users write daily into calls of the sandbox's JUEL helpers.

Camunda resolves `x.startsWith('a')` on the Java object at run time; the type of x is unknown at deploy time,
so each method call becomes `juel_method(x, "startsWith", "a")`, which the sandbox dispatches by the value's
type (engine.sandbox.juel_functions). What is not listed here is refused at deploy time, with the rewrite.
"""

from __future__ import annotations

import re

from .pycode import P_ATOM, ExpressionError, Py, python_string

__all__ = [
    "DATE_METHODS", "FUNCTIONS", "METHODS", "WORKDAY_FUNCTIONS", "execution_call", "execution_property",
    "function_call", "method_call",
]

_SHIFTS = ("Years", "Months", "Weeks", "Days", "Hours", "Minutes", "Seconds")
#: Methods of Joda's DateTime and java.util.Date (dates are ISO 8601 text in Kinerja): name -> argument count.
DATE_METHODS: dict[str, tuple[int, int]] = {
    **{f"{sign}{unit}": (1, 1) for sign in ("plus", "minus") for unit in _SHIFTS},
    "toDate": (0, 0), "withTimeAtStartOfDay": (0, 0),
    "isBefore": (1, 1), "isAfter": (1, 1), "isEqual": (1, 1), "before": (1, 1), "after": (1, 1),
}
#: Methods of text, lists and maps (java.lang.String, java.util.List/Map): name -> (fewest, most) arguments.
METHODS: dict[str, tuple[int, int]] = {
    "equals": (1, 1), "equalsIgnoreCase": (1, 1), "isEmpty": (0, 0), "size": (0, 0), "length": (0, 0),
    "startsWith": (1, 1), "endsWith": (1, 1), "contains": (1, 1), "containsKey": (1, 1),
    "toUpperCase": (0, 0), "toLowerCase": (0, 0), "trim": (0, 0), "substring": (1, 2), "indexOf": (1, 1),
    "replace": (2, 2), "toString": (0, 0), "get": (1, 1),
    **DATE_METHODS,
}
#: Camunda's built-in JUEL functions: now() is a java.util.Date, dateTime() a Joda DateTime.
FUNCTIONS: dict[str, tuple[int, int]] = {"now": (0, 0), "dateTime": (0, 0)}
#: Kinerja's working-day functions (not in Camunda 7): JUEL name -> (script function, fewest, most arguments).
WORKDAY_FUNCTIONS: dict[str, tuple[str, int, int]] = {
    "hariKerja": ("tambah_hari_kerja", 1, 2), "durasiHariKerja": ("durasi_hari_kerja", 1, 1),
    "adalahHariKerja": ("adalah_hari_kerja", 1, 1), "hitungHariKerja": ("hitung_hari_kerja", 2, 2),
}
#: The date method counting working days: `${batas.plusWorkingDays(3)}` is `hariKerja(batas, 3)`.
WORKDAY_METHOD = "plusWorkingDays"
_NEGATIVE = re.compile(r"-\s*\d+(?:\.\d*)?")

_DATE_ADVICE = ("for a date relative to now write a duration such as P7D instead of "
                "${dateTime().plusDays(7).toDate()}, or compute the date in a script task with date_add()")
_BUSINESS_KEY = ("processBusinessKey", "businessKey")


def _arguments(what: str, wanted: tuple[int, int], args: list[Py], source: str) -> str:
    fewest, most = wanted
    if not fewest <= len(args) <= most:
        count = str(fewest) if fewest == most else f"{fewest} or {most}"
        raise ExpressionError(f"{what} takes {count} argument{'' if count == '1' else 's'}, "
                              f"not {len(args)}, in {source!r}")
    return "".join(f", {arg.code}" for arg in args)


def method_call(target: Py, name: str, args: list[Py], call: str, source: str) -> Py:
    """Return the Python for `target.name(args)`; call is the source text up to the '(' for messages."""
    if name == WORKDAY_METHOD:
        return _workday_call("tambah_hari_kerja", f"{name}()", (1, 1), [target], args, source)
    if name not in METHODS:
        known = ", ".join(m for m in METHODS if m not in DATE_METHODS)
        dates = ", ".join(m for m in DATE_METHODS if not m.startswith(("plus", "minus")))
        raise ExpressionError(f"method call '{call}(...)' is not supported in {source!r}: Kinerja knows {known} "
                              f"and, on dates, plus/minus{'/'.join(_SHIFTS)}, {dates}; {_advice(target, name)}")
    rest = _arguments(f"{name}()", METHODS[name], args, source)
    return Py(f"juel_method({target.code}, {python_string(name).code}{rest})", P_ATOM)


def _advice(target: Py, name: str) -> str:
    """Return the rewrite to suggest for an unsupported method: a duration for date arithmetic."""
    on_date = "juel_function(" in target.code or '", "plus' in target.code or '", "minus' in target.code
    if on_date or name.startswith(("with", "plus", "minus", "get")):
        return _DATE_ADVICE
    return "compute the value in a script task and use the variable it sets"


def function_call(name: str, args: list[Py], source: str) -> Py:
    """Return the Python for a call of Camunda's built-in function name (now, dateTime) or a working-day one."""
    if name in WORKDAY_FUNCTIONS:
        function, fewest, most = WORKDAY_FUNCTIONS[name]
        return _workday_call(function, f"{name}()", (fewest, most), [], args, source)
    if name not in FUNCTIONS:
        raise ExpressionError(f"function call '{name}(...)' is not supported in {source!r}: Kinerja knows "
                              f"now(), dateTime() and {', '.join(f'{n}()' for n in WORKDAY_FUNCTIONS)}; "
                              "use variables, literals and operators otherwise")
    rest = _arguments(f"{name}()", FUNCTIONS[name], args, source)
    return Py(f"juel_function({python_string(name).code}{rest})", P_ATOM)


def _workday_call(function: str, what: str, wanted: tuple[int, int], before: list[Py], args: list[Py],
                  source: str) -> Py:
    """Return the call of a working-day script function; a negative literal count is refused here, at deploy."""
    _arguments(what, wanted, args, source)
    if function in ("tambah_hari_kerja", "durasi_hari_kerja") and _NEGATIVE.fullmatch(args[-1].code.strip("()")):
        raise ExpressionError(f"{what} counts working days forward: {args[-1].code.strip('()')} is negative "
                              f"in {source!r}")
    return Py(f"{function}({', '.join(arg.code for arg in [*before, *args])})", P_ATOM)


def execution_property(name: str, source: str) -> Py:
    """Return the Python for `execution.name` (only the business key is a property Kinerja has)."""
    if name in _BUSINESS_KEY:
        return Py('juel_function("businessKey")', P_ATOM)
    raise ExpressionError(f"'execution.{name}' is not supported in {source!r}: an expression can read "
                          "variables by name, execution.getVariable('name') and execution.processBusinessKey")


def execution_call(name: str, args: list[Py], source: str) -> Py:
    """Return the Python for `execution.name(args)`: getVariable and the business key getters."""
    if name == "getVariable":
        _arguments("getVariable()", (1, 1), args, source)
        # value_of is the sandbox's "variable or null", as Camunda's getVariable on a missing variable.
        return Py(f"value_of({args[0].code})", P_ATOM)
    if name in ("getProcessBusinessKey", "getBusinessKey"):
        _arguments(f"{name}()", (0, 0), args, source)
        return execution_property("businessKey", source)
    if name.startswith(("set", "remove")):
        raise ExpressionError(f"'execution.{name}(...)' is not supported in {source!r}: an expression cannot "
                              "change variables; set them in a script task or an output parameter")
    raise ExpressionError(f"'execution.{name}(...)' is not supported in {source!r}: an expression can read "
                          "variables by name, execution.getVariable('name') and execution.processBusinessKey")
