"""Fixtures of the API tests: bearer tokens of demo accounts and a client that sends them."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from webui.extensions import db
from workflows.models.org import UserAccount
from workflows.signin import api_tokens


def issue_token(app: Flask, username: str, name: str = "test") -> str:
    """Issue a token of a demo account, as `kinerja user token` does; return its secret."""
    with app.app_context():
        account = db.session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        _, secret = api_tokens.issue(db.session, account, name, "operator")
        db.session.commit()
        return secret


class ApiClient:
    """A test client that sends one bearer token with every call."""

    def __init__(self, client: FlaskClient, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def _headers(self, kwargs: dict[str, Any]) -> dict[str, str]:
        headers = dict(kwargs.pop("headers", {}))
        if self.secret is not None:
            headers["Authorization"] = f"Bearer {self.secret}"
        return headers

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET path with the token."""
        return self.client.get(path, headers=self._headers(kwargs), **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        """POST path with the token (json= for a JSON body)."""
        return self.client.post(path, headers=self._headers(kwargs), **kwargs)


def api_for(app: Flask, username: str) -> ApiClient:
    """Return an API client holding a fresh token of a demo account."""
    return ApiClient(app.test_client(), issue_token(app, username))
