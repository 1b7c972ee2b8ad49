"""The functions BPMN scripts call to write appraisal records: the only way scripts touch the database.

Each works on the engine step in progress (`engine.context.current_run()`: its session, instance and
actor), takes and returns plain JSON data, and refuses a bad argument with `RecordInvalid` (code
`record_invalid`), which stops the instance as an incident. Documented in docs/script-functions.md;
one module per stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.sandbox import register_function

from .appeal import catat_cek_kurva_keberatan, catat_keberatan, catat_penjelasan_keberatan, putuskan_keberatan
from .closing import (
    buat_rencana_pengembangan,
    catat_talent_pool,
    evaluasi_masa_perbaikan,
    publikasikan_unit,
    tandatangani,
)
from .monitoring import (
    catat_bimbingan,
    catat_evaluasi_semester,
    catat_realisasi,
    catat_umpan_balik,
    catat_umpan_balik_publik,
    catat_umpan_balik_rekan,
)
from .planning import kembalikan_skp, rencana_skp, rhk_atasan_skp, setujui_skp, siapkan_skp, simpan_skp
from .rating import (
    capaian_unit_tercatat,
    catat_capaian_unit,
    catat_penilaian,
    hitung_distribusi,
    periksa_pola_distribusi,
    tetapkan_predikat,
)

#: The documented set, by the name scripts use.
FUNCTIONS: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in (
    siapkan_skp, simpan_skp, kembalikan_skp, setujui_skp, rencana_skp, rhk_atasan_skp,
    catat_realisasi, catat_umpan_balik, catat_bimbingan, catat_evaluasi_semester, catat_umpan_balik_rekan,
    catat_umpan_balik_publik,
    catat_penilaian, tetapkan_predikat, catat_capaian_unit, hitung_distribusi, periksa_pola_distribusi,
    capaian_unit_tercatat,
    catat_keberatan, catat_penjelasan_keberatan, putuskan_keberatan, catat_cek_kurva_keberatan,
    tandatangani, publikasikan_unit,
    buat_rencana_pengembangan, evaluasi_masa_perbaikan, catat_talent_pool)}


def register_all() -> None:
    """Register the set with the script sandbox (idempotent: registering again replaces the same functions)."""
    for name, fn in FUNCTIONS.items():
        register_function(name, fn)
