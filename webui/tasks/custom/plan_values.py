"""Words the planning pages share: the BerAKHLAK values with their behaviour guides, choices, refusal codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from webui.messages import register_field_codes
from workflows.models.skp import ANNEX_KINDS, BERAKHLAK

#: value code → (name, the behaviour guide of PermenPANRB 6/2022, DOMAIN.md §3.2).
VALUES: dict[str, tuple[Any, Any]] = {
    "berorientasi_pelayanan": (_l("Berorientasi Pelayanan"), _l(
        "Understands and meets public needs; friendly, quick, solution-oriented and reliable; "
        "keeps improving.")),
    "akuntabel": (_l("Akuntabel"), _l(
        "Works honestly, responsibly, carefully, with discipline and integrity; uses state assets "
        "responsibly, effectively and efficiently; does not misuse authority.")),
    "kompeten": (_l("Kompeten"), _l(
        "Improves own competence for changing challenges; helps others learn; does tasks to the best quality.")),
    "harmonis": (_l("Harmonis"), _l(
        "Respects everyone whatever their background; likes to help others; builds a conducive workplace.")),
    "loyal": (_l("Loyal"), _l(
        "Holds to Pancasila, UUD 1945, NKRI and the lawful government; guards the good name of fellow ASN, "
        "leaders, the agency and the state; keeps official and state secrets.")),
    "adaptif": (_l("Adaptif"), _l(
        "Adapts quickly to change; keeps innovating and developing creativity; acts proactively.")),
    "kolaboratif": (_l("Kolaboratif"), _l(
        "Gives others the chance to contribute; open to cooperation that adds value; mobilises resources "
        "for shared goals.")),
}
assert tuple(VALUES) == BERAKHLAK

#: annex kind → (title, what it holds).
ANNEXES: dict[str, tuple[Any, Any]] = {
    "dukungan_sumber_daya": (_l("Resource support"), _l("The people, budget and facilities the plan needs.")),
    "skema_pertanggungjawaban": (_l("Accountability scheme"), _l("How and when the results are reported.")),
    "konsekuensi": (_l("Consequences"), _l("What follows when the targets are or are not met.")),
}
assert tuple(ANNEXES) == ANNEX_KINDS

RHK_KINDS: dict[str, Any] = {"utama": _l("Main"), "tambahan": _l("Additional")}
APPROACHES: dict[str, Any] = {"kuantitatif": _l("Quantitative"), "kualitatif": _l("Qualitative")}
ASPECTS: dict[str, Any] = {"kuantitas": _l("Quantity"), "kualitas": _l("Quality"), "waktu": _l("Time"),
                           "biaya": _l("Cost")}
#: The perspectives of a qualitative (balanced scorecard) plan, as e-Kinerja offers them.
PERSPECTIVES = ("Penerima Layanan", "Penguatan Internal", "Anggaran", "Proses Bisnis")

register_field_codes({
    "cascade_required": _l("Choose the superior's RHK this RHK supports, or explain why it supports none."),
    "not_superior": _l("This RHK is not in this year's SKP of your appraiser."),
    "self": _l("An employee cannot rate themselves."),
    "not_public_service": _l("Public feedback counts only for a unit that serves the public."),
})


def text(form: Any, name: str) -> str:
    """Return a posted text stripped of surrounding blanks ('' when absent)."""
    return str(form.get(name) or "").strip()


def record_id(raw: str | None) -> int | None:
    """Return a posted record id, or None for a new row (an id that is not a number is kept to be refused)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def indexes(form: Any, prefix: str) -> list[int]:
    """Return the row numbers posted under prefix ('skp/rhk/' → 0, 1, ...), in order."""
    found = set()
    for name in form:
        if name.startswith(prefix):
            head = name[len(prefix):].split("/", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)
