"""The running app in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bench.common import POINT_IN_TERRITORY
from relance import config, interface

# The pages are checked against the whole of France (the territories named below are not all in the extract).
pytestmark = [pytest.mark.browser, pytest.mark.france_entiere]

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


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 "
            "Mobile Safari/537.36")
# The browser windows the tests use, each French: a desktop, a staff member's 1440 × 900 laptop, a phone (390 px,
# phone user agent). Tests that need a browser of their own (English, or fresh) open it themselves.
WINDOWS = {
    "desktop": {"viewport": {"width": 1500, "height": 1100}, "locale": "fr-FR"},
    "laptop": {"viewport": {"width": 1440, "height": 900}, "locale": "fr-FR"},
    "phone": {"viewport": {"width": 390, "height": 2400}, "locale": "fr-FR", "user_agent": PHONE_UA,
              "is_mobile": True, "has_touch": True},
}


class Tab:
    """One tab of a browser window that the module's tests take in turn, as a user opens address after address in
    the same tab: each test loads its page afresh (a new document, a new Streamlit session), but the tab's renderer
    keeps the scripts it compiled, which halves a page's load on this machine (2,0 s to 1,0 s to the first chart);
    the window's cache keeps Streamlit's and Plotly's scripts, as a returning user's does. A test that fails leaves
    its tab behind: the next one gets a new tab."""

    def __init__(self, context):
        self.context = context
        self.page = None

    def take(self):
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
        self.page.mouse.move(0, 0)  # the pointer left by the last test hovers nothing in the next page
        return self.page

    def give_back(self, request) -> None:
        report = getattr(request.node, "rapport_call", None)
        if report is None or report.failed:
            self.close()

    def close(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None


@pytest.fixture(scope="module")
def tabs(browser):
    """The tab of each window (WINDOWS) for the module's tests, the window opened when a test first asks."""
    opened: dict[str, Tab] = {}

    def tab(kind: str) -> Tab:
        if kind not in opened:
            opened[kind] = Tab(browser.new_context(**WINDOWS[kind]))
        return opened[kind]

    yield tab
    for tab_ in opened.values():
        tab_.close()
        tab_.context.close()


def _lend(tabs, kind: str, request):
    tab = tabs(kind)
    yield tab.take()
    tab.give_back(request)


@pytest.fixture
def page(tabs, request):
    """The desktop window's tab, for one test."""
    yield from _lend(tabs, "desktop", request)


@pytest.fixture
def laptop_page(tabs, request):
    """The laptop window's tab (1440 × 900), for one test."""
    yield from _lend(tabs, "laptop", request)


@pytest.fixture
def phone_page(tabs, request):
    """The phone's tab, for one test."""
    yield from _lend(tabs, "phone", request)


def wait_for_map(page):
    # attached, not visible: a map zoomed to a territory leaves most territories outside its frame
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", state="attached", timeout=60_000)
    return page.locator(".js-plotly-plot .choroplethlocation")




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
    page.get_by_role("tab", name="Baromètre").click()  # one tab drawn at a time, its name in the address
    page.get_by_text("Nevers Val de Loire (ses départements)").first.wait_for(timeout=30_000)
    assert "onglet=Barom%C3%A8tre" in query_string(page) or "onglet=Baromètre" in query_string(page)
    assert page.locator("[data-testid='stException']").count() == 0


# A point a few pixels outside a territory's drawn shape and inside no territory (None if there is none).
NEAR_TERRITORY = """(ti) => {
  const all = [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')]
    .filter(e => e.__data__ && String(e.__data__.loc || '').startsWith('ti-'));
  const el = all.find(e => e.__data__.loc === ti);
  const r = el.getBoundingClientRect(), cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
  const inside = (e, x, y) => e.isPointInFill(new DOMPoint(x, y).matrixTransform(e.getScreenCTM().inverse()));
  for (const [x, y] of [[r.right + 5, cy], [r.left - 5, cy], [cx, r.top - 5], [cx, r.bottom + 5]]) {
    if (!all.some(e => inside(e, x, y))) return [x, y];
  }
  return null;
}"""


# The territories drawn smaller than 20 px, and for each a few pixels inside its shape (whole pixels, as a mouse).
SMALL_TERRITORIES = """() => {
  const out = {};
  for (const el of document.querySelectorAll('.js-plotly-plot .choroplethlocation')) {
    const ti = el.__data__ && String(el.__data__.loc || '');
    const r = el.getBoundingClientRect();
    if (!ti.startsWith('ti-') || Math.max(r.width, r.height) >= 20) continue;
    const b = el.getBBox(), m = el.getScreenCTM(), points = [];
    for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
      const p = new DOMPoint(b.x + b.width * ((i * 7) % 24) / 24, b.y + b.height * ((j * 11) % 24) / 24);
      if (el.isPointInFill(p)) { const q = p.matrixTransform(m); points.push([Math.round(q.x), Math.round(q.y)]); }
    }
    out[ti] = points.filter((p, k) => k % 3 === 0).slice(0, 6);
  }
  return out;
}"""


@pytest.mark.parametrize("phase", [1, 2])
def test_every_small_territory_answers_the_pointer(laptop_page, app_url, phase):
    """On the map of France at 1440 × 900, every territory drawn smaller than 20 px (Carros, Boucle Nord de
    Seine…) shows its own label under the pointer somewhere inside it (the label is what a click selects; the
    larger ones are hit by the tests that click them); and a click beside Carros chooses it."""
    page = laptop_page
    page.goto(f"{app_url}/?phase={phase}&metrique=population")
    wait_for_map(page)
    settle(page, drawn("carte"))
    small = page.evaluate(SMALL_TERRITORIES)
    assert len(small) >= 5 and (phase == 2 or "ti-9303" in small)
    missed = []
    for ti, points in small.items():
        for x, y in points:
            page.mouse.move(x, y)
            page.wait_for_timeout(80)  # Plotly reads the pointer at most every 50 ms
            if page.evaluate("() => (document.querySelector('.js-plotly-plot')._hoverdata || [])"
                             ".map(p => p.location)") == [ti]:
                break
        else:
            missed.append(ti)
    assert not missed, missed
    if phase == 1:
        # Carros (ti-9303) is about 2 px wide: a click 5 px beside it, on no territory, chooses it (the page's
        # script passes the move on to Plotly as a move inside the nearest territory)
        x, y = page.evaluate(NEAR_TERRITORY, "ti-9303")
        page.mouse.move(x + 4, y)
        page.mouse.move(x, y, steps=3)
        page.get_by_text("Carros (ti-9303)").first.wait_for(state="attached", timeout=10_000)  # its label
        page.mouse.click(x, y)
        page.wait_for_function("() => window.location.search.includes('ti=ti-9303')", timeout=30_000)
        page.get_by_role("heading", name="Carros").wait_for(timeout=30_000)


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


# --- Every page: French, accessible, usable on a phone --------------------------------------------------------

PAGES = {
    "carte": "/?phase=1&ti=ti-2706",
    "territoire": "/territoire?phase=1&ti=ti-2706",
    # The fiche's other tabs (one drawn at a time).
    "territoire-graphiques": "/territoire?phase=1&ti=ti-2706&onglet=Graphiques",
    "territoire-listes": "/territoire?phase=1&ti=ti-2706&onglet=Projets+et+friches",
    "territoire-barometre": "/territoire?phase=1&ti=ti-2706&onglet=Barom%C3%A8tre",
    "territoire-voisins": "/territoire?phase=1&ti=ti-2706&onglet=Comparables+et+composition",
    # the members' map of a crowded territory (19 communes): its names apart (assert_member_names_apart)
    "territoire-membres": "/territoire?phase=1&ti=ti-9301&onglet=Par+intercommunalit%C3%A9",
    "projets": "/projets?phase=1&ti=ti-2706",
    "comparer": "/comparer?phase=1&comparer=ti-2706,ti-2703,ti-9301,ti-9302,ti-9303,ti-0201",
    "comparer-barometre": "/comparer?phase=1&comparer=ti-2706,ti-2703,ti-9301,ti-9302,ti-9303,ti-0201"
                          "&onglet=Barom%C3%A8tre",
    "france": "/france?phase=1",
    "france-friches": "/france?phase=1&onglet=Fonds+friches+par+r%C3%A9gion",
    "methodologie": "/methodologie?phase=1",
    # the legends of another priority's series
    "france-competences": "/france?phase=1&priorite=competences&onglet=D%C3%A9partements+et+Barom%C3%A8tre",
}
# What Streamlit and Plotly write in English: every entry of the table relance.interface translates from (data never
# matches these), but those that are French words too.
_TABLE = interface.translations()
ENGLISH = re.compile(r"\b(" + "|".join(
    [re.escape(k) + (r"\b" if k[-1].isalnum() else "")  # whole words: « Zoom » never matches « Zoomer »
     for k in sorted(_TABLE["exact"], key=len, reverse=True) if k not in _TABLE["francais_aussi"]]
    + [m["temoin"] for m in _TABLE["motifs"]]) + r")")
TEXTS = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('*')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-title', 'aria-description']) {
      const value = el.getAttribute(name);
      if (value) out.push(name + '=' + value);
    }
  }
  return out;
}"""


def drawn(name: str) -> str:
    """What shows that a page is drawn: its first chart (Méthodologie has none), else its title."""
    return "h1" if name == "methodologie" else ".js-plotly-plot .main-svg"


def settle(page, selector: str = "h1") -> None:
    """Wait until the page is drawn and Streamlit has stopped running (no change for 0,75 s: three polls 250 ms
    apart; a rerun shows the status widget within that time)."""
    page.wait_for_selector(selector, state="attached", timeout=60_000)
    last, quiet = None, 0
    for _ in range(200):
        state = page.evaluate("() => [document.querySelectorAll('[data-testid=\"stStatusWidget\"]').length,"
                              " document.querySelectorAll('.js-plotly-plot .main-svg').length,"
                              " document.body.innerText.length]")
        quiet = quiet + 1 if state == last and state[0] == 0 else 0
        if quiet >= 3:
            return
        last = state
        page.wait_for_timeout(250)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_french_and_accessible(page, app_url, name):
    """lang="fr", no English in any visible text or label (toolbar tooltips included) and no serious or critical
    axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(app_url + PAGES[name])
    settle(page, drawn(name))
    maps = page.locator(".js-plotly-plot:has(.choroplethlocation)")
    if maps.count():
        maps.first.hover()  # the map's zoom buttons show on hover
        page.wait_for_timeout(400)
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    english = sorted({match.group(0) + " in " + text[:80] for text in page.evaluate(TEXTS)
                      for match in ENGLISH.finditer(text)})
    assert not english, english
    names = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                          ".map(c => c.getAttribute('aria-label'))")
    assert all(n and n.startswith("Graphique : ") and len(n) > 30 for n in names), names  # every chart named
    assert_chart_texts_apart(page, name)
    assert_tables_fit(page)
    if name == "territoire-membres":
        assert_member_names_apart(page)
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"][:3]]) for v in violations]
    assert page.locator("[data-testid='stException']").count() == 0


def test_table_numbers_french_in_an_english_browser(browser, app_url):
    """Table cells are written in the browser's languages by Streamlit: in an English browser they still read
    the French way (« 2 747 », « 1,09 »), as everywhere else in the interface."""
    context = browser.new_context(**{**WINDOWS["desktop"], "locale": "en-US"})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/methodologie?phase=1")
        settle(page)
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        written = page.evaluate("() => [navigator.languages[0], "
                                "new Intl.NumberFormat(navigator.languages).format(2747.5)]")
        assert written == ["fr-FR", "2\u202f747,5"]
    finally:
        context.close()


# Boxes of a chart's texts that must neither leave the chart nor cover each other: title, annotations (source,
# panel titles), legend, axis titles, the overseas labels.
CHART_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const frame = plot.getBoundingClientRect();
  const box = (el, kind) => { const r = el.getBoundingClientRect();
    return {kind, text: el.textContent.slice(0, 40), left: r.left - frame.left, right: r.right - frame.left,
            top: r.top, bottom: r.bottom, width: r.width}; };
  const boxes = [];
  plot.querySelectorAll('.gtitle, .annotation-text-g, .legend .bg, .g-xtitle, .g-ytitle, .g-x2title, .g-y2title')
    .forEach(el => boxes.push(box(el, el.getAttribute('class'))));
  // overseas labels, those inside the drawn frame (a map zoomed on a territory leaves them out of view)
  plot.querySelectorAll('.scattergeo text').forEach(el => boxes.push(box(el, 'encart')));
  const shown = (b) => b.width > 0 && (b.kind !== 'encart' || (b.left >= 0 && b.right <= frame.width));
  return {width: frame.width, boxes: boxes.filter(shown)};
})"""


# Values written on bars (and beside them): inside the chart, and inside the plot area when the plot clips them.
CUT_BAR_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
  const frame = plot.getBoundingClientRect();
  return [...plot.querySelectorAll('.cartesianlayer .subplot')].flatMap(sub => {
    const id = [...sub.classList].find(c => c !== 'subplot');
    const area = (plot.querySelector('.draglayer .' + id + ' .nsewdrag') || sub).getBoundingClientRect();
    return [...sub.querySelectorAll('.bartext, .textpoint text')].filter(el => {
      const r = el.getBoundingClientRect();
      if (!r.width) return false;
      const clipped = !!el.closest('[clip-path]');
      return r.left < frame.left - 1 || r.right > frame.right + 1 ||
        (clipped && (r.left < area.left - 1 || r.right > area.right + 1));
    }).map(el => el.textContent);
  });
})"""


# Tables: a static table never runs past its column; a data grid wider than its column carries the visible cue that
# it scrolls (relance/interface.py), its columns never silently cut.
TABLES = """() => ({
  grids: [...document.querySelectorAll('[data-testid=stDataFrame]')].map(g => {
    const s = g.querySelector('.dvn-scroller');
    return {wider: !!s && s.scrollWidth > s.clientWidth + 1, cue: g.getAttribute('data-defile'),
            said: getComputedStyle(g, '::after').content};
  }),
  statics: [...document.querySelectorAll('[data-testid=stTable], [data-testid=stMarkdown]:has(table)')].map(t => {
    const r = t.getBoundingClientRect();
    return {head: t.innerText.slice(0, 40), sw: t.scrollWidth, cw: t.clientWidth, right: r.right,
            room: window.innerWidth};
  }),
})"""


MARKED = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')].every(g => {
  const s = g.querySelector('.dvn-scroller');
  return !s || s.scrollWidth <= s.clientWidth + 1 || g.getAttribute('data-defile') === 'oui';
})"""


def assert_tables_fit(page) -> None:
    from playwright.sync_api import TimeoutError as Timeout

    try:  # the page's script marks the grids on every change and every second
        page.wait_for_function(MARKED, timeout=3000)
    except Timeout:
        pass  # said below, grid by grid
    found = page.evaluate(TABLES)
    for grid in found["grids"]:
        if grid["wider"]:
            assert grid["cue"] == "oui" and "défiler vers la droite" in grid["said"], grid
    for table in found["statics"]:
        assert table["sw"] <= table["cw"] + 1 and table["right"] <= table["room"] + 1, table


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 and \
        b["top"] < a["bottom"] - 1


def assert_chart_texts_apart(page, name: str) -> list[dict]:
    """Every chart's title, legend, annotations (source, panel titles) and axis titles inside it and apart."""
    charts = page.evaluate(CHART_BOXES)
    for chart in charts:
        for b in chart["boxes"]:
            assert b["left"] >= -1 and b["right"] <= chart["width"] + 1, (name, b, chart["width"])
        texts = chart["boxes"]
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                assert not overlaps(a, b), (name, a, b)
    cut = page.evaluate(CUT_BAR_TEXTS)
    assert not cut, (name, "bar values cut off", cut)
    return charts


PHONE_PAGES = {**PAGES, "carte-france": "/?phase=1&metrique=population"}


@pytest.mark.parametrize("name", list(PHONE_PAGES))
def test_page_on_a_phone(phone_page, app_url, name, tmp_path):
    """At 390 px: no sideways scrolling, every chart's texts inside the chart and apart, search before the map."""
    page = phone_page
    page.goto(app_url + PHONE_PAGES[name])
    settle(page, drawn(name))
    page.screenshot(path=str(tmp_path / f"{name}-390.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    main = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                         " return [m.scrollWidth, m.clientWidth]; }")
    assert main[0] <= main[1] + 1, main
    charts = assert_chart_texts_apart(page, name)
    assert_tables_fit(page)
    if name == "territoire-membres":
        assert_member_names_apart(page)
    if name == "carte-france":
        chart = charts[0]
        assert sum(b["kind"] == "encart" for b in chart["boxes"]) == 5  # the five insets labelled, apart
    if name == "carte":
        search = page.get_by_role("combobox", name="Territoire").bounding_box()
        map_box = page.locator(".js-plotly-plot").first.bounding_box()
        assert search["y"] + search["height"] <= map_box["y"]
        # the chosen territory's figures come before the map, on the first screens
        figures = page.get_by_role("heading", name="Nevers Val de Loire").bounding_box()
        assert figures["y"] < map_box["y"], (figures, map_box)


# What a reader finds on a page: its headings, key figures, chart titles and the first rows of every table (the
# grid's accessible copy: its first three columns, those it always draws), as drawn.
FOUND = """() => ({
  headings: [...document.querySelectorAll('h1, h2, h3')].map(e => e.innerText.trim()).filter(Boolean),
  metrics: [...document.querySelectorAll('[data-testid=stMetric]')].map(e => e.innerText.replace(/\\s+/g, ' ')),
  charts: [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(e => e.textContent),
  rows: [...document.querySelectorAll('[data-testid=stDataFrame] [aria-rowcount]')]
          .map(e => e.getAttribute('aria-rowcount')),
  first: [...document.querySelectorAll('[data-testid=stDataFrame] table tr, [data-testid=stTable] tr, '
                                       + '[data-testid=stMarkdownContainer] table tr')]
           .slice(0, 12).map(e => [...e.children].slice(0, 3).map(c => c.innerText.slice(0, 80)).join(' | ')),
})"""
FILTERED = {  # an address with filters set, per page (Projets: set by its widgets, below)
    "territoire": "/territoire?phase=2&ti=ti-8401&priorite=competences&onglet=Barom%C3%A8tre",
    "comparer": "/comparer?phase=1&priorite=innover&comparer=ti-2706,ti-9301,ti-4410",
}  # the map's address is reopened by test_search_list_selects_territory_and_url_reopens_it; Méthodologie has no
# filter of its own; the France page's tab in the address is checked by AppTest


def test_each_page_filtered_address_reopens_the_same_rows(page, browser, app_url):
    """Filters set on Projets through its widgets, and each other page's filtered address: a colleague opening the
    address in a fresh browser finds the same headings, figures, chart titles and rows."""
    page.goto(f"{app_url}/projets?phase=1")
    settle(page, drawn("projets"))
    search = page.get_by_label("Recherche (entreprise, projet, commune)")
    search.fill("Nevers")
    search.press("Enter")
    page.wait_for_function("() => location.search.includes('recherche=Nevers')", timeout=30_000)
    settle(page, drawn("projets"))
    page.get_by_text("Dans un territoire", exact=True).click()
    page.wait_for_function("() => location.search.includes('ou=dans')", timeout=30_000)
    settle(page, drawn("projets"))
    addresses = {"projets": page.evaluate("() => location.pathname + location.search")}
    seen = {"projets": page.evaluate(FOUND)}
    assert any(m.startswith("Projets ") and m != "Projets 0" for m in seen["projets"]["metrics"]), seen
    for name, address in FILTERED.items():
        page.goto(app_url + address)
        settle(page, drawn(name))
        addresses[name], seen[name] = address, page.evaluate(FOUND)
    fresh = browser.new_context(**WINDOWS["desktop"])
    try:
        other = fresh.new_page()
        for name, address in addresses.items():
            other.goto(app_url + address)
            settle(other, drawn(name))
            assert other.evaluate(FOUND) == seen[name], name
            assert other.locator("[data-testid='stException']").count() == 0
    finally:
        fresh.close()


def test_first_screen_at_1440_by_900(laptop_page, app_url):
    """At 1440 × 900: the map fills the width left of the panel and most of the first screen's height; the fiche's
    header (identity, downloads, key figures, locator) takes at most a third of it and its tabs show unscrolled."""
    page = laptop_page
    page.goto(app_url + PAGES["carte"])
    settle(page, drawn("carte"))
    main = page.locator("[data-testid='stMain'] [data-testid='stMainBlockContainer']").bounding_box()
    drawing = page.locator(".js-plotly-plot g.layer.bg").first.bounding_box()  # the map's drawn frame
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    panel = page.get_by_role("heading", name="Nevers Val de Loire").bounding_box()
    # all the width left of the panel: the chart spans the column, the drawing the chart, the column two thirds
    assert drawing["width"] >= 0.95 * chart["width"] and 0 <= panel["x"] - (chart["x"] + chart["width"]) < 60
    assert chart["width"] >= 0.5 * main["width"], (chart, main)
    assert 900 - chart["y"] >= 0.6 * 900, chart  # the map (its title and legend above) from a third down
    assert min(drawing["y"] + drawing["height"], 900) - drawing["y"] >= 0.4 * 900, drawing
    page.goto(app_url + PAGES["territoire"])
    settle(page, drawn("territoire"))
    title = page.get_by_role("heading", name="Nevers Val de Loire", exact=True).bounding_box()
    tabs = page.get_by_role("tablist").first.bounding_box()
    assert tabs["y"] + tabs["height"] <= 900, tabs  # the tabs without scrolling
    assert tabs["y"] - title["y"] <= 300, (title, tabs)  # the header: a third of the screen
    for name in ("Fiche territoire (PDF)", "Fiche modifiable (Word)", "Graphiques et données (ZIP)"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["y"] + box["height"] <= tabs["y"], name


def test_comparer_enter_adds_the_typed_territory(page, app_url):
    """Typing a name then Enter adds that one territory (never "every match"); six at most, said in French."""
    page.goto(f"{app_url}/comparer?phase=1")
    settle(page)
    box = page.get_by_role("combobox", name="Territoires à comparer (2 à 6)")
    box.click()
    box.press_sequentially("Nevers")
    page.wait_for_timeout(300)
    box.press("Enter")
    page.wait_for_function("() => window.location.search.includes('comparer=ti-2706')", timeout=30_000)
    settle(page)
    chosen = urllib.parse.parse_qs(query_string(page).lstrip("?"))["comparer"]
    assert chosen == ["ti-2706"]  # that one territory, not every match of « Nevers »
    page.goto(app_url + PAGES["comparer"])
    settle(page)
    page.get_by_text("6 territoires au plus : retirez-en un (×) pour en ajouter un autre.").wait_for(timeout=30_000)


def test_territory_chosen_from_the_keyboard_zooms_the_map(page, app_url):
    """Tab reaches the territory search before the map; typing and Enter choose it; the map zooms to it and back
    out when the choice is cleared."""
    page.goto(f"{app_url}/?phase=1")
    wait_for_map(page)
    settle(page)
    page.get_by_role("combobox", name="Couleur de la carte").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Territoire":
            break
    else:
        pytest.fail("the territory search does not follow the indicator in Tab order")
    zoom_button = page.locator(".modebar-btn").first
    assert page.evaluate("([a, b]) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)",
                         [page.get_by_role("combobox", name="Territoire").element_handle(),
                          zoom_button.element_handle()])
    france = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.geo.lonaxis.range")
    page.keyboard.type("Carros")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Carros").wait_for(timeout=30_000)
    page.wait_for_function("() => window.location.search.includes('ti=ti-9303')", timeout=30_000)
    settle(page)
    zoomed = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.geo.lonaxis.range")
    assert zoomed[1] - zoomed[0] < (france[1] - france[0]) / 4, (france, zoomed)
    page.get_by_role("button", name="Effacer").first.click()
    page.wait_for_function("() => !window.location.search.includes('ti=')", timeout=30_000)
    settle(page)
    back = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.geo.lonaxis.range")
    assert back[1] - back[0] > (france[1] - france[0]) * 0.9


def test_a_websocket_from_another_site_name_is_refused(app_url):
    """DNS rebinding: a page of another site whose name resolves to this machine opens the websocket with its own
    Host and Origin: refused. This machine's names are served; the load client (no Origin) too."""
    import asyncio

    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    port = int(app_url.rsplit(":", 1)[1])

    async def opens(name: str, origin: str | None) -> bool:
        """The handshake under this Host name (the TCP connection always to 127.0.0.1)."""
        headers = {"Origin": origin} if origin else {}
        try:
            async with connect(f"ws://{name}:{port}/_stcore/stream", host="127.0.0.1", port=port,
                               subprotocols=["streamlit"], additional_headers=headers, open_timeout=20):
                return True
        except (ConnectionClosed, InvalidStatus, TimeoutError):
            return False

    def run(name: str, origin: str | None) -> bool:  # a thread of its own: Playwright's loop runs in this one
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, opens(name, origin)).result()

    assert not run("evil.example", f"http://evil.example:{port}")
    assert run("localhost", f"http://localhost:{port}")
    assert run("127.0.0.1", None)  # no Origin, from this machine: the project's own load client


def test_one_client_flooding_reruns_cannot_take_the_server_for_itself(app_url):
    """A client sends reruns as fast as it can without waiting for any (a script, a stuck key), from 2 s before
    another user's three reruns until after them and a health check: its reruns are coalesced, one run at a time;
    the other user's reruns meanwhile stay within seconds (without the guard, the user's connection died on its
    keepalive timeout), and the health check answers."""
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    stream = app_url.replace("http://", "ws://") + "/_stcore/stream"

    def rerun(query: str) -> bytes:
        return BackMsg(rerun_script=ClientState(query_string=query, page_script_hash="")).SerializeToString()

    async def finished(ws) -> None:
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            if message.WhichOneof("type") == "script_finished" and \
                    message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return

    async def scenario() -> tuple[list[float], int, float, int]:
        async with connect(stream, subprotocols=["streamlit"], max_size=None) as user, \
                connect(stream, subprotocols=["streamlit"], max_size=None) as flood:
            await user.send(rerun("phase=1&ti=ti-2706"))
            await finished(user)  # the user's page is open
            runs = 0

            done = asyncio.Event()

            async def flooding() -> int:
                sent = 0
                while not done.is_set():
                    metric = ("nb_projets", "projets_10000", "relance", "population")[sent % 4]
                    await flood.send(rerun(f"phase={1 + sent % 2}&metrique={metric}"))
                    sent += 1
                    await asyncio.sleep(0)  # as fast as it can (without the guard, the user's connection died)
                return sent

            async def counting() -> None:
                nonlocal runs
                while True:
                    await finished(flood)
                    runs += 1

            flooder, counter = asyncio.ensure_future(flooding()), asyncio.ensure_future(counting())
            await asyncio.sleep(2)
            waits = []
            for query in ("phase=1&ti=ti-8401", "phase=1&ti=ti-4410", "phase=1&ti=ti-2706"):
                start = time.perf_counter()
                await user.send(rerun(query))
                await asyncio.wait_for(finished(user), timeout=120)
                waits.append(time.perf_counter() - start)
            start = time.perf_counter()
            await asyncio.to_thread(urllib.request.urlopen, f"{app_url}/_stcore/health", timeout=30)
            health = time.perf_counter() - start
            done.set()
            sent = await flooder
            await asyncio.sleep(1)
            counter.cancel()
            return waits, runs, health, sent

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: Playwright's loop may run in this one
        waits, runs, health, sent = pool.submit(asyncio.run, scenario()).result()
    assert max(waits) < 10, waits
    assert health < 5, health
    assert runs < sent / 100, (runs, sent)  # hundreds of thousands of reruns sent, one run at a time


def assert_member_names_apart(page) -> None:
    """The members' map: the names written keep clear of each other and inside the chart, the most populous member
    (Aix-en-Provence) named."""
    found = page.evaluate(MEMBER_NAMES)
    assert len(found["boxes"]) >= 3 and any(b["text"].startswith("Aix-en-Provence") for b in found["boxes"]), found
    for i, a in enumerate(found["boxes"]):
        assert a["left"] >= -1 and a["right"] <= found["width"] + 1, a
        assert a["top"] >= -1 and a["bottom"] <= found["height"] + 1, a
        for b in found["boxes"][i + 1:]:
            assert not overlaps(a, b), (a, b)


MEMBER_NAMES = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"][aria-label*="par intercommunalité membre"]');
  chart.scrollIntoView();
  const frame = chart.getBoundingClientRect();
  return {width: frame.width, height: frame.height, boxes: [...chart.querySelectorAll('g.trace.scattergeo text')]
    .filter(t => t.textContent.trim()).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top,
              bottom: r.bottom - frame.top};
    })};
}"""
