"""Size predictions: refuse an operation before it runs when its result would be too large to build quickly.

A single C-level call (`'%300000000d' % 1`, `'x'.ljust(10**9)`, `pow(3, 2**99990, m)`, `str()` of a list
that holds the same big list a million times) cannot be interrupted by the time budget, so every
operation a script can use to amplify its input is checked here first, from the sizes of its operands.
The policy runs the same checks on constant expressions at validation (`constants`).
"""

from __future__ import annotations

import math
import re
from typing import Any, NoReturn

from .errors import SandboxViolation

#: Longest str/list/tuple a single operation may produce (items or characters).
MAX_SEQUENCE_LENGTH = 1_000_000
#: Largest int (in bits, ~2 466 decimal digits) a single `*`, `**` or `<<` may produce. Small enough that
#: every such int can be written as text (Python's limit: 4 300 digits) and that a C-level pass over a
#: million of them (sum, sorted) stays well under a second.
MAX_INT_BITS = 8192
#: Largest exponent and modulus of a three-argument pow(), in bits (modular exponentiation is cubic:
#: 2 048 bits take ~0.07 s, 4 096 bits ~0.5 s).
MAX_MODPOW_BITS = 2048

_SEQUENCES = (str, bytes, list, tuple)
_SCALAR_REPR = 32  # characters a float, bool, None... takes at most in a repr
_DIRECTIVE = re.compile(rb"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def refuse_size(what: str) -> NoReturn:
    raise SandboxViolation(f"{what} would be larger than a process script may build "
                           f"({MAX_SEQUENCE_LENGTH} characters or items, {MAX_INT_BITS} bits)")


class _TooLong(Exception):
    pass


def repr_exceeds(value: Any, limit: int = MAX_SEQUENCE_LENGTH) -> bool:
    """Return whether repr(value) would be longer than limit; shared references count each time."""
    try:
        _repr_length(value, limit, {})
    except (_TooLong, RecursionError):
        return True
    return False


def _repr_length(value: Any, limit: int, known: dict[int, int]) -> int:
    """Length of repr(value), at most about limit; containers are measured once each (by identity)."""
    if isinstance(value, (str, bytes)):
        return len(value) + 3
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() * 31 // 100 + 2
    if not isinstance(value, (list, tuple, set, frozenset, dict)):
        return _SCALAR_REPR
    if id(value) in known:
        return known[id(value)]
    known[id(value)] = 5  # a container inside itself shows as [...]
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    total = 2 + 2 * len(items)
    for item in items:
        total += _repr_length(item, limit, known)
        if total > limit:
            raise _TooLong
    known[id(value)] = total
    return total


def check_shown(value: Any, what: str = "the text of a value") -> None:
    """Refuse turning value into text (str, repr, f-string, %s, print) when the text would be too long."""
    if isinstance(value, (list, tuple, set, frozenset, dict)) and repr_exceeds(value):
        refuse_size(what)


def check_binop(symbol: str, left: Any, right: Any) -> None:
    """Refuse `left symbol right` when its result would exceed MAX_SEQUENCE_LENGTH items or MAX_INT_BITS bits."""
    shown, symbol = symbol, symbol.rstrip("=")
    if symbol == "*" and isinstance(left, int) and isinstance(right, _SEQUENCES):
        left, right = right, left
    too_big = False
    if symbol == "*":
        if isinstance(left, _SEQUENCES) and isinstance(right, int):
            too_big = len(left) * right > MAX_SEQUENCE_LENGTH
        elif isinstance(left, int) and isinstance(right, int):
            too_big = left.bit_length() + right.bit_length() > MAX_INT_BITS
    elif symbol == "+":
        too_big = (isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES)
                   and len(left) + len(right) > MAX_SEQUENCE_LENGTH)
    elif symbol == "**":
        too_big = (isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
                   and right * math.log2(abs(left)) > MAX_INT_BITS)
    elif symbol == "<<":
        too_big = (isinstance(left, int) and isinstance(right, int) and left != 0
                   and left.bit_length() + right > MAX_INT_BITS)
    elif symbol == "%" and isinstance(left, (str, bytes)):
        check_percent(left, right)
    if too_big:
        refuse_size(f"the result of '{shown}'")


def check_percent(template: str | bytes, values: Any) -> None:
    """Refuse printf-style formatting whose widths, precisions or shown values add up to too much text."""
    raw = template.encode("utf-8", "surrogatepass") if isinstance(template, str) else template
    args = list(values.values()) if isinstance(values, dict) else (
        list(values) if isinstance(values, tuple) else [values])
    total = len(raw)
    stars = 0
    for directive in _DIRECTIVE.finditer(raw):
        for number in directive.group(1, 2):
            if number == b"*":
                stars += 1
            elif number:
                total += int(number) if len(number) < 9 else MAX_SEQUENCE_LENGTH + 1
    if stars:
        total += sum(abs(arg) for arg in args[:stars] if isinstance(arg, int) and not isinstance(arg, bool)
                     and arg.bit_length() < 64)
        total += sum(MAX_SEQUENCE_LENGTH + 1 for arg in args[:stars] if isinstance(arg, int)
                     and arg.bit_length() >= 64)
    if total > MAX_SEQUENCE_LENGTH:
        refuse_size("the result of '%' formatting")
    for arg in args:
        check_shown(arg, "the result of '%' formatting")


def check_format_spec(spec: str) -> None:
    """Refuse a format spec (f'{x:>1000000000}', f'{x:.1000000000f}') whose width or precision is too large."""
    for number in re.findall(r"\d+", spec):
        if len(number) > 7 or int(number) > MAX_SEQUENCE_LENGTH:
            refuse_size(f"the format '{spec[:40]}'")


#: Text encodings whose cost is linear in the text (punycode and idna are quadratic).
_LINEAR_CODECS = {"utf-8", "utf8", "ascii", "latin-1", "latin1", "iso-8859-1", "utf-16", "utf-32", "cp1252"}


def check_codec(encoding: Any) -> None:
    """Refuse str.encode/bytes.decode/str(b, encoding) with a codec whose cost is not linear."""
    if isinstance(encoding, str) and encoding.lower().replace("_", "-") not in _LINEAR_CODECS:
        raise SandboxViolation(f"the encoding '{encoding[:40]}' is not available in process scripts; use "
                               "utf-8, ascii, latin-1, utf-16, utf-32 or cp1252")


def check_round(number: Any, digits: Any) -> None:
    """Refuse round(int, -n) for n so large that 10**n is over MAX_INT_BITS."""
    if isinstance(number, int) and isinstance(digits, int) and digits < -(MAX_INT_BITS * 3 // 10):
        refuse_size("round()")


def check_modpow(base: Any, exponent: Any, modulus: Any) -> None:
    """Refuse pow(base, exponent, modulus) on numbers whose modular exponentiation would take long."""
    if all(isinstance(number, int) for number in (base, exponent, modulus)) and (
            abs(exponent).bit_length() > MAX_MODPOW_BITS or abs(modulus).bit_length() > MAX_MODPOW_BITS):
        raise SandboxViolation(f"pow() with three arguments takes an exponent and a modulus of at most "
                               f"{MAX_MODPOW_BITS} bits in process scripts")
