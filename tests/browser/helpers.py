"""Things a browser test does again and again: sign in, move by keyboard, read back data."""

from urllib.parse import quote

from tests.factories import PASSWORD
from tracker.extensions import db

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def login_as(page, user, *, password=PASSWORD, next=None):
    """Sign in through the real login form; land on `next` (a path) when given.

    Returns the response of the page the login lands on.
    """
    page.goto("/login" + (f"?next={quote(next)}" if next else ""))
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation() as landing:
        page.get_by_role("button", name="Sign in").click()
    response = landing.value
    assert "/login" not in page.url, f"login as {user.email} failed: still on {page.url}"
    return response


def sign_in_by_request(page, user, *, password=PASSWORD):
    """Sign in by posting the login form's fields to /login from the page's browser context.

    Twice as fast as `login_as` and shares the context's cookies: for checks that are about
    some other page. Journeys sign in through the form with `login_as`.
    """
    response = page.context.request.post(
        "/login", form={"email": user.email, "password": password}, max_redirects=0)
    assert response.status == 302, f"login as {user.email} failed: {response.status}"


def press_tab_until(page, matches, *, limit=60, key="Tab"):
    """Press Tab until the focused element satisfies the JavaScript predicate `matches`.

    `matches` is the body of a function of `el`, e.g. "el.textContent.trim() === 'Edit'".
    Fails, naming the last focused element, when `limit` presses never get there.
    """
    predicate = f"() => {{ const el = document.activeElement; return !!el && ({matches}); }}"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(predicate):
            return
    last = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"{limit} x {key} never reached [{matches}]; focus is on {last}")


def focus_is_visible(page):
    """True when the focused element matches :focus-visible and draws a visible outline."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body || !el.matches(':focus-visible')) return false;
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        const ring = style.boxShadow && style.boxShadow !== 'none';
        return outline || ring;
    }""")


def fresh(model, record_id):
    """Read a row as the database has it now (the browser wrote it through another session)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, record_id)


def open_listed_page(page, world, listed):
    """Open a page from pages.PAGES as its role, submitting its form when it says so.

    Asserts the status the page must answer with; returns the final response.
    """
    url = listed.url(world)
    if listed.role:
        sign_in_by_request(page, world.user_for(listed.role))
    response = page.goto(url)
    if listed.submit is not None:
        form = page.locator("main form[method=post]").first
        for name, value in listed.submit.items():
            form.locator(f"[name='{name}']").fill(value)
        with page.expect_navigation() as answer:
            form.locator("[type=submit]").first.click()
        response = answer.value
    assert response.status == listed.status, f"{listed.name}: {url} answered {response.status}"
    return response


CHART_READY = """canvas => {
    const chart = window.Chart && window.Chart.getChart(canvas);
    const box = canvas.getBoundingClientRect();
    return !!chart && box.width > 0 && box.height > 0;
}"""

CHART_POINTS = """canvas => Object.fromEntries(window.Chart.getChart(canvas).data.datasets
    .map(set => [set.label, set.data.map(point => point.y)]))"""


def chart_scores(page, reveal=None):
    """Wait for the page's (first) course chart to be drawn and read it and its data table.

    Fails unless Chart.js drew the canvas at a non-zero size. `reveal` names the button
    that shows the table when it starts collapsed. Returns the table's score rows as dicts
    (when, session, measured, pain, kind); `chart_scores.points` has the chart's own
    {dataset label: [pain, ...]} for the same canvas.
    """
    canvas = page.locator("canvas[data-course-chart-url]").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_function(CHART_READY, arg=canvas.element_handle())
    if reveal:
        page.get_by_role("button", name=reveal).first.click()
    table = page.locator(f"#{canvas.get_attribute('aria-details')} table")
    table.locator("tbody tr").last.wait_for(state="visible")
    rows = []
    for row in table.locator("tbody tr[data-kind]").all():
        cells = row.locator("td").all_inner_texts()
        when, session, measured, pain = (cell.strip() for cell in cells)
        rows.append({"when": when, "session": session, "measured": measured, "pain": pain,
                     "kind": row.get_attribute("data-kind")})
    chart_scores.points = canvas.evaluate(CHART_POINTS)
    return rows
