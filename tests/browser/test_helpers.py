"""The browser checks catch what they promise to: axe violations, CSP refusals, pages too wide for a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from webui.security import CSP

from .helpers import check_accessibility, screenshot, watch

SITE = "http://kinerja.test/"


@pytest.fixture
def bare_page(browser: Any) -> Iterator[Any]:
    """A page whose responses the test writes itself (no server, no database)."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def serve(page: Any, body: str) -> None:
    """Answer every request of the page with body, under the app's CSP."""
    page.route("**/*", lambda route: route.fulfill(
        status=200, content_type="text/html", body=body, headers={"Content-Security-Policy": CSP}))
    page.goto(SITE)


def test_axe_failures_name_the_rule_and_the_element(bare_page: Any) -> None:
    serve(bare_page, '<!doctype html><html lang="id"><head><title>t</title></head><body><main>'
                     '<h1>Masuk</h1><input id="nip" type="text"></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        check_accessibility(bare_page)
    assert "label" in str(failure.value) and "#nip" in str(failure.value)


def test_a_clean_page_passes_axe_under_the_strict_csp(bare_page: Any) -> None:
    serve(bare_page, '<!doctype html><html lang="id"><head><title>t</title></head><body><main>'
                     '<h1>Masuk</h1><label for="nip">NIP</label><input id="nip" type="text"></main></body></html>')
    check_accessibility(bare_page)


def test_an_inline_script_refused_by_the_csp_is_reported(bare_page: Any) -> None:
    problems = watch(bare_page)
    serve(bare_page, '<!doctype html><html lang="id"><body><script>document.title = "x"</script></body></html>')
    bare_page.wait_for_timeout(100)
    assert problems.errors and "Content Security Policy" in problems.errors[0]


def test_a_page_wider_than_a_phone_fails_the_screenshot(bare_page: Any) -> None:
    serve(bare_page, '<!doctype html><html lang="id"><body><div style="width: 800px">lebar</div></body></html>')
    with pytest.raises(AssertionError, match="phone width 390"):
        screenshot(bare_page, "too-wide")
