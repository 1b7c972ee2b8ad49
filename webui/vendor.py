"""The npm packages the pages use, served by the app from `node_modules` (no CDN, nothing fetched at run time)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

#: Only these folders of these packages are served: their distributed files, not their sources.
PACKAGES = {
    "bootstrap": "dist",
    "bpmn-js": "dist",
    "dmn-js": "dist",
}


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str) -> ResponseReturnValue:
    """Serve a distributed file of an allowed npm package, cached for a day."""
    if package not in PACKAGES:
        abort(404)
    folder = Path(current_app.config["KINERJA_NODE_MODULES"]) / package / PACKAGES[package]
    return send_from_directory(folder, filename, max_age=86400)
