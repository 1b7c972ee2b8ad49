"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from webui import create_app

app = create_app()
