"""Every listed page (pages.PAGES) is valid HTML by the Nu HTML Checker (vnu-jar from npm).

The pages are fetched through the test client as their role, written to files, and
checked in one run of the checker, so Java starts once for the whole set.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.pages import PAGES, make_world
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu(app):
    java = shutil.which("java")
    missing = [what for what, present in (("java", java), (str(VNU), VNU.exists())) if not present]
    if missing:
        message = f"Nu HTML Checker unavailable: missing {', '.join(missing)} (run `make assets`)"
        if app.config["RUNNING_IN_CI"]:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def check(paths):
        result = subprocess.run(
            [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--stdout",
             *map(str, paths)],
            capture_output=True, text=True, timeout=120, check=True)
        return json.loads(result.stdout)["messages"]

    return check


def fetch(app, world, listed):
    """The page's HTML as its role sees it (after submitting its form, when it has one)."""
    client = app.test_client()
    if listed.role:
        client.post("/login", data={"email": world.user_for(listed.role).email,
                                    "password": PASSWORD})
    url = listed.url(world)
    response = (client.get(url) if listed.submit is None
                else client.post(url, data=listed.submit))
    assert response.status_code == listed.status, f"{listed.name}: {url}"
    return response.get_data(as_text=True)


#: checked with the pages: proves the checker ran and reads the files it is given
BROKEN = '<!doctype html><html lang="en"><title>x</title><p id="a"></p><p id="a"></p>'


def test_listed_pages_are_valid_html(app, vnu, tmp_path):
    world = make_world()
    paths = [tmp_path / "checker-self-test.html"]
    paths[0].write_text(BROKEN, encoding="utf-8")
    for listed in PAGES:
        paths.append(tmp_path / f"{listed.name}.html")
        paths[-1].write_text(fetch(app, world, listed), encoding="utf-8")
    errors = {}
    for message in vnu(paths):
        if message["type"] in ("error", "non-document-error"):
            page = Path(message.get("url", "?").removeprefix("file:")).stem
            errors.setdefault(page, []).append(
                f"{page}.html:{message.get('lastLine')}:{message.get('firstColumn')}: "
                f"{message['message']}  [{message.get('extract', '').strip()}]")
    assert any("Duplicate ID" in line for line in errors.pop("checker-self-test", []))
    problems = [line for lines in errors.values() for line in lines]
    assert not problems, "Nu HTML Checker errors:\n" + "\n".join(problems)
