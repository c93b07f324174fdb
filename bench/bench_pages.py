"""Server-side re-render time of every page for its main widget changes (Streamlit AppTest).

Run: .venv/bin/python bench/bench_pages.py   (prints; asserts nothing; builds a fresh database first)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, p95, stats_ms
from relance import compat, config
from relance.construction import build

REPEAT = 10

# (page, initial query string, label, change(at, i))
SCENARIOS = [
    ("carte", {}, "Carte : phase", lambda at, i: at.radio(key="phase").set_value(1 + i % 2)),
    ("carte", {"metrique": "relance"}, "Carte : lecture (taux / estimation / départements)",
     lambda at, i: at.radio(key="mode").set_value(["taux", "estimation", "departement"][i % 3])),
    ("carte", {}, "Carte : priorité",
     lambda at, i: at.selectbox(key="priorite").set_value(["competences", "innover", "toutes"][i % 3])),
    ("carte", {"metrique": "relance"}, "Carte : indicateur du Baromètre",
     lambda at, i: at.selectbox(key="indicateur").set_value(
         ["nb-entreprises-cheaque-numerique", "nb-entreprises-industrielles-agricoles"][i % 2])),
    ("carte", {}, "Carte : indicateur coloré",
     lambda at, i: at.selectbox(key="metrique").set_value(["population", "part_industrie", "relance"][i % 3])),
    ("carte", {}, "Carte : projets (cercles, taux)",
     lambda at, i: at.selectbox(key="metrique").set_value(["projets_10000", "projets_1000_emplois",
                                                           "nb_projets"][i % 3])),
    ("carte", {}, "Carte : territoire",
     lambda at, i: at.selectbox(key="ti").set_value(["ti-2706", "ti-9301", "ti-8416", "ti-1104"][i % 4])),
    ("territoire", {"ti": "ti-2706"}, "Fiche : territoire",
     lambda at, i: at.selectbox(key="ti").set_value(["ti-9301", "ti-2706", "ti-8416"][i % 3])),
    ("territoire", {"ti": "ti-2706", "onglet": "Graphiques"}, "Fiche (graphiques) : territoire",
     lambda at, i: at.selectbox(key="ti").set_value(["ti-9301", "ti-2706", "ti-8416"][i % 3])),
    ("territoire", {"ti": "ti-2706", "onglet": "Baromètre"}, "Fiche (Baromètre) : indicateur",
     lambda at, i: at.selectbox(key="indicateur").set_value(
         ["nb-entreprises-cheaque-numerique", "nb-entreprises-industrielles-agricoles"][i % 2])),
    ("comparer", {"comparer": "ti-2706,ti-9301"}, "Comparer : territoires",
     lambda at, i: at.multiselect(key="comparer").set_value(
         [["ti-2706", "ti-9301", "ti-8416"], ["ti-2706", "ti-9301"]][i % 2])),
    ("comparer", {"comparer": "ti-2706,ti-9301", "onglet": "Baromètre"}, "Comparer (Baromètre) : priorité",
     lambda at, i: at.selectbox(key="priorite").set_value(["innover", "competences"][i % 2])),
    ("france", {}, "Reste de la France : phase", lambda at, i: at.radio(key="phase").set_value(1 + i % 2)),
    ("france", {"onglet": "Départements et Baromètre"}, "Reste de la France (Baromètre) : priorité",
     lambda at, i: at.selectbox(key="priorite").set_value(["innover", "competences", "foncier"][i % 3])),
    ("methodologie", {}, "Méthodologie : phase", lambda at, i: at.radio(key="phase").set_value(1 + i % 2)),
]


def main() -> None:
    import os

    from streamlit.testing.v1 import AppTest

    from relance.app import TEST_ENTRY  # the entry the tests drive (relance/app.py, quirk 2)

    print(f"Machine : {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.duckdb"
        build.build(config.raw_dir(), db_path)
        os.environ["RELANCE_DB"] = str(db_path)
        print(f"Rerun côté serveur après un changement de widget (AppTest, {REPEAT} changements, premier écarté) :")
        worst = ("", 0.0)
        for page, query, label, change in SCENARIOS:
            at = AppTest.from_file(str(TEST_ENTRY), default_timeout=120)
            at.run()
            compat.apptest_open(at, page)
            for key, value in query.items():
                at.query_params[key] = value
            at.run()
            out = []
            for i in range(REPEAT + 1):
                start = time.perf_counter()
                change(at, i).run()
                if at.exception:
                    raise RuntimeError(f"{label}: {at.exception}")
                if i:
                    out.append(time.perf_counter() - start)
            print(f"  {label:<52} {stats_ms(out)}")
            if p95(out) > worst[1]:
                worst = (label, p95(out))
        print(f"Le plus lent (p95) : {worst[0]}, {worst[1] * 1000:.0f} ms (cible < 300 ms)")


if __name__ == "__main__":
    main()
