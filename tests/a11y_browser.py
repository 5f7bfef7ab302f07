"""Headless Chromium and axe-core for the accessibility tests (skipped only where absent)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# WCAG 2.2 level A and AA, as axe-core tags them.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium on this machine and on CI: root, no GPU, no network but the registries.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    """Skips where the browser tools are absent; on CI, where .ci/run installs them, fails."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests: see .ci/run)")
    pytest.skip(reason)


def chromium_path() -> str:
    """Debian's Chromium (or REPORTGEN_CHROMIUM); never a browser Playwright downloads."""
    found = os.environ.get("REPORTGEN_CHROMIUM") or shutil.which("chromium")
    if not found:
        _unavailable("chromium is not installed")
    return str(found)


def axe_script() -> Path:
    """axe.min.js as shipped by the axe-playwright-python wheel (or AXE_CORE_JS)."""
    if os.environ.get("AXE_CORE_JS"):
        return Path(os.environ["AXE_CORE_JS"])
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        _unavailable("axe-playwright-python (which ships axe-core) is not installed")
    assert spec is not None and spec.origin is not None
    script = Path(spec.origin).parent / "axe.min.js"
    if not script.is_file():
        _unavailable(f"axe-core is missing: {script}")
    return script


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser driven by Playwright."""
    if importlib.util.find_spec("playwright") is None:
        _unavailable("playwright is not installed")
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any, within: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the loaded page, or only within a CSS selector."""
    page.add_script_tag(path=str(axe_script()))
    result: list[dict[str, Any]] = page.evaluate(
        """([tags, within]) => axe.run(within ? {include: [[within]]} : document,
                                      {runOnly: {type: "tag", values: tags}})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            })))""",
        [WCAG_22_AA, within],
    )
    return result


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations)
