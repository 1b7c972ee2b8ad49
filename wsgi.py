"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

from engine.setting_values import SettingInvalid
from webui import create_app
from webui.deployment import DeploymentError

try:
    app = create_app()
except (SettingInvalid, DeploymentError) as wrong:
    # A wrong setting stops the server with its sentence; 3 is gunicorn's "worker failed to boot",
    # which stops the master too instead of starting workers that fail again and again.
    print(f"kinerja: {wrong}", file=sys.stderr)
    raise SystemExit(3) from None
