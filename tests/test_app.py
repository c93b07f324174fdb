"""Every page through Streamlit's AppTest: widgets changed, figures asserted."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from relance import config

APP = str(config.REPO_ROOT / "dashboard.py")


def start(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def map_figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart on the page"
    return json.loads(charts[0].proto.spec)


def values(array) -> list:
    """A plotly JSON array, plain or typed (`{"dtype", "bdata"}`), as a list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def choropleth(figure: dict) -> dict:
    return next(t for t in figure["data"] if t["type"] == "choropleth")


@pytest.fixture(autouse=True)
def _database(built_db):
    return built_db


def test_map_phase_and_metric():
    at = start()
    trace = choropleth(map_figure(at))
    assert len(trace["locations"]) == 149
    assert "Phase 1 (2018-2022), 149 territoires" in map_figure(at)["layout"]["title"]["text"]

    at.radio(key="phase").set_value(2).run()
    assert not at.exception
    trace = choropleth(map_figure(at))
    assert len(trace["locations"]) == 183
    assert at.query_params["phase"] == ["2"] or at.query_params["phase"] == "2"

    at.selectbox(key="metrique").set_value("nb_communes").run()
    figure = map_figure(at)
    trace = choropleth(figure)
    assert trace["colorbar"]["title"]["text"] == "Nombre de communes"
    basse_terre = trace["locations"].index("ti-0101")
    assert values(trace["z"])[basse_terre] == 17
    assert "17\u00a0communes" in trace["customdata"][basse_terre][4]


def test_select_territory_shows_panel():
    at = start()
    at.selectbox(key="ti").set_value("ti-2706").run()
    assert not at.exception
    assert any(h.value == "Nevers Val de Loire" for h in at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Intercommunalités"] == "5"
    assert metrics["Population"] == "138\u00a0181"
    assert metrics["Communes"] == "102"
    members = at.table[1].value
    assert len(members) == 6
    assert members.iloc[0]["Membre"] == "CA de Nevers"
    assert members.iloc[0]["SIREN"] == "245804406"
    # The selection is outlined on the map and kept in the URL.
    figure = map_figure(at)
    selection = [t for t in figure["data"] if t.get("name") == "Sélection"]
    assert selection and selection[0]["locations"] == ["ti-2706"]
    assert "ti-2706" in str(at.query_params["ti"])


def test_url_reopens_view():
    at = start(phase="2", ti="ti-8401", metrique="nb_intercommunalites")
    assert any(h.value == "Ardèche Drôme Nord" for h in at.subheader)
    assert at.radio(key="phase").value == 2
    assert len(choropleth(map_figure(at))["locations"]) == 183
    departements = at.table[0].value
    assert list(departements["Département"]) == ["Ardèche (07)", "Drôme (26)"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ti": "ti-9999"}, "n'existe pas en phase 1"),
        ({"ti": "<script>alert(1)</script>"}, "mal formé"),
        ({"phase": "3"}, "Phase « 3 » inconnue"),
        ({"phase": "1; drop table territoire"}, "inconnue"),
        ({"metrique": "population; --"}, "inconnu"),
        ({"ti": "x" * 3000}, "mal formé"),
    ],
)
def test_bad_query_values_give_french_message_and_default_view(query, expected):
    at = start(**query)
    warnings = " ".join(w.value for w in at.warning)
    assert expected in warnings
    assert len(choropleth(map_figure(at))["locations"]) == 149
    assert not at.subheader


def test_phase_change_clears_reused_territory_id():
    at = start(phase="1", ti="ti-0101")
    assert any(h.value == "Communauté d'agglomération Cap Excellence" for h in at.subheader)
    at.radio(key="phase").set_value(2).run()
    assert not at.subheader
    assert at.selectbox(key="ti").value is None


def test_methodologie_page_lists_sources_from_database():
    at = start()
    at.switch_page("pages/methodologie.py").run()
    assert not at.exception
    sources = at.table[0].value
    assert len(sources) == 12
    row = sources[sources["Source"].str.startswith("Territoires d'industrie, phase 2")].iloc[0]
    assert row["Lignes chargées"] == "183"
    assert row["Licence"] == "Licence Ouverte 2.0"
