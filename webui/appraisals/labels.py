"""Words the appraisal page shows for the codes it reads: roles, audit events, statuses, predikat."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "pegawai": _l("Employee"),
    "pejabat_penilai": _l("Pejabat Penilai Kinerja"),
    "atasan_pejabat_penilai": _l("Atasan Pejabat Penilai"),
    "pengelola_kinerja": _l("Pengelola Kinerja"),
    "inspektorat": _l("Inspektorat"),
    "admin": _l("Administrator"),
}

#: Audit event types in words; an unknown type is shown as its code.
EVENT_LABELS = {
    "instance_started": _l("Appraisal cycle started"),
    "instance_completed": _l("Appraisal cycle finished"),
    "instance_suspended": _l("Appraisal cycle suspended"),
    "instance_resumed": _l("Appraisal cycle resumed"),
    "instance_terminated": _l("Appraisal cycle stopped"),
    "instance_failed": _l("Processing failed"),
    "instance_retried": _l("Processing retried"),
    "instance_migrated": _l("Moved to a new process version"),
    "task_created": _l("Task given"),
    "task_completed": _l("Task completed"),
    "task_cancelled": _l("Task withdrawn"),
    "task_claimed": _l("Task taken"),
    "task_unclaimed": _l("Task released"),
    "task_reassigned": _l("Task handed over"),
    "task_assignment_failed": _l("Task could not be assigned"),
    "task_name_failed": _l("Task title could not be made"),
    "external_task_created": _l("Automatic step queued"),
    "external_task_completed": _l("Automatic step done"),
    "external_task_failed": _l("Automatic step failed"),
    "external_task_cancelled": _l("Automatic step withdrawn"),
    "external_task_reopened": _l("Automatic step queued again"),
    "external_task_bpmn_error": _l("Automatic step reported a problem"),
    "external_task_unlocked": _l("Automatic step released"),
    "external_task_lock_extended": _l("Automatic step extended"),
    "task_data_confidential": _l("Confidential answers recorded"),
    "timer_fired": _l("Deadline or reminder reached"),
    "event_fired": _l("Event occurred"),
    "message_delivered": _l("Message received"),
    "message_undelivered": _l("Message not delivered"),
    "decision_evaluated": _l("Rule applied"),
    "script_failed": _l("Processing step failed"),
    "validation_failed": _l("Input refused"),
    "skp_opened": _l("SKP opened"),
    "skp_drafted": _l("SKP draft saved"),
    "skp_submitted": _l("SKP submitted"),
    "skp_returned": _l("SKP returned for revision"),
    "skp_agreed": _l("SKP agreed"),
    "skp_closed": _l("SKP closed"),
    "skp_expectations_set": _l("Leader's expectations set"),
    "periods_recorded": _l("Monitoring periods set"),
    "realisation_recorded": _l("Realisation recorded"),
    "feedback_given": _l("Feedback given"),
    "coaching_recorded": _l("Coaching recorded"),
    "rater_response_recorded": _l("Colleague's answers recorded"),
    "rating_recorded": _l("Rating recorded"),
    "predikat_changed": _l("Predikat set"),
    "appeal_window_opened": _l("Keberatan period opened"),
    "appeal_window_closed": _l("Keberatan period closed"),
    "appeal_filed": _l("Keberatan filed"),
    "appeal_explained": _l("Keberatan explanation given"),
    "appeal_decided": _l("Keberatan decided"),
    "appeal_decider_substituted": _l("Keberatan decider substituted"),
    "appeal_curve_checked": _l("Distribution checked after keberatan"),
    "appeal_curve_reviewed": _l("Distribution reviewed after keberatan"),
    "document_signed": _l("Document signed"),
    "result_published": _l("Result published"),
    "consent_given": _l("Consent to publish given"),
    "consent_revoked": _l("Consent to publish withdrawn"),
    "development_plan_created": _l("Development plan made"),
    "development_plan_acknowledged": _l("Development plan acknowledged"),
    "development_plan_evaluated": _l("Development plan evaluated"),
    "sanction_recommended": _l("Sanction recommended"),
    "sanction_decided": _l("Sanction decided"),
    "talent_pool_nominated": _l("Nominated to the talent pool"),
    "calibration_unit_set": _l("Calibration unit set"),
    "cycle_opened_late": _l("Cycle opened after its deadlines"),
    "unit_rating_set": _l("Unit performance rating set"),
    "unit_period_kind_set": _l("Unit monitoring period kind set"),
    "record_viewed": _l("Appraisal viewed"),
    # the employee's own data (workflows.data_protection.personal_data, workflows.data_protection.record_views)
    "personal_data_exported": _l("Own personal data downloaded"),
    "record_views_listed": _l("List of who viewed the appraisals read"),
}

STATUS_LABELS = {
    "draft": _l("Draft"), "diajukan": _l("Submitted"), "disetujui": _l("Agreed"), "dikembalikan": _l("Returned"),
    "ditutup": _l("Closed"), "running": _l("In progress"), "waiting": _l("Waiting"), "completed": _l("Finished"),
    "error": _l("Needs attention"), "suspended": _l("Suspended"), "terminated": _l("Stopped"),
}

PREDIKAT_LABELS = {
    "sangat_baik": _l("Sangat Baik"), "baik": _l("Baik"), "butuh_perbaikan": _l("Butuh Perbaikan"),
    "kurang_misconduct": _l("Kurang/Misconduct"), "sangat_kurang": _l("Sangat Kurang"),
}

EXPECTATION_LABELS = {"di_atas": _l("Above expectation"), "sesuai": _l("As expected"),
                      "di_bawah": _l("Below expectation")}

SOURCE_LABELS = {"rating": _l("Appraiser's rating"), "kalibrasi": _l("Unit calibration"),
                 "keberatan": _l("Keberatan decision")}

DOCUMENT_LABELS = {"skp": _l("SKP"), "dokumen_evaluasi": _l("Evaluation document")}

DECISION_LABELS = {"tetap": _l("Predikat upheld"), "ubah": _l("Predikat changed")}

#: The BerAKHLAK core values (their Indonesian names in every language).
BERAKHLAK_LABELS = {
    "berorientasi_pelayanan": _l("Berorientasi Pelayanan"), "akuntabel": _l("Akuntabel"),
    "kompeten": _l("Kompeten"), "harmonis": _l("Harmonis"), "loyal": _l("Loyal"), "adaptif": _l("Adaptif"),
    "kolaboratif": _l("Kolaboratif"),
}

VIEWED_LABELS = {"halaman": _l("the page"), "diagram": _l("the diagram"), "api": _l("the record, through the API"),
                 "api_riwayat": _l("the timeline, through the API"),
                 # what an auditor read on the audit pages (workflows.audit.audit_trail)
                 "jejak_audit": _l("the audit trail"), "berkas": _l("the case dossier")}


def label(labels: dict[str, Any], code: Any) -> Any:
    """Return the words for a code, or the code itself when it has none."""
    return labels.get(code, code) if code is not None else ""


def event_summary(event_type: str, data: dict[str, Any]) -> str:
    """Return the detail worth a line in the timeline: a task's name, a predikat, what was viewed."""
    if event_type == "record_viewed":
        viewed = str(label(VIEWED_LABELS, data.get("dilihat")))
        return f"{viewed} ({data['proses']})" if data.get("proses") else viewed
    if event_type == "predikat_changed":
        return str(label(PREDIKAT_LABELS, data.get("predikat")))
    for key in ("name", "task_name", "bpmn_id", "period", "periode", "periods", "document", "decision"):
        value = data.get(key)
        if value:
            return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return ""


def pretty(data: Any) -> str:
    """Return event data as indented JSON text for reading (the template escapes it)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
