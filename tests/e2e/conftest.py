"""End-to-end tests: Playwright for Python drives Debian's Chromium against the portal on a real server.

The server is pytest-django's `live_server` (a threaded WSGI server on 127.0.0.1 that also serves static files).
Every test gets a fresh browser context (no cookies, no storage) in a browser launched once per run, which
Playwright starts with a new temporary profile. Each step's screenshot is kept in memory and written under
test-artifacts/<test>/ when the test fails. When no Chromium is found the tests are skipped, and the run says so
in its header and in its summary.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# pytest-django's live server listens on this address (its default is "localhost").
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LANGUAGES = ["pl", "en"]


def find_chromium() -> str | None:
    """$CHROMIUM when set (set it to a missing path to skip the browser tests), else Debian's /usr/bin/chromium,
    else whatever `chromium` is on the PATH."""
    chosen = os.environ.get("CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
SKIP_REASON = ("no Chromium found (looked for $CHROMIUM, /usr/bin/chromium, `chromium` on PATH): "
               "the browser journeys are skipped; install it with `apt-get install chromium`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    marker = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say plainly whether the browser journeys ran, so a skipped run is not taken for a passed one."""
    if CHROMIUM:
        terminalreporter.write_line(f"End-to-end browser tests ran with {CHROMIUM}.")
    else:
        terminalreporter.write_line(f"END-TO-END BROWSER TESTS SKIPPED: {SKIP_REASON}.", yellow=True, bold=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    if report.when == "call" or (report.when == "setup" and report.failed):
        item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict]()


@dataclass
class Steps:
    """Screenshots of each step of a journey, written to disk only if the test fails."""

    page: object
    shots: list[tuple[str, bytes]] = field(default_factory=list)

    def __call__(self, name: str) -> None:
        self.shots.append((name, self.page.screenshot(full_page=True)))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.*"):  # only this run's pictures, never an earlier run's (subfolders stay)
            old.unlink()
        for n, (name, png) in enumerate(self.shots, start=1):
            (directory / f"{n:02d}-{_slug(name)}.png").write_bytes(png)
        try:
            (directory / f"{len(self.shots) + 1:02d}-at-failure.png").write_bytes(self.page.screenshot(full_page=True))
            (directory / "at-failure.html").write_text(self.page.content(), encoding="utf-8")
        except Exception as exc:  # the page may be gone; keep what was taken
            (directory / "at-failure.txt").write_text(repr(exc), encoding="utf-8")


def _slug(text: str) -> str:
    """A file-name-safe form; a long one keeps its end (the [pl]/[en] parameter) and a short hash of the whole."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", text).strip("-") or "step"
    if len(slug) > 80:
        slug = f"{slug[:40]}-{hashlib.sha1(slug.encode()).hexdigest()[:8]}-{slug[-30:]}"
    return slug


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # No user-data-dir: Playwright gives each launch its own fresh temporary profile and removes it after.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_db(transactional_db) -> None:
    """The database behind the page: the test's own, emptied after it. A module of read-only checks on the demo
    data overrides it with `demo_site_db` (below)."""


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """The demo data (`seed_demo`), committed once for a module of read-only checks so the live server sees it;
    the database is emptied when the module ends, as after any transactional test. Seeding takes some 20 s on
    PostgreSQL, so seeding it for each of a module's page checks was most of their time. Yields the MEDIA_ROOT
    holding the demo's files."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock():
        try:
            with override_settings(MEDIA_ROOT=str(media)):
                call_command("seed_demo", stdout=io.StringIO())
            yield media
        finally:
            # What TransactionTestCase does after each test: empty every table, then post_migrate's rows again.
            call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.fixture
def demo_site_db(demo_site, django_db_blocker, settings) -> Iterator[None]:
    """Use as `page_db` (and with `_live_server_helper` below) in a module whose tests only read the demo data."""
    settings.MEDIA_ROOT = str(demo_site)
    with django_db_blocker.unblock():
        yield


def live_server_on_demo_site(request: pytest.FixtureRequest) -> Iterator[None]:
    """pytest-django's `_live_server_helper`, except that the database is the module's demo site rather than a
    transactional_db emptied after each test."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("demo_site_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, live_server, page_db) -> Iterator[object]:
    """A fresh browser context and page; the base URL is the live server's."""
    context = browser.new_context(base_url=live_server.url, locale="pl-PL", timezone_id="Europe/Warsaw",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.steps = Steps(page)
    # Every journey also checks the Content-Security-Policy: a violation Chromium reports fails the test.
    csp_violations: list[str] = []
    page.on("console", lambda message: csp_violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    yield page
    reports = request.node.stash.get(_REPORTS, {})
    if any(r.failed for r in reports.values()):
        page.steps.save(ARTIFACTS / _slug(request.node.nodeid.replace("/", "_")))
    context.close()
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp_violations[:10]))


@pytest.fixture
def steps(page) -> Steps:
    return page.steps


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def axe():
    """Run axe-core in the page and return its serious and critical violations."""
    if not AXE_JS.exists():
        pytest.skip(f"axe-core is not installed at {AXE_JS}: run `make e2e-deps`")

    def run(page) -> list[dict]:
        # Through the DevTools protocol (evaluate), which the page's Content-Security-Policy does not govern; an
        # inline <script> tag would be refused by it.
        from tests.e2e.helpers import settle_animations

        settle_animations(page)
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]

    return run
