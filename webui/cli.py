"""The `kinerja` console script: Flask's CLI group on this app (so `flask --app wsgi ...` works too)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from engine.setting_values import SettingInvalid


def _create_app():  # type: ignore[no-untyped-def]
    from webui import create_app
    from webui.deployment import DeploymentError
    try:
        return create_app()
    except (DeploymentError, SettingInvalid) as exc:
        # Unsafe or wrong settings: one clear line, not a traceback. SystemExit, because Flask prints the
        # traceback of any exception raised while it lists the commands (`kinerja` alone, `--help`).
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


main = FlaskGroup(create_app=_create_app, add_version_option=False,
                  help="Kinerja: the performance-management workflow engine of Pemerintah Kota Samarinda.")
