"""Editing in the browser: the modeler, "Simpan & periksa" (the CLI's validation as JSON), deploy, upload."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.definitions import specs
from engine.definitions.specs import DeployResult
from engine.errors import ValidationFailed
from engine.models import SpecVersion

from ..auth.users import me
from ..extensions import db
from . import bp, catalog, checking
from .access import owner_required


def _max_bytes() -> int:
    return int(current_app.config["KINERJA_MAX_BPMN_BYTES"])


@bp.get("/<process_id>/<int:number>/ubah")
@owner_required
def edit(process_id: str, number: int) -> ResponseReturnValue:
    """Open a version's process file (or, with `berkas`, one of its DMN files) in the modeler."""
    version = catalog.version_of(db.session, process_id, number)
    if version is None:
        abort(404)
    name = request.args.get("berkas") or version.main_file
    if name not in version.files:
        abort(404)
    return _modeler(version, name, version.files[name])


@bp.get("/modeler")
@owner_required
def blank() -> ResponseReturnValue:
    """Open the modeler on a file from the owner's computer (read in the browser, nothing sent until checked)."""
    return _modeler(None, "", "")


def _modeler(version: SpecVersion | None, name: str, xml: str, problems: list[dict[str, Any]] | None = None,
             status: int = 200) -> ResponseReturnValue:
    return render_template("definitions/modeler.html", version=version, name=name, xml=xml,
                           kind=catalog.file_kind(name or "x.bpmn"), problems=problems), status


def _posted() -> tuple[SpecVersion | None, str, bytes]:
    """Return the base version, the file name and the XML a modeler form posted (404 on a foreign version)."""
    # Flask keeps form fields under 500 kB; a diagram may be as large as the deploy limit (refused beyond it).
    request.max_form_memory_size = _max_bytes() + 1024
    version = None
    base = request.form.get("base", type=int)
    if base is not None:
        version = db.session.get(SpecVersion, base)
        if version is None:
            abort(404)
    name = request.form.get("file", "").strip()
    if version is not None and name not in version.files:
        abort(404)
    if version is None:
        name = checking.safe_name(name) or "diagram.bpmn"
    return version, name, request.form.get("xml", "").encode("utf-8")


@bp.post("/periksa")
@owner_required
def check() -> ResponseReturnValue:
    """Check posted XML with the opened version's other files; answer the problems as JSON (nothing stored)."""
    version, name, xml = _posted()
    refused = checking.refusals({name: xml}, _max_bytes())
    if refused:
        return jsonify(ok=False, refused=refused[name], problems=[])
    files = checking.working_set(version, name, xml)
    checked, problems = checking.check(files, _max_bytes())
    return jsonify(ok=checked is not None, problems=problems, files=sorted(files),
                   processes=checked.process_ids if checked is not None else [])


@bp.post("/deploy")
@owner_required
def deploy() -> ResponseReturnValue:
    """Deploy checked XML: validated again, then a new version of each changed process, audited."""
    version, name, xml = _posted()
    refused = checking.refusals({name: xml}, _max_bytes())
    if refused:
        flash(refused[name], "danger")
        return _modeler(version, name, xml.decode("utf-8", "replace"), [], 422)
    files = checking.working_set(version, name, xml)
    try:
        results = _deploy(files)
    except ValidationFailed:
        problems = checking.check(files, _max_bytes())[1]
        flash(_("Nothing was deployed: the file has problems. Fix them and check again."), "danger")
        return _modeler(version, name, xml.decode("utf-8", "replace"), problems, 422)
    db.session.commit()
    _say(results)
    return redirect(url_for("definitions.index"), 303)


def _deploy(files: dict[str, bytes]) -> list[DeployResult]:
    return specs.deploy(db.session, files, me().username, max_bytes=_max_bytes(),
                        strict=checking.is_strict(sorted(files)))


def _say(results: list[DeployResult]) -> None:
    """Flash what a deploy did, process by process."""
    for result in results:
        version = result.spec_version
        if result.created:
            flash(_("%(process)s: version %(version)s deployed.", process=version.process_id,
                    version=version.version), "success")
        else:
            flash(_("%(process)s: unchanged, already deployed as version %(version)s.",
                    process=version.process_id, version=version.version), "info")


@bp.route("/unggah", methods=["GET", "POST"])
@owner_required
def upload() -> ResponseReturnValue:
    """Upload .bpmn/.dmn files (as saved by Camunda Modeler): check them, or check and deploy them."""
    if request.method == "GET":
        return render_template("definitions/upload.html", refused={}, problems=None, error=None)
    uploads = [item for item in request.files.getlist("files") if item.filename]
    if not uploads:
        return render_template("definitions/upload.html", refused={}, problems=None,
                               error=_("Choose at least one .bpmn or .dmn file.")), 422
    files = {checking.safe_name(item.filename or ""): item.read(_max_bytes() + 1) for item in uploads}
    refused = checking.refusals(files, _max_bytes())
    if refused:
        return render_template("definitions/upload.html", refused=refused, problems=None, error=None), 422
    checked, problems = checking.check(files, _max_bytes())
    if checked is None or request.form.get("action") != "deploy":
        return render_template("definitions/upload.html", refused={}, problems=problems, error=None,
                               checked=sorted(files)), (422 if checked is None else 200)
    results = _deploy(files)
    db.session.commit()
    _say(results)
    return redirect(url_for("definitions.index"), 303)
