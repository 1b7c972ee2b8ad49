"""`kinerja translations update|check`: keep the area catalogues in step with the UI strings."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

from ..i18n import DOMAINS, SOURCES, TRANSLATIONS

group = AppGroup("translations", help="UI catalogues (webui/translations).")
ROOT = TRANSLATIONS.parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = {".py": "python", ".html": "jinja2"}


def extract(area: str) -> Catalog:
    """Return the strings of an area's sources as a catalogue template."""
    template = Catalog()
    for pattern in SOURCES[area]:
        for path in sorted(ROOT.glob(pattern)):
            options = {"extensions": "jinja2.ext.i18n"} if path.suffix == ".html" else {}
            for line, message, comments, context in extract_from_file(
                    METHODS[path.suffix], str(path), keywords=KEYWORDS, options=options):
                template.add(message, locations=[(str(path.relative_to(ROOT)), line)],
                             auto_comments=comments, context=context)
    return template


def catalogue_path(area: str, locale: str = "id") -> Path:
    """Return the .po file of an area."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{area}.po"


@group.command("update")
def update() -> None:
    """Add new strings to each area's Indonesian catalogue and mark vanished ones obsolete."""
    for area in DOMAINS:
        path = catalogue_path(area)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale="id", domain=area)
        else:
            catalog = Catalog(locale="id", domain=area, project="Kinerja")
        catalog.update(extract(area), no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as target:
            write_po(target, catalog, width=120, omit_header=False, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        click.echo(f"{area}: {len(catalog)} string(s), {len(missing)} to translate")
