"""Words of the rating, calibration and appeal pages: ratings, predikat, unit ratings and BerAKHLAK values.

Predikat, unit ratings and the BerAKHLAK values are legal terms without an English word: they stay
Indonesian in both languages (their msgids are the Indonesian terms themselves).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

RATINGS: dict[str, Any] = {"di_atas": _l("Above expectations"), "sesuai": _l("Meets expectations"),
                           "di_bawah": _l("Below expectations")}
PREDIKAT: dict[str, Any] = {"sangat_baik": _l("Sangat Baik"), "baik": _l("Baik"),
                            "butuh_perbaikan": _l("Butuh Perbaikan"), "kurang_misconduct": _l("Kurang/Misconduct"),
                            "sangat_kurang": _l("Sangat Kurang")}
CAPAIAN: dict[str, Any] = {"istimewa": _l("Istimewa"), "baik": _l("Baik"), "butuh_perbaikan": _l("Butuh Perbaikan"),
                           "kurang": _l("Kurang"), "sangat_kurang": _l("Sangat Kurang")}
VALUES: dict[str, Any] = {"berorientasi_pelayanan": _l("Berorientasi Pelayanan"), "akuntabel": _l("Akuntabel"),
                          "kompeten": _l("Kompeten"), "harmonis": _l("Harmonis"), "loyal": _l("Loyal"),
                          "adaptif": _l("Adaptif"), "kolaboratif": _l("Kolaboratif")}
#: Where a predikat came from (predikat_record.source).
SOURCES: dict[str, Any] = {"rating": _l("Appraiser's rating"), "kalibrasi": _l("Unit calibration"),
                           "keberatan": _l("Appeal decision")}

#: An appeal's decision (appeal.decision).
DECISIONS: dict[str, Any] = {"tetap": _l("upheld"), "ubah": _l("changed")}


def labels() -> dict[str, dict[str, Any]]:
    """Return the label tables for the templates."""
    return {"ratings": RATINGS, "predikat": PREDIKAT, "capaian": CAPAIAN, "values": VALUES, "sources": SOURCES,
            "decisions": DECISIONS}

