"""What every page of the audit area shares: only auditors get in, and the words for the codes shown."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workflows.appraisals.appraisal_access import ADMIN, INSPEKTORAT
from workflows.audit.audit_search import STATES
from workflows.audit.audit_trail import readable

from ..appraisals import labels
from ..auth.users import me
from ..extensions import login_manager
from ..inbox.stages import stage_name
from . import bp

#: Who may read the audit pages: city-wide auditors and the administrator.
AUDITORS = (INSPEKTORAT, ADMIN)



@bp.before_request
def _auditors_only() -> ResponseReturnValue | None:
    """Send a signed-out visitor to sign in; anyone but an auditor gets 404, as if the area did not exist."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if not me().has_role(*AUDITORS):
        abort(404)
    return None


def auditor_role() -> str:
    """Return the role in which the signed-in auditor reads (Inspektorat before admin)."""
    return INSPEKTORAT if me().has_role(INSPEKTORAT) else ADMIN


def page_size() -> int:
    """Return the number of rows of a page of the audit lists."""
    return max(int(current_app.config.get("KINERJA_AUDIT_PAGE_SIZE", 25)), 1)


def page_number() -> int:
    """Return the page asked for (from 1)."""
    return max(request.args.get("halaman", 1, type=int), 1)


def looked_at(data: dict[str, Any]) -> str:
    """Return what a `record_viewed` event says was looked at, in words."""
    what = str(labels.label(labels.VIEWED_LABELS, data.get("dilihat")))
    return f"{what} ({stage_name(data['proses'])})" if data.get("proses") else what


@bp.context_processor
def _words() -> dict[str, Any]:
    """Give the audit templates the words for the codes they show."""
    return {"label": labels.label, "event_labels": labels.EVENT_LABELS, "status_labels": labels.STATUS_LABELS,
            "role_labels": labels.ROLE_LABELS, "event_summary": labels.event_summary, "stage_name": stage_name,
            "looked_at": looked_at, "readable": readable, "pretty": labels.pretty, "states": STATES,
            "predikat_labels": labels.PREDIKAT_LABELS, "expectation_labels": labels.EXPECTATION_LABELS,
            "source_labels": labels.SOURCE_LABELS, "decision_labels": labels.DECISION_LABELS,
            "document_labels": labels.DOCUMENT_LABELS}
