"""The definition pages: every process with its versions, one version's diagram and tables, its files."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from . import bp, catalog
from .access import owner_required

#: Pages of the `migrate` part, linked only when they are there.
LATER_PAGES = ("definitions.diff", "definitions.migrate", "definitions.incidents")


@bp.app_context_processor
def _owner_links() -> dict[str, Any]:
    """Let templates ask whether a definitions page exists (pages other parts add are linked only then)."""
    def has_page(endpoint: str) -> bool:
        return endpoint in current_app.view_functions
    return {"has_page": has_page}


@bp.get("/")
@owner_required
def index() -> ResponseReturnValue:
    """List every deployed process with its versions, newest first, and their running instances."""
    return render_template("definitions/index.html", processes=catalog.processes(db.session))


def _version_or_404(process_id: str, number: int) -> Any:
    version = catalog.version_of(db.session, process_id, number)
    if version is None:
        abort(404)
    return version


@bp.get("/<process_id>/<int:number>")
@owner_required
def show(process_id: str, number: int) -> ResponseReturnValue:
    """Show one version: its diagram, its DMN tables and its files."""
    version = _version_or_404(process_id, number)
    files = sorted(version.files, key=lambda name: (name != version.main_file, catalog.file_kind(name), name))
    tables = [name for name in files if catalog.file_kind(name) == "dmn"]
    return render_template("definitions/show.html", version=version, files=files, tables=tables,
                           running=catalog.running_count(db.session, version.id), kind=catalog.file_kind)


@bp.get("/<process_id>/<int:number>/berkas/<path:filename>")
@owner_required
def download(process_id: str, number: int, filename: str) -> ResponseReturnValue:
    """Send one file of a version exactly as it was deployed."""
    version = _version_or_404(process_id, number)
    if filename not in version.files:
        abort(404)
    response = Response(version.files[filename], mimetype="application/xml")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{_plain(filename)}\""
    return response


def version_url(version: Any) -> str:
    """Return the page of a version."""
    return url_for("definitions.show", process_id=version.process_id, number=version.version)


def _plain(filename: str) -> str:
    """Return a file's own name, safe inside a quoted header value."""
    return filename.rsplit("/", 1)[-1].replace('"', "").replace("\\", "")
