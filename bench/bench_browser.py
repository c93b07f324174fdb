"""End to end in headless Chromium, side by side in one run: each page until its main chart is drawn against a bare
Streamlit page with one Plotly chart; choosing a territory (list, click) until its panel shows; a filter change; the
map's PNG export once Chromium is warm.

Run: .venv/bin/python bench/bench_browser.py [--parties ouverture,choix,phase,png] [--pages Fiche,Comparer]
     [--passes 3]
(prints; asserts nothing; starts its own servers on 127.0.0.1; all parts by default)
Targets (issue 12): opening ≤ 1.25 × the bare page; choosing a territory p95 ≤ 600 ms on a quiet machine;
map PNG < 1 s warm.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import POINT_IN_TERRITORY, machine, stats_ms
from bench.load_test import CHROMIUM_ARGS, start_server
from bench.load_ws import BARE_PAGE, start_bare

PAGES = [
    ("Carte", "/?phase=1"),
    ("Fiche territoire", "/territoire?phase=1&ti=ti-2706"),
    ("Comparer", "/comparer?phase=1&comparer=ti-2706,ti-9301"),
    ("Territoires et reste de la France", "/france?phase=1"),
]
REPEAT = 7
# Territories chosen in turn from the list (large and small, mainland and overseas).
CHOICES = [("ti-2706", "Nevers"), ("ti-9303", "Carros"), ("ti-0201", "Centre de la Martinique"),
           ("ti-9301", "Aix-Marseille"), ("ti-2703", "Grand Dole"), ("ti-0101", "Cap Excellence")]
PANEL = "(name) => [...document.querySelectorAll('h2')].some(h => h.textContent.trim() === name)"


def _open(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000, state="attached")
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def _settle(page) -> None:
    for _ in range(100):
        if not page.locator("[data-testid='stStatusWidget']").count():
            return
        page.wait_for_timeout(100)


def main() -> None:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", default="ouverture,choix,phase,png")
    parser.add_argument("--pages", default="", help="pages ouvertes (début de leur nom, séparés par des virgules)")
    parser.add_argument("--passes", type=int, default=1,
                        help="passages de 7 chargements par page ; le rapport retenu est la médiane des passages")
    args = parser.parse_args()
    parts = set(args.parties.split(","))
    chosen = [(label, path) for label, path in PAGES
              if not args.pages or any(label.startswith(name) for name in args.pages.split(","))]

    print(f"Machine : {machine()}")
    server, url = start_server()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "page_nue.py"
        script.write_text(BARE_PAGE, encoding="utf-8")
        bare, bare_url = start_bare(script)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                _open(browser, url + "/?phase=1")  # warm both servers and the browser's caches
                _open(browser, bare_url)
                print(f"Ouverture jusqu'au premier graphique dessiné ({REPEAT} chargements, page neuve à chaque fois, "
                      "en alternance avec la page nue) :")
                ratios: dict[str, list[float]] = {}
                for _ in range(max(1, args.passes)):
                    for label, path in chosen if "ouverture" in parts else []:
                        ours, theirs = [], []
                        for _ in range(REPEAT):
                            ours.append(_open(browser, url + path))
                            theirs.append(_open(browser, bare_url))
                        ratio = statistics.median(ours) / statistics.median(theirs)
                        ratios.setdefault(label, []).append(ratio)
                        print(f"  {label:<36} {stats_ms(ours)}   page nue {statistics.median(theirs) * 1000:7.1f} ms"
                              f"   rapport {ratio:4.2f} (cible ≤ 1,25)")
                if args.passes > 1:
                    print(f"Rapport, médiane des {args.passes} passages :")
                    for label, found in ratios.items():
                        print(f"  {label:<36} {statistics.median(found):4.2f}   "
                              f"({', '.join(f'{r:4.2f}' for r in found)}) (cible ≤ 1,25)")

                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(url + "/?phase=1")
                page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=120_000, state="attached")
                _settle(page)
                listed, clicked = [], []
                box = page.get_by_role("combobox", name="Territoire")
                for _ in range(2 if "choix" in parts else 0):
                    for ti, text in CHOICES:
                        box.click()
                        box.fill(text)
                        option = page.get_by_role("option").filter(has_text=f"({ti})").first
                        option.wait_for(timeout=30_000)
                        name = option.text_content().rsplit(" (", 1)[0]
                        start = time.perf_counter()
                        option.click()
                        page.wait_for_function(PANEL, arg=name, timeout=60_000)
                        listed.append(time.perf_counter() - start)
                        _settle(page)
                if listed:
                    print(f"Choisir un territoire dans la liste jusqu'à son panneau ({len(listed)} choix) :")
                    print(f"  {'liste':<36} {stats_ms(listed)}   (cible p95 ≤ 600 ms)")
                # Clicks: reset to France, click a territory's polygon, wait for its panel.
                for ti, _ in CHOICES if "choix" in parts else []:
                    page.goto(url + "/?phase=1&metrique=relance")  # a choropleth: a click lands on the polygon
                    page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=120_000, state="attached")
                    _settle(page)
                    point = page.evaluate(POINT, ti)
                    if point is None:
                        continue
                    start = time.perf_counter()
                    page.mouse.click(*point)
                    try:  # the page opened on France: the first panel heading is the clicked territory's
                        page.wait_for_function("(ti) => window.location.search.includes('ti=' + ti) && "
                                               "document.querySelector('h2')", arg=ti, timeout=30_000)
                    except Exception:  # a click that missed: reported, not timed
                        print(f"  clic sur {ti} : pas de panneau")
                        continue
                    clicked.append(time.perf_counter() - start)
                if clicked:
                    print(f"  {'clic sur la carte':<36} {stats_ms(clicked)}   ({len(clicked)} clics)")

                page.goto(url + "/?phase=1")
                page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=120_000, state="attached")
                times = []
                for i in range(REPEAT * 2 if "phase" in parts else 0):
                    phase = 2 if i % 2 == 0 else 1
                    start = time.perf_counter()
                    page.get_by_text(f"Phase {phase} (").first.click()
                    page.wait_for_function(
                        "(t) => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                        ".some(e => e.textContent.includes(t))", arg=f"Phase {phase} (", timeout=120_000)
                    times.append(time.perf_counter() - start)
                if times:
                    print("Changement de phase jusqu'au nouveau graphique (carte) :")
                    print(f"  {'carte, phase 1 ↔ 2':<36} {stats_ms(times)}")

                page.goto(url + "/?phase=1&ti=ti-2706")
                page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=120_000, state="attached")
                _settle(page)
                times = []
                for _ in range(REPEAT + 1 if "png" in parts else 0):
                    button = page.get_by_test_id("stDownloadButton").filter(has_text="PNG").first
                    start = time.perf_counter()
                    with page.expect_download(timeout=60_000) as info:
                        button.click()
                    info.value.path()
                    times.append(time.perf_counter() - start)
                    _settle(page)
                    page.wait_for_timeout(1000)  # a user's pause: the exporter's tab reloads after each image
                if times:
                    print("Export PNG de la carte, du clic au fichier (Chromium déjà chaud) :")
                    print(f"  {'carte PNG (premier exclu)':<36} {stats_ms(times[1:])}   premier "
                          f"{times[0] * 1000:7.1f} ms   (cible < 1 s)")
                browser.close()
        finally:
            bare.terminate()
            server.terminate()
            server.wait(timeout=20)


POINT = POINT_IN_TERRITORY  # bench/common.py



if __name__ == "__main__":
    main()
