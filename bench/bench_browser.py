"""End to end in headless Chromium: time for each page to show its main chart, and for a filter change.

Run: .venv/bin/python bench/bench_browser.py   (prints; asserts nothing; starts its own server on 127.0.0.1)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, stats_ms
from bench.load_test import CHROMIUM_ARGS, start_server

PAGES = [
    ("Carte", "/?phase=1"),
    ("Fiche territoire", "/territoire?phase=1&ti=ti-2706"),
    ("Comparer", "/comparer?phase=1&comparer=ti-2706,ti-9301"),
    ("Territoires et reste de la France", "/france?phase=1"),
]
REPEAT = 5


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(f"Machine : {machine()}")
    server, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            print(f"Affichage du graphique principal dans Chromium ({REPEAT} chargements, page neuve à chaque fois) :")
            for label, path in PAGES:
                times = []
                for _ in range(REPEAT):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    start = time.perf_counter()
                    page.goto(url + path)
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000, state="attached")
                    times.append(time.perf_counter() - start)
                    page.close()
                print(f"  {label:<36} {stats_ms(times)}")
            print("Changement de phase jusqu'au nouveau graphique (carte) :")
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/?phase=1")
            page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=120_000, state="attached")
            times = []
            for i in range(REPEAT * 2):
                phase = 2 if i % 2 == 0 else 1
                start = time.perf_counter()
                page.get_by_text(f"Phase {phase} (").first.click()
                page.wait_for_function(
                    "(t) => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                    ".some(e => e.textContent.includes(t))", arg=f"Phase {phase} (", timeout=120_000)
                times.append(time.perf_counter() - start)
            print(f"  {'carte, phase 1 ↔ 2':<36} {stats_ms(times)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
