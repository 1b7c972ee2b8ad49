"""The `kinerja` console script: Flask's CLI group on this app (so `flask --app wsgi ...` works too)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from webui import create_app
    from webui.deployment import DeploymentError
    try:
        return create_app()
    except DeploymentError as exc:  # unsafe settings: one clear line, not a traceback
        raise click.ClickException(str(exc)) from None


main = FlaskGroup(create_app=_create_app, add_version_option=False,
                  help="Kinerja: the performance-management workflow engine of Pemerintah Kota Samarinda.")
