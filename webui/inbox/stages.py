"""The names of the stages (the process that holds a task) and notification kinds, as users know them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Stage names by process id; a process not listed shows its own id.
STAGES = {
    "siklus_kinerja": _l("Annual performance cycle"),
    "perencanaan_skp": _l("SKP planning"),
    "pemantauan_kinerja": _l("Performance monitoring"),
    "umpan_balik_rekan": _l("Peer feedback"),
    "penilaian_kinerja": _l("Performance rating"),
    "keberatan": _l("Keberatan (appeal)"),
    "persetujuan": _l("Evaluation document approval"),
    "tindak_lanjut": _l("Follow-up"),
    "penilaian_parsial": _l("Partial-period rating (transfer)"),
    "kalibrasi_unit": _l("Calibration"),
    "capaian_unit_periodik": _l("Unit performance achievement"),
}

#: What a notification says happened, by kind.
NOTICE_KINDS = {
    "task_created": _l("New task"),
    "reminder": _l("Reminder"),
    "escalation": _l("Escalation"),
}


def stage_name(process_id: str) -> str:
    """Return the stage name of a process id."""
    return str(STAGES.get(process_id, process_id))
