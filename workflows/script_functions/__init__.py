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

from .appeal import (
    baca_berkas_keberatan,
    buka_pemberitahuan_predikat,
    catat_cek_kurva_keberatan,
    catat_keberatan,
    catat_penjelasan_keberatan,
    catat_tinjauan_kurva_keberatan,
    putuskan_keberatan,
    tentukan_pemutus_keberatan,
    tutup_jendela_keberatan,
)
from .closing import (
    buat_rencana_pengembangan,
    catat_talent_pool,
    evaluasi_masa_perbaikan,
    publikasikan_jika_lengkap,
    publikasikan_unit,
    tandatangani,
)
from .follow_up import (
    akui_rencana_pengembangan,
    catat_keputusan_ppk,
    catat_penilaian_parsial,
    catat_rekomendasi_tpk,
    tambah_durasi,
)
from .monitoring import (
    catat_bimbingan,
    catat_evaluasi_periodik,
    catat_evaluasi_semester,
    catat_realisasi,
    catat_umpan_balik,
    catat_umpan_balik_publik,
    catat_umpan_balik_rekan,
    siapkan_periode,
)
from .periods import daftar_periode
from .planning import kembalikan_skp, rencana_skp, rhk_atasan_skp, setujui_skp, siapkan_skp, simpan_skp
from .public_feedback import umpan_balik_publik_unit
from .raters import agregat_umpan_balik_rekan, catat_penilaian_diri
from .rating import (
    baca_berkas_penilaian,
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
    daftar_periode, siapkan_periode, catat_realisasi, catat_umpan_balik, catat_evaluasi_periodik, catat_bimbingan,
    catat_evaluasi_semester, catat_umpan_balik_rekan,
    catat_umpan_balik_publik,
    umpan_balik_publik_unit,
    catat_penilaian_diri, agregat_umpan_balik_rekan,
    catat_penilaian, baca_berkas_penilaian, tetapkan_predikat, catat_capaian_unit, hitung_distribusi,
    periksa_pola_distribusi,
    capaian_unit_tercatat,
    catat_keberatan, catat_penjelasan_keberatan, putuskan_keberatan, catat_cek_kurva_keberatan,
    buka_pemberitahuan_predikat, baca_berkas_keberatan, tentukan_pemutus_keberatan, catat_tinjauan_kurva_keberatan,
    tutup_jendela_keberatan,
    tandatangani, publikasikan_unit, publikasikan_jika_lengkap,
    buat_rencana_pengembangan, evaluasi_masa_perbaikan, catat_talent_pool,
    akui_rencana_pengembangan, catat_rekomendasi_tpk, catat_keputusan_ppk, catat_penilaian_parsial,
    tambah_durasi)}


def register_all() -> None:
    """Register the set with the script sandbox (idempotent: registering again replaces the same functions)."""
    for name, fn in FUNCTIONS.items():
        register_function(name, fn)
