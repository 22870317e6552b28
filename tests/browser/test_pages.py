"""Every listed page (pages.PAGES), as the role that uses it: accessible, and photographed.

One visit per page serves both checks, so the browser set stays fast. Screenshots go to
docs/screenshots/<name>.png (1280 px wide) and <name>-phone.png (390 px) for the pages
patients use; the README links them. The world is fixed, so unchanged pages give
unchanged files.
"""

from pathlib import Path

import pytest

from tests.browser.checks import assert_accessible
from tests.browser.helpers import PHONE, open_listed_page
from tests.browser.pages import PAGES, make_world

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    png = page.screenshot(full_page=True, animations="disabled", caret="hide")
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)
    return png


def assert_fits_width(page):
    """Nothing makes the page scroll sideways."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.parametrize("listed", PAGES, ids=lambda listed: listed.name)
def test_listed_page_is_accessible_and_photographed(page, listed):
    open_listed_page(page, make_world(), listed)
    assert_accessible(page)
    assert_fits_width(page)
    save_screenshot(page, listed.name)
    if listed.phone:
        page.set_viewport_size(PHONE)
        assert_accessible(page)
        assert_fits_width(page)
        save_screenshot(page, f"{listed.name}-phone")
