"""Security headers on every response: a strict CSP (no inline script), no framing, no sniffing."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response

#: Scripts and styles come from this app only (npm packages served by `webui.vendor`); bpmn-js draws
#: SVG with inline style attributes, hence `style-src-attr 'unsafe-inline'` and nothing broader.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def init_security(app: Flask) -> None:
    """Set the session cookie flags and add the security headers to every response."""
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["KINERJA_SESSION_COOKIE_SECURE"],
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_SECURE=app.config["KINERJA_SESSION_COOKIE_SECURE"],
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["KINERJA_SESSION_LIFETIME_HOURS"]))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            # Pages carry personal data: never kept by a shared browser or proxy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
