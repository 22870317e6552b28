"""Accessibility checks run on a page open in the browser.

axe-core comes from node_modules (npm devDependency). The app's Content-Security-Policy
allows no inline script, and Playwright's `add_script_tag(path=...)` inserts an inline
<script>, which the CSP blocks. So axe is evaluated through the DevTools protocol
(`page.evaluate(source)`), which the page's CSP does not govern: the page is checked with
its real headers, and no CSP bypass is ever switched on.
"""

from functools import cache
from pathlib import Path

import pytest
from flask import current_app

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}


@cache
def axe_source():
    return AXE.read_text(encoding="utf-8")


def require_axe():
    if AXE.exists():
        return
    message = f"axe-core is missing at {AXE} (run `make assets` or `npm ci`)"
    if current_app.config["RUNNING_IN_CI"]:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def axe_violations(page):
    """axe-core's violations on the page as it is now."""
    require_axe()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ['violations']});
        return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
        }));
    }""")


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


UNLABELLED_FIELDS = """() => {
    const fields = document.querySelectorAll(
        'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
    const text = el => (el ? el.textContent.trim() : '');
    return [...fields].filter(field => {
        const labels = [...(field.labels || [])].map(text).filter(Boolean);
        const by = (field.getAttribute('aria-labelledby') || '').split(/\\s+/)
            .map(id => text(document.getElementById(id))).filter(Boolean);
        return labels.length === 0 && by.length === 0;
    }).map(field => field.outerHTML.slice(0, 160));
}"""

UNANNOUNCED_ERRORS = """() => {
    const problems = [];
    document.querySelectorAll('.is-invalid').forEach(field => {
        if (field.getAttribute('aria-invalid') !== 'true')
            problems.push('no aria-invalid on ' + field.name);
    });
    document.querySelectorAll('[aria-invalid=true]').forEach(field => {
        const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
        const messages = ids.map(id => document.getElementById(id))
            .filter(el => el && el.textContent.trim() && el.checkVisibility());
        const announced = messages.filter(el => el.closest('[role=alert], [aria-live]'));
        const nextTo = announced.filter(el => el.parentElement.contains(field)
            && !el.parentElement.matches('form, fieldset, main, body'));
        if (!nextTo.length)
            problems.push(field.name + ': no visible message, in an alert, next to the field');
    });
    document.querySelectorAll('.invalid-feedback').forEach(message => {
        if (!message.checkVisibility()) return;
        if (!message.id || !document.querySelector(`[aria-describedby~="${message.id}"]`))
            problems.push('message not tied to a field: ' + message.textContent.trim());
    });
    return problems;
}"""

CHARTS_WITHOUT_TABLES = """() => [...document.querySelectorAll('canvas')].filter(canvas => {
    const named = canvas.getAttribute('aria-label') || canvas.getAttribute('aria-labelledby');
    const ids = ((canvas.getAttribute('aria-describedby') || '') + ' '
        + (canvas.getAttribute('aria-details') || '')).split(/\\s+/).filter(Boolean);
    const described = ids.some(id => {
        const el = document.getElementById(id);
        return el && (el.matches('table') || el.querySelector('table'));
    });
    const around = canvas.closest('figure, section, article, .card');
    const nearby = around && around.querySelector('table');
    return !(named && (described || nearby));
}).map(canvas => canvas.outerHTML.slice(0, 160))"""


def assert_accessible(page):
    """No serious or critical axe violation; every field labelled; every error announced
    next to its field; every chart named and backed by a data table."""
    violations = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"
    unlabelled = page.evaluate(UNLABELLED_FIELDS)
    assert not unlabelled, f"fields without a label on {page.url}: {unlabelled}"
    unannounced = page.evaluate(UNANNOUNCED_ERRORS)
    assert not unannounced, f"errors not announced on {page.url}: {unannounced}"
    charts = page.evaluate(CHARTS_WITHOUT_TABLES)
    assert not charts, (f"charts on {page.url} need an accessible name and a data table "
                        f"(in their figure, section or card, or named by aria-details): {charts}")
