"""The `kinerja` console script: Flask's CLI group on this app (so `flask --app wsgi ...` works too)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from engine.setting_values import SettingInvalid


def _create_app():  # type: ignore[no-untyped-def]
    from webui import create_app
    try:
        return create_app()
    except SettingInvalid as wrong:  # an operator's typo: the sentence, not a traceback
        click.echo(f"Error: {wrong}", err=True)
        raise SystemExit(2) from None


main = FlaskGroup(create_app=_create_app, add_version_option=False,
                  help="Kinerja: the performance-management workflow engine of Pemerintah Kota Samarinda.")
