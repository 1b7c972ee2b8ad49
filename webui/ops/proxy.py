"""Behind a reverse proxy: believe the X-Forwarded-* headers of exactly TRUSTED_PROXIES proxies (ProxyFix)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """Take the client's address, scheme and host from the trusted proxies' headers, when there are any.

    The per-address sign-in limits and the /metrics allow-list read `request.remote_addr`; without this,
    behind nginx every request would come from nginx's address.
    """
    count = int(app.config["KINERJA_TRUSTED_PROXIES"])
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
