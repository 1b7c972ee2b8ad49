"""The calendar of monitoring periods, for any script (pemantauan_kinerja, capaian_unit_periodik)."""

from __future__ import annotations

from typing import Any

from ..cycle import periods


def daftar_periode(tahun: int, jenis_periode: str, mulai: str | None = None, batas_pengisian: Any = "P5D",
                   buka_realisasi: Any = "P7D") -> list[dict[str, Any]]:
    """Return the year's periods (names, dates, input deadlines) without recording them."""
    return periods.daftar_periode(tahun, jenis_periode, mulai, batas_pengisian, buka_realisasi)
