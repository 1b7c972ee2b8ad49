"""What browser tests do on a page: sign in, check accessibility with axe-core, save screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflows.organisation.demo_org import demo_password

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots for people to look at (gitignored): <name>-desktop.png and <name>-phone.png.
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: axe-core from package.json, installed by `make install`.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: WCAG 2.x level A and AA rules; violations of these impacts fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")


@dataclass
class BrowserProblems:
    """Script errors and CSP refusals a page reported while a test ran."""

    errors: list[str] = field(default_factory=list)


def watch(page: Any) -> BrowserProblems:
    """Collect the page's uncaught script errors and Content Security Policy refusals."""
    problems = BrowserProblems()

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.errors.append(f"{page.url}: {error}"))
    return problems


def sign_in(page: Any, username: str, password: str | None = None) -> None:
    """Sign in through the sign-in form as a demo account (its demo password unless given); wait for the inbox."""
    page.goto("/masuk")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password or demo_password(username))
    page.locator("main form button[type=submit]").click()
    if password is None:
        page.wait_for_url(re.compile(r"^(?!.*/masuk).*$"))


def check_accessibility(page: Any, exclude: list[str] | None = None) -> None:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is; fail on serious or critical violations, listed readably.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps
    its real CSP (an injected <script> tag would be refused by it).
    """
    assert AXE.exists(), f"{AXE} is missing: `make install` installs axe-core from package.json"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "html"
    results = page.evaluate("([context, options]) => window.axe.run(context, options)", [context, options])
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not failing, f"accessibility violations on {page.url}:\n" + "\n".join(_describe(v) for v in failing)


def _describe(violation: dict[str, Any]) -> str:
    """One violation as lines: rule, impact, what it means, and each offending element with axe's advice."""
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"]
    for node in violation["nodes"][:10]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}\n      {summary}")
    return "\n".join(lines)


def screenshot(page: Any, name: str) -> list[Path]:
    """Save full-page PNGs of the page at desktop (1280x900) and phone (390x844) width; return their paths.

    Also fails when the page is wider than the phone: only wide tables may scroll, inside `.table-responsive`.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    paths = []
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{page.url} is {width} px wide at {label} width {viewport['width']} px"
    page.set_viewport_size(size)
    return paths
