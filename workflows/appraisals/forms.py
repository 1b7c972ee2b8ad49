"""The appraisal's custom forms (formKey without formData): what each accepts, checked before the task moves.

`skp_editor` (the SKP plan), `realisasi_editor` (a period's realisations), `pilih_rekan` (the raters of
the multi-rater feedback) and `penyesuaian_predikat` (a calibration's adjustments) are JSON objects a JSON
Schema describes; references (an IKI of this SKP, an RHK of the superior, a rater who is an active
employee, an employee of the calibration) are checked against the records. A refusal is `form_invalid`
with the path of every bad value, and the task stays as it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import FormInvalid
from engine.forms import custom as custom_forms
from engine.runtime.lifecycle import instances

from ..models import Employee, Unit
from ..models.skp import ANNEX_KINDS, APPROACHES, ASPECTS, BERAKHLAK, EXPECTATIONS, PREDIKATS, RHK_KINDS, Rhk
from ..planning.plan_checks import check_realisasi, check_skp_editor
from ..planning.skp import skp_of_instance

TEXT = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"}
OPTIONAL_TEXT = {"type": ["string", "null"], "maxLength": 2000}
AMOUNT = {"anyOf": [{"type": "number"}, {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}]}
#: A realisation value; blank or null when `catatan` explains why there is none (checked in plan_checks).
OPTIONAL_AMOUNT = {"anyOf": [{"type": "number"}, {"type": "string", "maxLength": 200}, {"type": "null"}]}
IDENTITY = {"type": "string", "pattern": r"^[0-9]{18}$"}

#: An item's record id: given back on resubmission so a returned SKP keeps its RHK and IKI ids.
RECORD_ID = {"type": ["integer", "null"], "minimum": 1}

IKI = {"type": "object", "additionalProperties": False, "required": ["uraian", "target"], "properties": {
    "id": RECORD_ID, "uraian": TEXT, "target": AMOUNT, "satuan": {"type": ["string", "null"], "maxLength": 50},
    "aspek": {"enum": list(ASPECTS)}}}

RHK = {"type": "object", "additionalProperties": False, "required": ["uraian"],
       "anyOf": [{"required": ["iki"]}, {"required": ["target"]}],
       "properties": {
           "id": RECORD_ID, "jenis": {"enum": list(RHK_KINDS)}, "uraian": TEXT, "target": AMOUNT,
           "perspektif": {"type": ["string", "null"], "maxLength": 100},
           "rhk_atasan_id": {"type": ["integer", "null"], "minimum": 1},
           # Why this RHK intervenes on no RHK of the superior (required then, when the superior has RHK).
           "alasan_tanpa_intervensi": OPTIONAL_TEXT,
           "iki": {"type": "array", "minItems": 1, "maxItems": 20, "items": IKI}}}

SKP_EDITOR = {
    "title": "Rancangan SKP", "type": "object", "additionalProperties": False, "required": ["skp"],
    "properties": {"skp": {"type": "object", "additionalProperties": False, "required": ["rhk"], "properties": {
        "pendekatan": {"enum": list(APPROACHES)},
        "rhk": {"type": "array", "minItems": 1, "maxItems": 50, "items": RHK},
        "perilaku": {"type": "object", "propertyNames": {"enum": list(BERAKHLAK)}, "additionalProperties": TEXT},
        "lampiran": {"type": "object", "propertyNames": {"enum": list(ANNEX_KINDS)},
                     "additionalProperties": TEXT}}},
        # Shown, never taken from the submission: the appraiser's note when the SKP came back.
        "catatan_skp": {"type": ["string", "null"], "readOnly": True, "title": "Catatan pejabat penilai"},
        # Shown: the superior's RHK of the year a staff RHK can intervene on (the cascade).
        "rhk_atasan": {"type": ["array", "null"], "readOnly": True, "title": "RHK atasan"}}}

REALISASI_EDITOR = {
    "title": "Realisasi periode", "type": "object", "additionalProperties": False, "required": ["realisasi"],
    "properties": {"realisasi": {"type": "array", "maxItems": 200, "items": {
        "type": "object", "additionalProperties": False, "required": ["iki_id"], "properties": {
            "iki_id": {"type": "integer", "minimum": 1}, "nilai": OPTIONAL_AMOUNT,
            "bukti_dukung": {"type": ["string", "null"], "maxLength": 1000, "pattern": r"^(https?://\S+)?$"},
            "catatan": OPTIONAL_TEXT}}}}}

EXPECTATION = {"enum": list(EXPECTATIONS)}
PER_VALUE = {"type": "object", "additionalProperties": False, "required": list(BERAKHLAK),
             "properties": {code: EXPECTATION for code in BERAKHLAK}}

#: The parts next to the generated fields of *Nilai hasil kerja dan perilaku* (the overall ratings).
RATING_FILE = {"type": ["object", "null"], "readOnly": True, "title": "Berkas penilaian"}

PENILAIAN_RINCI = {
    "title": "Penilaian per RHK dan per nilai BerAKHLAK", "type": "object", "additionalProperties": False,
    "required": ["penilaian_rhk", "penilaian_perilaku"],
    "properties": {
        "penilaian_rhk": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
            "type": "object", "additionalProperties": False, "required": ["rhk_id", "rating"], "properties": {
                "rhk_id": {"type": "integer", "minimum": 1}, "rating": EXPECTATION, "catatan": OPTIONAL_TEXT}}},
        "penilaian_perilaku": PER_VALUE,
        # Shown, never taken from the submission: the year's record the appraiser judges (rating_file).
        "berkas_penilaian": RATING_FILE}}

#: A unit head's results rating is the unit's: only the behaviour values are rated one by one.
PENILAIAN_PERILAKU_RINCI = {
    "title": "Penilaian per nilai BerAKHLAK", "type": "object", "additionalProperties": False,
    "required": ["penilaian_perilaku"], "properties": {"penilaian_perilaku": PER_VALUE,
                                                        "berkas_penilaian": RATING_FILE}}

#: The custom part of *Tinjau SKP*: the leader's specific expectation per BerAKHLAK value (each optional).
EKSPEKTASI_PIMPINAN = {
    "title": "Ekspektasi khusus pimpinan", "type": "object", "additionalProperties": False,
    "properties": {"ekspektasi_pimpinan": {"type": "object", "propertyNames": {"enum": list(BERAKHLAK)},
                                           "additionalProperties": TEXT},
                   # Shown, never taken from the submission: the SKP as submitted, which the appraiser judges.
                   "skp_diajukan": {"type": ["object", "null"], "readOnly": True, "title": "SKP yang diajukan"}}}

PENYESUAIAN_PREDIKAT = {
    "title": "Penyesuaian predikat", "type": "object", "additionalProperties": False, "required": ["penyesuaian"],
    "properties": {"penyesuaian": {"type": "object", "minProperties": 1, "maxProperties": 500,
                                   "propertyNames": IDENTITY, "additionalProperties": {"enum": list(PREDIKATS)}},
                   # The written reason per changed NIP (SE MenPANRB 3/2023): shown to the employee.
                   "alasan_penyesuaian": {"type": "object", "maxProperties": 500, "propertyNames": IDENTITY,
                                          "additionalProperties": TEXT},
                   # Shown, never taken from the submission: what the leader calibrates (NIP -> predikat).
                   "usulan": {"type": ["object", "null"], "readOnly": True, "title": "Predikat usulan penilai"},
                   "penilaian": {"type": ["object", "null"], "readOnly": True, "title": "Predikat saat ini"},
                   "hasil_kurva": {"type": ["string", "null"], "readOnly": True, "title": "Hasil pemeriksaan kurva"}}}

PILIH_REKAN = {
    "title": "Rekan penilai", "type": "object", "additionalProperties": False, "required": ["daftar_rekan"],
    "properties": {
        "daftar_rekan": {"type": "array", "minItems": 1, "maxItems": 20, "uniqueItems": True, "items": IDENTITY},
        # Only for a public-service unit: the public's view, e.g. the averages of a satisfaction survey.
        "umpan_balik_publik": {
            "type": "object", "additionalProperties": False, "required": ["sumber", "nilai"], "properties": {
                "sumber": TEXT,
                "nilai": {"type": "object", "minProperties": 1, "propertyNames": {"enum": list(BERAKHLAK)},
                          "additionalProperties": {"type": "number", "minimum": 1, "maximum": 5}}}}}}


def _refuse(path: str, code: str, message: str) -> None:
    raise FormInvalid({path: [{"code": code, "message": message}]})


def check_rhk_ratings(session: Session, instance_id: int, data: dict[str, Any]) -> None:
    """Every RHK of this instance's SKP is rated, once, and nothing else."""
    skp = skp_of_instance(session, instance_id)
    own = [] if skp is None else list(session.execute(
        select(Rhk.id).where(Rhk.skp_id == skp.id).order_by(Rhk.id)).scalars())
    given = [item["rhk_id"] for item in data["penilaian_rhk"]]
    for i, rhk_id in enumerate(given):
        if rhk_id not in own:
            _refuse(f"penilaian_rhk/{i}/rhk_id", "unknown_record", f"RHK {rhk_id} is not part of this SKP")
        if rhk_id in given[:i]:
            _refuse(f"penilaian_rhk/{i}/rhk_id", "duplicate", f"RHK {rhk_id} is rated twice")
    missing = [rhk_id for rhk_id in own if rhk_id not in given]
    if missing:
        _refuse("penilaian_rhk", "incomplete", f"RHK {', '.join(map(str, missing))} not rated")


def check_raters(session: Session, instance_id: int, data: dict[str, Any]) -> None:
    """Raters are active employees other than the one appraised; public feedback is for public services."""
    nips = data["daftar_rekan"]
    found = {e.nip: e for e in session.execute(select(Employee).where(Employee.nip.in_(nips))).scalars()}
    skp = skp_of_instance(session, instance_id)
    if data.get("umpan_balik_publik") and skp is not None:
        unit = session.get(Unit, skp.unit_id)
        if unit is None or not unit.public_service:
            _refuse("umpan_balik_publik", "not_public_service",
                    "public feedback counts only for a public-service unit (LAYANAN_PUBLIK)")
    for i, nip in enumerate(nips):
        employee = found.get(nip)
        if employee is None or employee.status != "aktif":
            _refuse(f"daftar_rekan/{i}", "unknown_record", f"{nip} is not an active employee")
        if skp is not None and employee.id == skp.employee_id:
            _refuse(f"daftar_rekan/{i}", "self", "an employee cannot rate themselves")


def check_adjustment(session: Session, instance_id: int, data: dict[str, Any]) -> None:
    """Only employees the calibration covers (its `pegawai`) can be adjusted, each change with its reason."""
    variables = instances.variables(instances.load(session, instance_id))
    covered = set(variables.get("pegawai") or [])
    current = variables.get("penilaian") or {}
    reasons = data.get("alasan_penyesuaian") or {}
    for nip, predikat in data["penyesuaian"].items():
        if nip not in covered:
            _refuse(f"penyesuaian/{nip}", "unknown_record", f"{nip} is not an employee of this calibration")
        if predikat != current.get(nip) and nip not in reasons:
            _refuse(f"alasan_penyesuaian/{nip}", "required",
                    f"alasan wajib diisi: predikat {nip} diubah dari {current.get(nip)} menjadi {predikat}")


FORMS = {"skp_editor": (SKP_EDITOR, check_skp_editor), "realisasi_editor": (REALISASI_EDITOR, check_realisasi),
         "pilih_rekan": (PILIH_REKAN, check_raters),
         "penyesuaian_predikat": (PENYESUAIAN_PREDIKAT, check_adjustment),
         "penilaian_rinci": (PENILAIAN_RINCI, check_rhk_ratings),
         "penilaian_perilaku_rinci": (PENILAIAN_PERILAKU_RINCI, None),
         "ekspektasi_pimpinan": (EKSPEKTASI_PIMPINAN, None)}


def register_all() -> None:
    """Register the custom forms with the engine (idempotent)."""
    for key, (schema, check) in FORMS.items():
        custom_forms.register(key, schema, check)
