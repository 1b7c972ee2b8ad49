"""Restricted execution of the Python that process owners put in BPMN and DMN files.

Every script task body, gateway condition, timer expression, multi-instance expression and DMN expression
goes through `SandboxEnvironment`: it is compiled by RestrictedPython with a stricter policy and run with
a small set of safe builtins, guards on attribute/item/iteration access, the task data as its variables,
the helpers the application registers (`register_function`) and a time budget.

What is refused where
  * At compile time (`check_source` reports it with the script line; running it raises `ScriptRefused`):
    imports, names and attributes starting with '_' (so every dunder), `exec`/`eval` calls, class
    definitions, `with`, `yield`, `finally`, except clauses naming anything but exception classes,
    `nonlocal`, `match`, async code, and augmented assignment of items or attributes (`d['k'] += 1`;
    write `d['k'] = d['k'] + 1`). A bare `except:` means `except Exception:`; no except clause ever
    catches the budget stop, RecursionError or MemoryError (see the time limit below).
  * At run time (`SandboxViolation`, a plain Exception): `open`, `getattr`, `setattr`, `type`, `globals`,
    `vars`, `dir`, `iter`, `__import__`... (stubs that explain themselves), attributes starting with '_',
    frame/generator/code internals and `mro` (via `_getattr_`), `str.format`/`format_map` (they read
    attributes by name: '{0.__class__}'.format(x)), `range()` longer than MAX_SEQUENCE_LENGTH, and every
    operation whose result size is predicted over the bounds before it runs (`sizes`): `*`, `**`, `<<`,
    `+`, `%` (printf widths), three-argument `pow` (MAX_MODPOW_BITS), f-string widths and precisions,
    the amplifying methods of str/bytes/list/int (`methods`: center, ljust, rjust, zfill, expandtabs,
    replace, translate, join, extend, to_bytes, encode/decode with a non-linear codec), and
    (`conversions`) str(), repr(), f'{x}', '%s', print() of a container whose text would be too long,
    `hash` of such tuples, `sum` of lists, `round(int, -huge)` and `zip` of many long sequences.
  * At validation too: a constant expression that could never run within those bounds
    (`pow(3, 2**99990, 2**99990-1)`, `'%300000000d' % 1`, `'x' * 10**9`, `f'{1:300000000}'`) is
    refused by `check_source` (`constants`), so `kinerja bpmn validate` and deploy report it.

Task data: after a script, functions, modules and the sandbox's own names are removed (as SpiffWorkflow's
TaskDataEnvironment does), tuples become lists, and anything else that is not JSON data (sets, NaN,
non-string keys, ints too long for JSON...) is dropped and reported with `TaskDataInvalid`; so is a
variable that would make the task data larger than MAX_INSTANCE_DATA_BYTES as JSON (shared references
counted each time), so the clean-up's walk is bounded by size. An expression's value is returned as
it is, except that a lazy iterator is consumed into a list inside the time budget.

Date helpers: `datetime`/`timedelta` objects are not offered because task data must stay JSON; scripts
get ISO-8601 strings instead, through `now_iso()`, `today_iso()`, `date_add()` and `days_between()`.
Translated JUEL calls run through `juel_method`, `juel_function` and `juel_text` (`juel_functions`).

Limits and their caveats
  * Time: a trace hook (installed only while sandboxed code runs, the previous one restored afterwards,
    e.g. coverage's) stops sandboxed code after `step_budget_seconds` (default 2 s) with `ScriptTimeout`.
    It traces every bytecode of sandboxed frames (a one-line `while True: pass` produces no 'line'
    events on CPython 3.11), which with the guards makes tight loops ~50x slower (about 130 000
    simple iterations per second): ample for process scripts; a gateway condition costs ~25 us.
    It cannot interrupt a single long C-level operation: the size guards above refuse every known
    amplifier before it starts (see docs/engine.md, "Sandbox: in-process guards, not a process pool").
    Registered functions are trusted and run with the hook suspended (`budget.untraced`), so database
    work done for a script is not traced; the budget resumes at the script's next step.
    CPython drops a trace hook that raises, so the policy makes sure no script code runs once the stop
    is raised: no `finally`, no `with` (__exit__), no generators (clean-up code), except-clause types
    evaluated lazily and skipped while the stop unwinds. RecursionError and MemoryError can be raised
    inside the hook itself, which removes it; that is why scripts cannot catch them either.
  * Memory: a single operation builds at most MAX_SEQUENCE_LENGTH items (the guards); growth over
    many steps is bounded by the same trace hook, which reads the process's resident memory every
    5 ms of script time and stops a script that grew it by more than SCRIPT_MEMORY_MB
    (`ScriptMemoryExceeded`, uncatchable by the script like the time stop). The measure is the whole
    process's, so a concurrent request's allocations count too; it is a cap, not an accounting.

Modules: `policy` (compile-time policy, check_source), `constants` (constant expressions refused at
validation), `guards` (safe builtins and run-time guards), `sizes`, `methods` and `conversions` (the
size predictions), `budget` (the time and memory budget), `limits` (the configured bounds),
`task_data` (what task data may keep), `functions` (registered functions and
the date helpers), `juel_functions` (what translated JUEL calls), `environment` (SandboxEnvironment, the
script engine) and `errors`.
"""

from __future__ import annotations

from .environment import SandboxEnvironment, SandboxScriptEngine, make_script_engine, set_time_budget
from .errors import SandboxViolation, ScriptMemoryExceeded, ScriptRefused, ScriptTimeout, TaskDataInvalid
from .functions import date_add, days_between, now_iso, register_function, registered_functions, today_iso
from .limits import LIMITS, set_sandbox_limits
from .policy import _compile as _compile  # the compile cache, which tests inspect
from .policy import check_source
from .sizes import MAX_INT_BITS, MAX_MODPOW_BITS, MAX_SEQUENCE_LENGTH

__all__ = [
    "LIMITS", "MAX_INT_BITS", "MAX_MODPOW_BITS", "MAX_SEQUENCE_LENGTH", "SandboxEnvironment", "SandboxScriptEngine",
    "SandboxViolation", "ScriptMemoryExceeded", "ScriptRefused", "ScriptTimeout", "TaskDataInvalid", "check_source",
    "date_add", "days_between", "make_script_engine", "now_iso", "register_function", "registered_functions",
    "set_sandbox_limits", "set_time_budget", "today_iso",
]
