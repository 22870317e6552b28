"""Browser fixtures: the app served on loopback, one Chromium per session, a page per test.

The live server serves the suite's `app` (same database as every other test), so a test
creates its data with the factories (or `make_world()`) and drives it through the browser.
tests/conftest.py empties every table after each test, as for any other test.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.helpers import DESKTOP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


class QuietRequestHandler(WSGIRequestHandler):
    """Keep-alive connections, and no access log on the test output (errors still reach
    the app's logger)."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the app served by werkzeug on 127.0.0.1 in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def require_chromium(app):
    """Skip (or, in CI, fail) when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    message = f"no browser: {CHROMIUM} is missing (apt-get install -y chromium)"
    if app.config["RUNNING_IN_CI"]:
        pytest.fail(message + "; CI must run the browser tests", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(app):
    """One headless Chromium for the whole session; each test gets its own context."""
    require_chromium(app)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """Open more browser contexts (another person, another screen size) in one test."""
    contexts = []

    def open_context(viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server, viewport=viewport,
                                      reduced_motion="reduce", **options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    """A fresh desktop page; relative URLs go to the live server."""
    return context.new_page()
