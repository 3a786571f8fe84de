"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

The browser tests skip, with the reason in the summary, when Chromium or the axe-core package
(`npm ci`) is missing; `.ci/run` installs both, so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SSC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = ""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium): browser tests skipped"
    for item in items:
        if reason and "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous, so Django's async-safety guard would refuse them without this.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def seed_data(transactional_db):
    """The reference vocabularies and the seed records, committed so the live server's thread sees them.

    The live server needs real commits, so each test ends with a flush of every table. Django's
    serialized rollback cannot bring the migrations' reference data back here: once Playwright's
    event loop runs, the test sees a fresh connection object without the serialized copy. So the
    vocabularies are loaded again, as `manage.py load_reference_data` does.
    """
    from sscregistry.seed import load_seed_data
    from vocabularies.models import Country
    from vocabularies.reference import load_reference_data

    if not Country.objects.exists():
        load_reference_data()
    load_seed_data()


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (run `npm ci`): accessibility check skipped")
    return AXE.read_text()
