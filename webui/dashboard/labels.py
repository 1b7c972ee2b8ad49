"""Words the dashboard shows for the stages and predikat it counts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STAGE_LABELS = {
    "perencanaan": _l("Planning"),
    "pemantauan": _l("Monitoring"),
    "penilaian": _l("Rating"),
    "kalibrasi": _l("Calibration"),
    "keberatan": _l("Keberatan"),
    "persetujuan": _l("Approval"),
    "diumumkan": _l("Published"),
    "tindak_lanjut": _l("Follow-up"),
}

PREDIKAT_LABELS = {
    "sangat_baik": _l("Sangat Baik"), "baik": _l("Baik"), "butuh_perbaikan": _l("Butuh Perbaikan"),
    "kurang_misconduct": _l("Kurang/Misconduct"), "sangat_kurang": _l("Sangat Kurang"),
}

CAPAIAN_LABELS = {
    "istimewa": _l("Istimewa"), "baik": _l("Baik"), "butuh_perbaikan": _l("Butuh Perbaikan"),
    "kurang": _l("Kurang"), "sangat_kurang": _l("Sangat Kurang"),
}
