"""The session signing key: weak keys refused, a missing key generated once and shared, forged cookies useless."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.demo_city import Browser
from webui import create_app
from webui.cli import main
from webui.deployment import KEY_FILE, DeploymentError, instance_key

OLD_DEFAULT = "dev-only-change-me"


def app_in(folder: Path, **overrides) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{folder}/k.db", "INSTANCE_PATH": str(folder), **overrides})


def test_without_a_key_one_is_generated_private_to_its_owner_and_kept(tmp_path: Path):
    first = app_in(tmp_path)
    key_file = tmp_path / KEY_FILE
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app_in(tmp_path).secret_key == first.secret_key  # a restart keeps everyone signed in
    assert app_in(tmp_path / "other").secret_key != first.secret_key


def test_workers_starting_together_all_get_the_same_key(tmp_path: Path):
    with ProcessPoolExecutor(max_workers=2) as pool:
        keys = set(pool.map(instance_key, [tmp_path] * 8))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no half-written drafts left behind


@pytest.mark.parametrize(("key", "words"), [
    (OLD_DEFAULT, "a published example value"),
    ("test-secret", "a published example value"),
    ("Xk3-short-but-random", "shorter than 32 characters"),
    ("a" * 64, "fewer than 10 different characters"),
    ("0123" * 16, "fewer than 10 different characters"),
])
def test_a_weak_key_is_refused_unless_debugging_or_testing_and_never_in_production(tmp_path: Path, key, words):
    with pytest.raises(DeploymentError, match=words):
        app_in(tmp_path, SECRET_KEY=key)
    with pytest.raises(DeploymentError, match=words):
        app_in(tmp_path, SECRET_KEY=key, TESTING=True, ENV="production")
    assert app_in(tmp_path, SECRET_KEY=key, TESTING=True).secret_key == key
    assert not (tmp_path / KEY_FILE).exists()


def test_a_strong_key_is_used_as_given(tmp_path: Path):
    key = "kY8#vQ2@zL5!wN9$rT1^mB4&hD7*gF0%"
    assert app_in(tmp_path, SECRET_KEY=key, ENV="production").secret_key == key


def test_an_unknown_mode_is_refused(tmp_path: Path):
    with pytest.raises(DeploymentError, match="KINERJA_ENV='prod' is not one of development, production"):
        app_in(tmp_path, ENV="prod")


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_key_file_others_can_read_or_a_damaged_one_is_refused(tmp_path: Path):
    app_in(tmp_path)
    key_file = tmp_path / KEY_FILE
    key_file.chmod(0o644)
    with pytest.raises(DeploymentError, match="can be read by other users of this machine: run chmod 600"):
        app_in(tmp_path)
    key_file.chmod(0o600)
    key_file.write_text("short\n")
    with pytest.raises(DeploymentError, match="is shorter than 32 characters: delete the file"):
        app_in(tmp_path)


def test_the_cli_names_the_weak_key_in_one_line_and_does_nothing(tmp_path: Path):
    env = {"KINERJA_SECRET_KEY": OLD_DEFAULT, "KINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
           "KINERJA_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: KINERJA_SECRET_KEY is a published example value")
    assert "Traceback" not in result.output and not (tmp_path / "k.db").exists()


def test_a_cookie_signed_with_the_old_default_key_opens_no_session(demo_url: str, make_app: Callable[..., Flask],
                                                                    tmp_path: Path):
    weak = make_app(demo_url, SECRET_KEY=OLD_DEFAULT)
    weak.test_client_class = Browser
    signed_in: Browser = weak.test_client()  # type: ignore[assignment]
    assert signed_in.sign_in("inspektorat").status_code == 302
    cookie = signed_in.get_cookie("session")
    assert cookie is not None

    def visit(app: Flask) -> int:
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        return client.get("/audit/").status_code

    assert visit(make_app(demo_url, SECRET_KEY=OLD_DEFAULT)) == 200  # the forgery works where the key is known
    generated = make_app(demo_url, SECRET_KEY="", TESTING=False, INSTANCE_PATH=str(tmp_path / "instance"))
    assert visit(generated) == 302  # ... and not on an app left without a key


def test_an_instance_folder_the_key_cannot_be_written_to_is_a_clear_error(tmp_path: Path):
    (tmp_path / "taken").write_text("a file where the folder should be")
    with pytest.raises(DeploymentError, match=r"cannot create the secret key file .*; make the instance folder"):
        app_in(tmp_path / "taken" / "instance")
