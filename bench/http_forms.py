"""Read an HTML form as a browser would send it unchanged, and the answers the simulated users give.

A browser posts every named field of the form with its current value: text inputs and hidden ones
with their `value`, a checked checkbox or radio, a textarea's text, a select's selected option (else
its first). Rows the page's script clones (names with `__I__`/`__J__`) are not sent.
"""

from __future__ import annotations

from html.parser import HTMLParser

#: What each step's user changes in the form before sending it (the rest is posted as the page shows it).
ANSWERS: dict[str, dict[str, str]] = {
    # The employee drafts (or revises) a plan of one RHK with one IKI.
    "Task_susun_skp": {
        "skp/pendekatan": "kuantitatif",
        "skp/rhk/0/uraian": "Layanan administrasi kependudukan tepat waktu",
        "skp/rhk/0/alasan_tanpa_intervensi": "RHK atasan belum ditetapkan",
        "skp/rhk/0/iki/0/uraian": "Persentase dokumen terbit dalam 1 hari",
        "skp/rhk/0/iki/0/target": "95",
        "skp/rhk/0/iki/0/satuan": "persen",
        "aksi": "kirim",
    },
    # The appraiser returns it with a note: the pair goes round the review again (work for the whole run).
    "Task_tinjau_skp": {"keputusan_skp": "kembalikan", "catatan_skp": "Naikkan target IKI menjadi 98 persen.",
                        "aksi": "kirim"},
}
#: The same answers as the engine receives them (the in-process baseline calls tasks.complete with these).
ENGINE_ANSWERS: dict[str, dict[str, object]] = {
    "Task_susun_skp": {"skp": {"pendekatan": "kuantitatif", "rhk": [{
        "uraian": "Layanan administrasi kependudukan tepat waktu",
        "alasan_tanpa_intervensi": "RHK atasan belum ditetapkan",
        "iki": [{"uraian": "Persentase dokumen terbit dalam 1 hari", "target": "95", "satuan": "persen"}]}]}},
    "Task_tinjau_skp": {"keputusan_skp": "kembalikan", "catatan_skp": "Naikkan target IKI menjadi 98 persen."},
}


class _FormReader(HTMLParser):
    """Collect the fields of the first form that has a field named `marker`."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = []
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "button" and a.get("name"):
            self._fields.append((a["name"], ""))  # only marks the form; the answer names the button pressed
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self._fields.append((self._textarea, "".join(self._text).strip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self._fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "form":
            self.forms.append(self._fields)
            self._fields = None


def form_fields(page: str, marker: str = "aksi") -> dict[str, str]:
    """Return the fields the form holding `marker` would send as shown (cloned-row templates left out)."""
    reader = _FormReader(marker)
    reader.feed(page)
    for fields in reader.forms:
        if any(name == marker for name, _ in fields):
            return {name: value for name, value in fields
                    if name != marker and "__I__" not in name and "__J__" not in name}
    raise ValueError(f"no form with a field {marker!r} on the page")


def answered(page: str, step: str) -> dict[str, str]:
    """Return what the user posts for this step: the form as shown, with the step's answers filled in."""
    fields = form_fields(page)
    fields.update(ANSWERS[step])
    return fields
