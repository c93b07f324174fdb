"""Export timings: one chart in each format (map and line chart), and a whole fiche territoire.

Run: .venv/bin/python bench/bench_export.py   (prints; asserts nothing)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, stats_ms
from relance import db, export
from relance.filtres import Filtres
from relance.views import carte, common, territoire


def main() -> None:
    print(f"Machine : {machine()}")
    print(f"Chromium : {export.chromium()}")
    con = db.connect()
    reader = db.reader(con)
    run = reader.run
    indicator = next(i for i in common.indicateurs(run, "toutes") if i.id == "nb-entreprises-industrielles-agricoles")
    filtres = Filtres(1, "toutes", "Toutes les priorités", indicator)
    start = time.perf_counter()
    export.figure_bytes(territoire.series_chart(run, filtres, "ti-2706", "Nevers", indicator).figure, "png")
    print(f"Premier export du processus (démarrage de Chromium compris) : {time.perf_counter() - start:.1f} s")
    # As on the page: the map names its layers by URL, its exports fill them in.
    page = db.Reader(run, reader.load, lambda name, **params: f"{name}.geojson")
    charts = {
        "carte (149 territoires, géométrie incluse)": carte.carte(page, filtres, "relance", "taux", "ti-2706").chart,
        "série mensuelle": territoire.series_chart(run, filtres, "ti-2706", "Nevers Val de Loire", indicator),
    }
    for label, chart in charts.items():
        for fmt in ("png", "svg", "pdf"):
            times = []
            for _ in range(5):
                t = time.perf_counter()
                size = len(chart.image(fmt))
                times.append(time.perf_counter() - t)
            print(f"  {label:<44} {fmt.upper():<4} {stats_ms(times)}   {size / 1000:7.0f} Ko")
        for fmt, fn in (("csv", chart.csv), ("xlsx", chart.xlsx)):
            times = []
            for _ in range(5):
                t = time.perf_counter()
                size = len(fn())
                times.append(time.perf_counter() - t)
            print(f"  {label:<44} {fmt.upper():<4} {stats_ms(times)}   {size / 1000:7.0f} Ko")
    # As clicked on the page: a second between two images (kaleido reloads its tab after each, in that time).
    times = []
    chart = charts["carte (149 territoires, géométrie incluse)"]
    for _ in range(5):
        time.sleep(1)
        t = time.perf_counter()
        chart.image("png")
        times.append(time.perf_counter() - t)
    print(f"  {'carte, une seconde entre deux clics':<44} PNG  {stats_ms(times)}")
    for ti in ("ti-2706", "ti-9301"):
        t = time.perf_counter()
        result = territoire.fiche(reader, filtres, ti)
        print(f"Fiche territoire {ti} : {result.pages} pages, PDF {len(result.pdf) / 1000:.0f} Ko, "
              f"Word {len(result.docx) / 1000:.0f} Ko, ZIP {len(result.zip) / 1000:.0f} Ko, les trois en "
              f"{time.perf_counter() - t:.1f} s (cible < 10 s)")


if __name__ == "__main__":
    main()
