"""The `kinerja` console script: Flask's CLI group on this app (so `flask --app wsgi ...` works too)."""

from __future__ import annotations

from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app()


main = FlaskGroup(create_app=_create_app, add_version_option=False,
                  help="Kinerja: the performance-management workflow engine of Pemerintah Kota Samarinda.")
