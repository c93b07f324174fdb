"""Foundation figures: build time, map geometry weight, warm queries, map page reruns (ours vs naive).

Run: .venv/bin/python bench/bench_map.py   (prints; asserts nothing)
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, p95, stats_ms, timings
from relance import config, db
from relance.construction import build

RERUNS = 40  # map reruns timed per kind of change (p95 of 40: the second slowest)
SAMPLE = {"phase": 1, "ti": "ti-2706", "couche": "departements", "priorite": None,
          "indicateur": "nb-entreprises-industrielles-agricoles", "date": dt.date(2022, 12, 31),
          "tis": ["ti-2706", "ti-9301"], "import_id": "0000000000000000", "lectures": ["dge", "friches"],
          "mesure": "Soutien à l'investissement industriel dans les territoires"}

NAIVE_PAGE = '''
import json, plotly.graph_objects as go, streamlit as st
raw = "{raw}"
phase = st.radio("phase", [1, 2])
path = raw + ("/anct-territoires-industrie-phase1/polygone-4326_ti.geojson" if phase == 1
              else "/anct-territoires-industrie-phase2/ti_geom.geojson")
geo = json.load(open(path, encoding="utf-8"))
deps = json.load(open(raw + "/anct-carto-admin-2025/polygone-4326_dep.geojson", encoding="utf-8"))
key = "id_ti" if phase == 1 else "id_territoire"
ids = [f["properties"][key] for f in geo["features"]]
fig = go.Figure(go.Choropleth(geojson=deps, featureidkey="properties.insee_dep",
                              locations=[f["properties"]["insee_dep"] for f in deps["features"]],
                              z=[0] * len(deps["features"]), showscale=False))
fig.add_trace(go.Choropleth(geojson=geo, featureidkey="properties." + key, locations=ids, z=list(range(len(ids)))))
fig.update_geos(fitbounds="locations", visible=False)
st.plotly_chart(fig)
'''


def apptest_reruns(script: Path, change, repeat: int, warmup: int = 1) -> list[float]:
    """Seconds per rerun of a Streamlit script after a widget change (server side, AppTest). The first `warmup`
    changes are not timed: they fill the caches (one change per value the loop cycles through; a phase change
    first seen costs 60 ms more, its queries and map layers)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    out = []
    for i in range(repeat + warmup):
        start = time.perf_counter()
        change(at, i)
        if at.exception:
            raise RuntimeError(at.exception)
        if i >= warmup:
            out.append(time.perf_counter() - start)
    return out


def chart_builders(con) -> None:
    """Time every chart builder on real data (figure construction only)."""
    from relance import charts
    from relance.filtres import Filtres
    from relance.views import carte, common, comparer, france, projets, territoire

    page = db.Reader(db.runner(con), db.reader(con).load, lambda name, **params: f"{name}.geojson")
    run = page.run
    indicator = next(i for i in common.indicateurs(run, "toutes") if i.id == "nb-entreprises-industrielles-agricoles")
    filtres = Filtres(1, "toutes", "Toutes les priorités", indicator)
    end = dt.date(2022, 12, 31)
    builders = {
        "territory_map (taux)": lambda: carte.carte(page, filtres, "relance", "taux", "ti-2706").chart.figure,
        "departement_map": lambda: carte.carte(page, filtres, "relance", "departement", None).chart.figure,
        "series_chart": lambda: territoire.series_chart(run, filtres, "ti-2706", "Nevers", indicator).figure,
        "comparison_chart": lambda: comparer.comparison_chart(run, filtres, ["ti-2706", "ti-9301"],
                                                              {"ti-2706": "A", "ti-9301": "B"}, indicator).figure,
        "terciles_chart": lambda: charts.terciles_chart(
            run("territoires_vs_france", phase=1, indicateur=indicator.id, date=end), "x", "u", 1, "s"),
        "coverage_scatter": lambda: charts.coverage_scatter(
            run("departements_couverture", phase=1, indicateur=indicator.id, date=end), "x", "u", 1, "s"),
        "coverage_summary_chart": lambda: france.summary_chart(run, filtres,
                                                               common.indicateurs(run, "toutes")).figure,
        "friches_chart": lambda: france.friches_chart(run).figure,
        "locator_map": lambda: charts.locator_map("d.geojson", ["01"], "t.geojson", "ti-2706", "Nevers", []),
        "projects_map": lambda: projets.projects_chart(page, filtres, run("projets", phase=1), None).figure,
        "projects_count_chart": lambda: projets.projects_count_chart(run, filtres, run("projets", phase=1),
                                                                     None).figure,
    }
    print("\nConstructeurs de graphiques (requêtes comprises, 10 exécutions) :")
    for name, builder in builders.items():
        print(f"  {name:<26} {stats_ms(timings(builder, repeat=10, warmup=1))}")


def projects_table(db_path: Path) -> None:
    """The projects table of the territory with the most projects, filtered as the profile and the Projets page do:
    from the phase's projects held in memory (ours) against a fresh query and a full table each time (naive)."""
    from relance.views import projets

    con = db.connect(db_path)
    run = db.runner(con)
    found = run("projets", phase=2)
    largest = found["ti_id"].value_counts().index[0]
    searches = itertools.cycle(["", "usine", "ligne", "robot", "décarbonation"])
    ours = timings(lambda: projets.projects_table(run, projets.filter_projects(found, next(searches), largest)),
                   repeat=50, warmup=2)

    def naive():
        fresh = db.run(con, "projets", phase=2)
        return projets.projects_table(run, projets.filter_projects(fresh, next(searches), largest))

    print(f"\nTable des projets du territoire qui en a le plus ({largest}, "
          f"{(found['ti_id'] == largest).sum()} projets), filtre et recherche :")
    print(f"  en mémoire (nôtre)       {stats_ms(ours)} (cible < 100 ms)")
    print(f"  requête à chaque fois    {stats_ms(timings(naive, repeat=20, warmup=1))}")
    con.close()


def main() -> None:
    raw = config.raw_dir()
    print(f"Machine : {machine()}")
    print(f"Données brutes : {raw}\n")

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.duckdb"
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            build.build(raw, db_path)
            builds.append(time.perf_counter() - start)
        print(f"Construction de la base (3 fois) : min {min(builds):.1f} s, max {max(builds):.1f} s (cible ≤ 30 s)")

        con = db.connect(db_path)
        layer = {(c, p): len(g.encode()) for c, p, g in con.execute(
            "select couche, phase, geojson from carte_couche").fetchall()}
        raw_dep = (raw / "anct-carto-admin-2025/polygone-4326_dep.geojson").stat().st_size
        raw_ti = {1: (raw / "anct-territoires-industrie-phase1/polygone-4326_ti.geojson").stat().st_size,
                  2: (raw / "anct-territoires-industrie-phase2/ti_geom.geojson").stat().st_size}
        print("\nGéométrie envoyée à la carte (territoires + limites de départements) :")
        for phase in (1, 2):
            ours = layer[("territoires", phase)] + layer[("departements", None)]
            naive = raw_ti[phase] + raw_dep
            print(f"  phase {phase} : {ours / 1000:7.1f} Ko, brut {naive / 1e6:.2f} Mo, "
                  f"ratio {naive / ours:5.1f}× (cible ≤ 400 Ko, ≥ 10×)")
        fc = json.loads(con.execute("select geojson from carte_couche where couche = 'territoires' and phase = 2")
                        .fetchone()[0])
        vertices = sum(len(ring) for f in fc["features"] for poly in (
            f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]])
            for ring in poly)
        print(f"  phase 2 : {len(fc['features'])} territoires, {vertices} sommets")
        import plotly.io as pio

        from relance import charts
        from relance.metriques import METRIQUES as METRICS

        territories = db.run(con, "territoires", phase=2, ti=None)
        codes = list(db.run(con, "departements")["code"])
        insets = json.loads(db.run(con, "carte_fond", couche="encarts").iloc[0, 0])
        by_url = charts.territory_map("app/static/carte/t.geojson", territories, METRICS["population"], 2,
                                      "app/static/carte/d.geojson", codes, insets, selected="ti-8401")
        inline = charts.territory_map(fc, territories, METRICS["population"], 2,
                                      json.loads(db.run(con, "carte_fond", couche="departements").iloc[0, 0]),
                                      codes, insets, selected="ti-8401")
        per_rerun = len(pio.to_json(by_url, validate=False))
        print(f"  figure envoyée à chaque rerun : {per_rerun / 1000:.1f} Ko (géométrie par URL, chargée une fois "
              f"et mise en cache par le navigateur) ; avec la géométrie incluse : "
              f"{len(pio.to_json(inline, validate=False)) / 1000:.1f} Ko")

        print("\nRequêtes, à chaud (200 exécutions) :")
        slowest = 0.0
        for query in db.all_queries():
            params = {name: SAMPLE[name] for name in query.params}
            values = timings(lambda q=query, p=params: db.run(con, q.name, **p), repeat=200, warmup=3)
            slowest = max(slowest, p95(values))
            print(f"  {query.name:<26} {stats_ms(values)}")
        print(f"  p95 le plus lent : {slowest * 1000:.1f} ms (cible ≤ 10 ms)")
        print("\nRequêtes, à froid (nouvelle connexion à chaque exécution, 20 exécutions) :")
        for query in db.all_queries():
            params = {name: SAMPLE[name] for name in query.params}

            def cold(q=query, p=params):
                fresh = db.connect(db_path)
                try:
                    db.run(fresh, q.name, **p)
                finally:
                    fresh.close()

            print(f"  {query.name:<26} {stats_ms(timings(cold, repeat=20, warmup=0))}")
        chart_builders(con)
        con.close()

        # The reruns in a process of their own, as a server's: not one that has just built three databases.
        subprocess.run([sys.executable, __file__, "--reruns", str(db_path)], check=True)
        projects_table(db_path)
        naive_script = Path(tmp) / "naive.py"
        naive_script.write_text(NAIVE_PAGE.format(raw=raw), encoding="utf-8")
        naive = apptest_reruns(naive_script, lambda at, i: at.radio[0].set_value(1 + i % 2).run(), 10, warmup=2)
        print(f"  carte naïve (géométrie brute), changement de phase {stats_ms(naive)}")


def reruns(db_path: str) -> None:
    """The Carte page's reruns, server side (AppTest), on the database at `db_path`."""
    import os

    os.environ["RELANCE_DB"] = db_path
    from relance.app import TEST_ENTRY as app  # dashboard.py, as the tests drive it

    print(f"\nPage Carte, changement de filtre, côté serveur (AppTest, {RERUNS} changements chacun, après un "
          "premier passage par chaque valeur ; cible p95 ≤ 150 ms) :")
    metrics = ["nb_communes", "population", "nb_intercommunalites"]
    kinds = [
        ("indicateur coloré", "metrique", metrics, "selectbox"),
        ("phase", "phase", [1, 2], "radio"),
        ("territoire", "ti", ["ti-2706", "ti-9301", "ti-8416", "ti-1104"], "selectbox"),
        ("projets (cercles, taux)", "metrique", ["nb_projets", "projets_10000", "projets_1000_emplois"], "selectbox"),
        ("projets, priorité", "priorite", ["foncier", "innover", "toutes"], "selectbox"),
    ]
    for label, key, values, widget in kinds:
        times = apptest_reruns(app, lambda at, i, k=key, v=values, w=widget: getattr(at, w)(key=k).set_value(
            v[i % len(v)]).run(), RERUNS, warmup=len(values))
        print(f"  {label:<24} {stats_ms(times)}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--reruns"]:
        reruns(sys.argv[2])
    else:
        main()
