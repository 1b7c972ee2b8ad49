"""Process owners compare two versions of a process and move its running instances from one to the other."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engine.definitions import diff as definition_diff
from engine.definitions.xmlsafe import XmlRefused
from engine.errors import KinerjaError, NotFound
from engine.models import SpecVersion
from engine.runtime.lifecycle import migration_bulk

from ..auth.users import me
from ..extensions import db
from ..messages import error_text
from . import bp
from .access import owner_required

#: Who may see and change process definitions, their instances and incidents.
#: The instances the diff page checks for a move.
DIFF_INSTANCES = 100
#: The instances the migration page's dry run checks (each costs a workflow restore); the run checks every one.
DRY_RUN_INSTANCES = 300
#: The session key of a running bulk migration: its progress between chunks.
RUN = "migration_run"


def _versions(process_id: str) -> list[int]:
    """Return the deployed version numbers of a process, newest first; 404 for an unknown process."""
    numbers = list(db.session.execute(select(SpecVersion.version).where(SpecVersion.process_id == process_id)
                                      .order_by(SpecVersion.version.desc())).scalars())
    if not numbers:
        abort(404)
    return numbers


def _pair(versions: list[int]) -> tuple[int, int]:
    """Return the (from, to) versions asked for; by default the one before the latest, and the latest."""
    to_version = request.args.get("ke", versions[0], type=int)
    from_version = request.args.get("dari", versions[1] if len(versions) > 1 else versions[0], type=int)
    if from_version not in versions or to_version not in versions:
        abort(404)
    return from_version, to_version


def why_not(outcome: migration_bulk.Outcome) -> str:
    """Return in words why an instance cannot move."""
    if outcome.lost:
        return _("It has already run %(steps)s, which the new version no longer has.", steps=", ".join(outcome.lost))
    if outcome.waiting:
        return _("It waits at %(steps)s, which the new version no longer has.", steps=", ".join(outcome.waiting))
    return _("It cannot move: %(message)s", message=outcome.why_not or "")


def _check(process_id: str, from_version: int, to_version: int, limit: int | None
           ) -> tuple[migration_bulk.BulkResult | None, str | None]:
    """Return the dry run of a move (or None and the refusal's sentence); nothing is written."""
    if from_version == to_version:
        return None, None
    try:
        return migration_bulk.migrate_many(db.session, process_id, from_version, to_version, me().username, "",
                                           dry_run=True, limit=limit), None
    except KinerjaError as exc:
        return None, error_text(exc)
    finally:
        db.session.rollback()


def instance_status(status: str) -> str:
    """Return an instance status in words."""
    words = {"running": _("running"), "waiting": _("waiting"), "error": _("in error"), "suspended": _("suspended"),
             "completed": _("completed"), "terminated": _("terminated")}
    return words.get(status, status)


@bp.context_processor
def _words() -> dict[str, Any]:
    """Give the templates the words for a refusal, and whether the definitions list exists to link to."""
    return {"why_not": why_not, "instance_status": instance_status,
            "has_definitions_index": "definitions.index" in current_app.view_functions}


@bp.get("/<process_id>/diff")
@owner_required
def diff(process_id: str) -> ResponseReturnValue:
    """Show two versions of a process side by side, the table of changes, and which instances can move."""
    versions = _versions(process_id)
    from_version, to_version = _pair(versions)
    results = definition_diff.diff_versions(db.session, process_id, from_version, to_version)
    return _diff_page(process_id, versions, from_version, to_version, results)


def _diff_page(process_id: str, versions: list[int], from_version: int, to_version: int,
               results: list[definition_diff.ProcessDiff] | None = None, upload: str | None = None,
               upload_name: str = "", errors: dict[str, list[str]] | None = None, status: int = 200
               ) -> ResponseReturnValue:
    """Render the diff of two versions, or of a version and an uploaded file (no instances then)."""
    check, refusal = (None, None) if upload is not None or results is None else _check(
        process_id, from_version, to_version, DIFF_INSTANCES)
    # The diagrams draw the process itself; changes in called processes are in the table only.
    marks = {change.element_id: change.kind for change in results[0].changes} if results else {}
    return render_template("definitions/diff.html", process_id=process_id, versions=versions, results=results,
                           from_version=from_version, to_version=to_version, check=check, refusal=refusal,
                           marks=marks, limit=DIFF_INSTANCES, upload=upload, upload_name=upload_name,
                           errors=errors or {}), status


@bp.post("/<process_id>/diff")
@owner_required
def diff_file(process_id: str) -> ResponseReturnValue:
    """Compare an uploaded BPMN file with a deployed version, before deploying it; nothing is stored."""
    versions = _versions(process_id)
    version = request.form.get("versi", versions[0], type=int)
    if version not in versions:
        abort(404)
    upload = request.files.get("berkas")
    data = upload.read() if upload is not None else b""
    errors: dict[str, list[str]] = {}
    result = None
    if not data:
        errors["berkas"] = [_("Choose a BPMN file to compare.")]
    else:
        try:
            result = definition_diff.diff_upload(db.session, process_id, data, version, upload.filename or "",
                                                 int(current_app.config["KINERJA_MAX_BPMN_BYTES"]))
        except XmlRefused as exc:
            errors["berkas"] = [_("The file is not valid BPMN XML (line %(line)s).", line=exc.line or 1)]
        except NotFound:
            errors["berkas"] = [_("The file does not define the process %(process)s.", process=process_id)]
    if result is None:
        return _diff_page(process_id, versions, version, version, errors=errors, status=400)
    return _diff_page(process_id, versions, version, version, results=[result], upload=data.decode("utf-8", "replace"),
                      upload_name=upload.filename if upload is not None else "")


@bp.get("/<process_id>/diff/<int:version>.bpmn")
@owner_required
def diff_xml(process_id: str, version: int) -> ResponseReturnValue:
    """Serve the XML of a version's process file, for the diagrams of the diff page."""
    try:
        found = definition_diff.version_of(db.session, process_id, version)
    except KinerjaError:
        abort(404)
    return definition_diff.main_xml(found), 200, {"Content-Type": "application/xml; charset=utf-8"}


def _migration_page(process_id: str, versions: list[int], from_version: int, to_version: int,
                    errors: dict[str, list[str]] | None = None, reason: str = "", status: int = 200
                    ) -> ResponseReturnValue:
    progress = session.get(RUN)
    if progress and progress.get("process") != process_id:
        progress = None
    check, refusal, total = None, None, 0
    if not progress or progress.get("done"):  # no dry run between the chunks of a run: it would slow them
        check, refusal = _check(process_id, from_version, to_version, DRY_RUN_INSTANCES)
        total = migration_bulk.unfinished_count(db.session, process_id, from_version)
    return render_template("definitions/migration.html", process_id=process_id, versions=versions,
                           from_version=from_version, to_version=to_version, check=check, refusal=refusal,
                           errors=errors or {}, reason=reason, progress=progress, total=total,
                           limit=DRY_RUN_INSTANCES), status


@bp.get("/<process_id>/migrasi")
@owner_required
def migration(process_id: str) -> ResponseReturnValue:
    """Choose two versions, see the dry run, give a reason and move; a run in progress shows its progress."""
    versions = _versions(process_id)
    from_version, to_version = _pair(versions)
    return _migration_page(process_id, versions, from_version, to_version)


def _chunk(progress: dict[str, Any]) -> None:
    """Move the next chunk of a run, commit it, and update the run's progress in the session."""
    result = migration_bulk.migrate_many(
        db.session, progress["process"], progress["from"], progress["to"], me().username, progress["reason"],
        dry_run=False, limit=int(current_app.config.get("KINERJA_MIGRATION_CHUNK", 50)), after_id=progress["after"])
    db.session.commit()
    progress.update(after=result.last_id or progress["after"], moved=progress["moved"] + len(result.movable),
                    refused=progress["refused"] + len(result.refused), done=result.remaining == 0)
    session[RUN] = progress


@bp.post("/<process_id>/migrasi")
@owner_required
def migrate(process_id: str) -> ResponseReturnValue:
    """Start a bulk migration with a reason: the first chunk now, the rest as the page continues."""
    versions = _versions(process_id)
    from_version = request.form.get("dari", type=int)
    to_version = request.form.get("ke", type=int)
    if from_version not in versions or to_version not in versions or from_version is None or to_version is None:
        abort(404)
    reason = request.form.get("alasan", "").strip()
    if not reason:
        return _migration_page(process_id, versions, from_version, to_version,
                               {"alasan": [_("Give the reason for the migration.")]}, status=400)
    if from_version == to_version:
        return _migration_page(process_id, versions, from_version, to_version,
                               {"ke": [_("Choose a version other than the source version.")]}, reason, 400)
    total = migration_bulk.unfinished_count(db.session, process_id, from_version)
    progress = {"process": process_id, "from": from_version, "to": to_version, "reason": reason, "after": None,
                "moved": 0, "refused": 0, "total": total, "done": False}
    _chunk(progress)
    return redirect(url_for(".migration", process_id=process_id, dari=from_version, ke=to_version), 303)


@bp.post("/<process_id>/migrasi/lanjut")
@owner_required
def migrate_more(process_id: str) -> ResponseReturnValue:
    """Move the next chunk of the run in progress (the page posts this until the run is done)."""
    progress = session.get(RUN)
    if not progress or progress.get("process") != process_id:
        abort(404)
    if not progress["done"]:
        _chunk(dict(progress))
    progress = session[RUN]
    return redirect(url_for(".migration", process_id=process_id, dari=progress["from"], ke=progress["to"]), 303)


@bp.post("/<process_id>/migrasi/selesai")
@owner_required
def migration_dismiss(process_id: str) -> ResponseReturnValue:
    """Put away the result of a finished run."""
    progress = session.get(RUN)
    if progress and progress.get("process") == process_id and progress.get("done"):
        session.pop(RUN)
    return redirect(url_for(".migration", process_id=process_id), 303)
