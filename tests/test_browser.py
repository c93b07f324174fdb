"""The running app in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from relance import config

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built_db, tmp_path_factory):
    """Start `streamlit run dashboard.py` on 127.0.0.1 against the test database."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "RELANCE_DB": str(built_db)}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "relance", "serve", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true"],
            cwd=config.REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (localhost)
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (./run.sh test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def wait_for_map(page):
    # attached, not visible: a map zoomed to a territory leaves most territories outside its frame
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", state="attached", timeout=60_000)
    return page.locator(".js-plotly-plot .choroplethlocation")


# A point inside a territory's drawn polygon, in page coordinates (plotly binds each path to its location).
POINT_IN_TERRITORY = """(ti) => {
  const el = [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')]
    .find(e => e.__data__ && e.__data__.loc === ti);
  if (!el) return null;
  const b = el.getBBox(), m = el.getScreenCTM(), inside = [];
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const p = new DOMPoint(b.x + b.width * i / 24, b.y + b.height * j / 24);
    if (el.isPointInFill(p)) inside.push(p);
  }
  if (!inside.length) return null;
  const p = inside[Math.floor(inside.length / 2)].matrixTransform(m);
  return [p.x, p.y];
}"""


def query_string(page) -> str:
    return page.evaluate("() => window.location.search")


def test_map_hover_click_panel_downloads_and_profile(page, app_url, tmp_path):
    """The main flow on one page load: hover a territory, click it, read its panel, download the map's data and
    image, open its profile."""
    page.goto(f"{app_url}/?phase=1&metrique=relance")
    paths = wait_for_map(page)
    assert paths.count() >= 149
    assert page.locator(".js-plotly-plot svg.main-svg").count() > 0
    x, y = page.evaluate(POINT_IN_TERRITORY, "ti-2706")
    page.mouse.move(x, y)
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(state="attached", timeout=10_000)
    text = hover.text_content()
    assert "Nevers Val de Loire (ti-2706)" in text
    assert "Nièvre (58), Cher (18)" in text and "Nièvre : 36, Cher : 74" in text
    assert "1,79\u00a0entreprises industrielles pour 10\u00a0000 hab." in text
    page.mouse.click(x, y)
    page.get_by_role("heading", name="Nevers Val de Loire").wait_for(timeout=30_000)
    page.wait_for_function("() => window.location.search.includes('ti=ti-2706')", timeout=30_000)
    page.get_by_text("Membres (6)").wait_for(timeout=30_000)
    page.get_by_text("CA de Nevers").first.wait_for(timeout=30_000)
    shot = tmp_path / "carte-clic.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000

    for label, check in (("CSV", lambda data: data.startswith("\ufeff".encode()) and b";" in data[:200]),
                         ("PNG", lambda data: data[:8] == b"\x89PNG\r\n\x1a\n")):
        button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
        with page.expect_download(timeout=60_000) as info:
            button.click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert download.suggested_filename.startswith("ti-2706_phase1_carte-taux-")
        assert check(target.read_bytes()), label

    page.get_by_role("link", name="Ouvrir la fiche du territoire").click()
    page.get_by_role("heading", name="France Relance dans le territoire").wait_for(timeout=30_000)
    page.wait_for_function("() => window.location.pathname.endsWith('/territoire')", timeout=30_000)
    assert "ti=ti-2706" in query_string(page)
    page.get_by_role("heading", name="Nevers Val de Loire", exact=True).wait_for(timeout=30_000)
    page.get_by_text("Nevers Val de Loire (ses départements)").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0


def test_search_list_selects_territory_and_url_reopens_it(page, app_url, tmp_path):
    page.goto(f"{app_url}/?phase=1")
    wait_for_map(page)
    box = page.get_by_role("combobox", name="Territoire")
    box.click()
    box.fill("Nevers")
    page.get_by_role("option", name="Nevers Val de Loire (ti-2706)").click()
    page.get_by_role("heading", name="Nevers Val de Loire").wait_for(timeout=30_000)
    page.wait_for_function("() => window.location.search.includes('ti=ti-2706')", timeout=30_000)
    page.get_by_text("CA de Nevers").first.wait_for(timeout=30_000)
    link = page.evaluate("() => window.location.href")
    page.screenshot(path=str(tmp_path / "carte-liste.png"), full_page=True)

    other = page.context.new_page()
    other.goto(link)
    wait_for_map(other)
    other.get_by_role("heading", name="Nevers Val de Loire").wait_for(timeout=30_000)
    other.close()


def test_bad_url_value_shows_message_not_traceback(page, app_url):
    page.goto(f"{app_url}/?phase=1&ti=%3Cscript%3Ealert(1)%3C/script%3E")
    wait_for_map(page)
    page.get_by_text("mal formé").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
