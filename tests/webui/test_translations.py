"""Every UI string has an Indonesian translation: a new string without one fails here."""

from __future__ import annotations

from babel.messages.pofile import read_po

from webui.commands.translations import catalogue_path, extract
from webui.i18n import DOMAINS


def test_every_ui_string_is_translated_to_indonesian() -> None:
    translated: dict[str, str] = {}
    for area in DOMAINS:
        path = catalogue_path(area)
        if path.exists():
            with path.open("rb") as source:
                for message in read_po(source):
                    forms = [message.string] if isinstance(message.string, str) else list(message.string)
                    # A plural message needs every form: ('', '') would show the English text.
                    if message.id and forms and all(forms) and "fuzzy" not in message.flags:
                        translated[str(message.id)] = str(message.string)
    missing = sorted({str(m.id) for area in DOMAINS for m in extract(area) if m.id and str(m.id) not in translated})
    assert not missing, "untranslated UI strings (run `make messages`, then translate): " + "; ".join(missing[:20])
