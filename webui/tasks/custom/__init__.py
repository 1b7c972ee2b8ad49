"""Editors of the appraisal's custom forms and the panels of its tasks; each module registers its own."""

from __future__ import annotations

from importlib import import_module
from pkgutil import iter_modules

for _module in iter_modules(__path__):
    import_module(f"{__name__}.{_module.name}")
