"""The accessibility checks themselves catch what they are meant to catch."""

import pytest

from tests.browser.checks import assert_accessible

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="en"><head><title>Check</title></head><body><main>
<h1>Check</h1>
<div><label for="pain">Pain</label>
<input id="pain" class="is-invalid" aria-invalid="true" aria-describedby="pain-error">
<div id="pain-error" class="invalid-feedback" role="alert">Enter 0 to 10.</div></div>
<figure><canvas aria-label="Pain over time"></canvas>
TABLE
</figure></main></body></html>"""
TABLE = ('<table><caption>Scores</caption>'
         '<tr><th scope="col">Pain</th></tr><tr><td>4</td></tr></table>')
GOOD = GOOD.replace("TABLE", TABLE)

BROKEN = {
    "unlabelled field": ('<label for="pain">Pain</label>', "", "axe on"),
    "low contrast": ("<h1>Check</h1>", '<h1 style="color:#ccc">Check</h1>', "color-contrast"),
    "error not tied to field": ('aria-describedby="pain-error"', "", "errors not announced"),
    "error not announced": ('role="alert"', "", "errors not announced"),
    "chart without table": (TABLE, "", "charts on"),
    "chart without name": (' aria-label="Pain over time"', "", "charts on"),
}


def test_a_good_page_passes_and_each_fault_is_caught(page):
    """One page for every case: a new page per case would double the time."""
    page.set_content(GOOD)
    assert_accessible(page)
    for case, (old, new, complaint) in BROKEN.items():
        page.set_content(GOOD.replace(old, new))
        with pytest.raises(AssertionError, match=complaint):
            assert_accessible(page)
            pytest.fail(f"{case}: not caught")
