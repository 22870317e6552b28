"""Every listed page (pages.PAGES), as the role that uses it: accessible, and photographed.

One visit per page serves both checks, and one clinic (`make_world()`) serves every page,
so the browser set stays fast: the pages only read it (their invalid forms write
nothing), so the tables are emptied once, after the last page, instead of after each.
Screenshots go to docs/screenshots/<name>.png (1280 px wide) and <name>-phone.png (390 px)
for the pages patients use; the README links them.
"""

import dataclasses
from pathlib import Path

import pytest

from tests.browser.checks import assert_accessible
from tests.browser.helpers import PHONE, open_listed_page
from tests.browser.pages import PAGES, make_world
from tests.conftest import empty_all_tables
from tracker.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def app_context(app):
    """Replaces the suite's per-test context here: it would empty the shared world."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def world(app):
    """The clinic every page is shown with, built once; emptied after the last page."""
    with app.app_context():
        built = make_world()
        for record in records_of(built):
            db.session.refresh(record)  # loaded now, readable once the session is gone
        db.session.remove()
    yield built
    with app.app_context():
        empty_all_tables()


def records_of(world):
    for value in (getattr(world, field.name) for field in dataclasses.fields(world)):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, db.Model):
                yield item

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
def test_listed_page_is_accessible_and_photographed(page, world, listed):
    open_listed_page(page, world, listed)
    assert_accessible(page)
    assert_fits_width(page)
    save_screenshot(page, listed.name)
    if listed.phone:
        page.set_viewport_size(PHONE)
        assert_accessible(page)
        assert_fits_width(page)
        save_screenshot(page, f"{listed.name}-phone")
