"""Every page through Streamlit's AppTest: widgets changed, figures asserted."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import brut
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from relance import app, compat, listes

APP = str(app.TEST_ENTRY)  # dashboard.py, run from outside the folder that holds pages/ (relance/app.py)


def start(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def frame(at: AppTest, column: str):
    """The (first) dataframe shown that has this column (AppTest gives dataframes no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The (first) static table shown that has this column."""
    return next(t.value for t in at.table if column in t.value.columns)


NATIONAL = ("select pt.ti_id, count(distinct l.laureat) from projet_territoire pt join projet p using (projet_id) "
            "join projet_import i using (import_id) join projet_laureat l using (projet_id) "
            "where pt.phase = 1 and i.lecture in ('dge', 'friches') group by 1")


def chart(at: AppTest, key: str) -> dict:
    """The figure of the chart with this key."""
    return json.loads(next(c for c in at.get("plotly_chart") if c.key == key).proto.spec)


def map_figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart on the page"
    return json.loads(charts[0].proto.spec)


def values(array) -> list:
    """A plotly JSON array, plain or typed (`{"dtype", "bdata"}`), as a list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def title_text(figure: dict) -> str:
    """The title as read: line breaks from wrapping and markup removed."""
    text = figure["layout"]["title"]["text"].replace("<br>", " ")
    return re.sub(r"<[^>]+>", "", text)


def choropleth(figure: dict) -> dict:
    """The coloured territories (not the grey 'Non disponible' layer nor the outlines)."""
    return next(t for t in figure["data"] if t["type"] == "choropleth" and t.get("name") != "Non disponible (gris)")


@pytest.fixture(autouse=True)
def _database(built_db):
    return built_db


def test_map_default_is_projects_drawn_as_circles(con):
    at = start()
    figure = map_figure(at)
    assert figure["layout"]["title"]["text"].startswith("<b>Lauréats France Relance dans les Territoires")
    assert "Appels industriels (DGE) et Fonds friches" in title_text(figure)  # what the circles add up
    circles = next(t for t in figure["data"]
                   if t["type"] == "scattergeo" and t.get("name") == "Lauréats France Relance")
    # laureates of the lists that cover France, counted once (never the staff's sample lists)
    placed = dict(con.execute(NATIONAL).fetchall())
    assert len(values(circles["marker"]["size"])) == len(placed)  # one circle per territory with a laureate
    largest = max(placed.values())
    biggest = max(values(circles["marker"]["size"]))
    assert biggest == pytest.approx(34)  # the largest count has the largest circle, areas proportional
    trace = choropleth(figure)
    nevers = trace["locations"].index("ti-2706")
    friches = con.execute("select count(*) from projet_territoire pt join projet using (projet_id) where pt.phase = 1 "
                          "and pt.ti_id = 'ti-2706' and import_id = 'cerema-friches'").fetchone()[0]
    assert (f"Lauréats France Relance : {placed['ti-2706']} (Appels industriels (DGE) {placed['ti-2706'] - friches}, "
            f"Fonds friches {friches})") in trace["customdata"][nevers][5]
    assert largest >= placed["ti-2706"]


@pytest.mark.france_entiere
def test_the_map_follows_the_lead_reading_of_the_priority():
    """« Lecture principale » (the default): under compétences the Baromètre's recruiting indicator, said so; under
    innover the decarbonisation and modernisation laureates."""
    at = start(priorite="competences", indicateur="nombre-contrats-apprentissage")
    assert at.selectbox(key="metrique").value == "lecture"
    assert "Taux pour 10 000 habitants, contrats d'apprentissage (valeurs départementales)" in title_text(
        map_figure(at))
    assert any("Lecture principale de « Compétences / recruter » : indicateurs du Baromètre" in c.value
               for c in at.caption)
    at = start(priorite="innover")
    figure = map_figure(at)
    assert title_text(figure).startswith("Lauréats France Relance dans les Territoires")
    assert "Décarbonation et modernisation (DGE)" in title_text(figure)


@pytest.mark.france_entiere
def test_map_barometre_readings_and_widgets_change_it():
    at = start(metrique="relance")
    figure = map_figure(at)
    trace = choropleth(figure)
    assert len(trace["locations"]) == 149
    title = title_text(figure)
    assert "Taux pour 10 000 habitants, entreprises industrielles aidées à investir (valeurs départementales)" in title
    assert "au 31 décembre 2022 · cumul depuis le début" in title
    nevers = trace["locations"].index("ti-2706")
    assert values(trace["z"])[nevers] == pytest.approx(1.78979, abs=1e-5)
    assert "1,79\u00a0entreprises industrielles pour 10\u00a0000 hab." in trace["customdata"][nevers][4]
    assert "Moyenne de 2\u00a0départements, pondérée par la population : Nièvre : 36, Cher : 74" in \
        trace["customdata"][nevers][5]
    assert "Rang du taux : 55e sur 149" in trace["customdata"][nevers][5]

    at.radio(key="mode").set_value("estimation").run()
    figure = map_figure(at)
    trace = choropleth(figure)
    assert values(trace["z"])[nevers] == pytest.approx(24.7315, abs=1e-3)
    assert "estimation" in trace["colorbar"]["title"]["text"]
    assert "≈\u00a025\u00a0entreprises industrielles" == trace["customdata"][nevers][4]  # rounded to whole units
    title = title_text(figure)
    assert "Estimation pour le territoire" in title and "(valeurs départementales)" in title
    assert any("Estimation." in c.value for c in at.caption)

    at.radio(key="mode").set_value("departement").run()
    trace = choropleth(map_figure(at))
    assert len(trace["locations"]) == 101
    nievre = trace["locations"].index("58")
    assert values(trace["z"])[nievre] == 36

    at.selectbox(key="metrique").set_value("population").run()
    figure = map_figure(at)
    assert "Phase 1 (2018-2022), 149\u00a0territoires" in figure["layout"]["title"]["text"]
    at.radio(key="phase").set_value(2).run()
    assert not at.exception
    trace = choropleth(map_figure(at))
    assert len(trace["locations"]) == 183
    assert str(at.query_params["phase"]) in ("2", "['2']")

    at.selectbox(key="metrique").set_value("nb_communes").run()
    trace = choropleth(map_figure(at))
    assert trace["colorbar"]["title"]["text"] == "Nombre de communes"
    basse_terre = trace["locations"].index("ti-0101")
    assert values(trace["z"])[basse_terre] == 17
    assert "17\u00a0communes" in trace["customdata"][basse_terre][4]

    at.selectbox(key="metrique").set_value("part_industrie").run()
    trace = choropleth(map_figure(at))
    ardeche = trace["locations"].index("ti-8401")
    assert values(trace["z"])[ardeche] == pytest.approx(21.7, abs=0.05)
    assert "21,7\u00a0%" in trace["customdata"][ardeche][4]


def test_priority_filters_indicators_everywhere():
    at = start(metrique="relance")
    at.selectbox(key="priorite").set_value("competences").run()
    options = at.selectbox(key="indicateur").options
    assert len(options) == 3 and all("entreprises" not in o for o in options)
    # the priority changed the indicator (and its date): one line says so, once
    changed = [i.value for i in at.info if "l'indicateur du Baromètre devient" in i.value]
    assert len(changed) == 1 and changed[0].startswith("Priorité « Compétences / recruter » : ")
    assert "au lieu de « Entreprises industrielles aidées à investir »" in changed[0] and ", lu au " in changed[0]
    at.run()
    assert not any("devient" in i.value for i in at.info)
    shared = start(priorite="competences")  # a link's first view: nothing changed for this reader
    assert not any("devient" in i.value for i in shared.info)
    figure = map_figure(at)
    assert "Compétences / recruter" in figure["layout"]["title"]["text"]
    at.selectbox(key="priorite").set_value("foncier").run()
    assert not at.exception
    assert any("Aucun indicateur du Baromètre" in i.value for i in at.info)


def test_select_territory_shows_panel():
    at = start()
    at.selectbox(key="ti").set_value("ti-2706").run()
    assert not at.exception
    assert any(h.value == "Nevers Val de Loire" for h in at.header)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Intercommunalités"] == "5"
    assert metrics["Population"] == "138\u00a0181"
    assert metrics["Communes"] == "102"
    members = table(at, "Membre")
    assert len(members) == 6
    assert members.iloc[0]["Membre"] == "CA de Nevers"
    assert members.iloc[0]["SIREN"] == "245804406"
    # The selection is outlined on the map and kept in the URL.
    figure = map_figure(at)
    selection = [t for t in figure["data"] if t.get("name") == "Sélection"]
    assert selection and selection[0]["locations"] == ["ti-2706"]
    assert "ti-2706" in str(at.query_params["ti"])


@pytest.mark.france_entiere
def test_url_reopens_view():
    at = start(phase="2", ti="ti-8401", metrique="nb_intercommunalites", priorite="innover",
               indicateur="nb-entreprises-cheaque-numerique")
    assert at.selectbox(key="indicateur").value == "nb-entreprises-cheaque-numerique"
    assert at.selectbox(key="priorite").value == "innover"
    assert any(h.value == "Ardèche Drôme Nord" for h in at.header)
    assert at.radio(key="phase").value == 2
    assert len(choropleth(map_figure(at))["locations"]) == 183
    departements = table(at, "Département")
    assert list(departements["Département"]) == ["Ardèche (07)", "Drôme (26)"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ti": "ti-9999"}, "n'existe pas en phase 1"),
        ({"phase": "1; drop table territoire"}, "inconnue"),
    ],
)
def test_bad_query_values_give_french_message_and_default_view(query, expected, attendu):
    """Through the app: the message shows and the default view is drawn (every value is tested on its parser)."""
    at = start(**query)
    warnings = " ".join(w.value for w in at.warning)
    assert expected in warnings
    assert len(choropleth(map_figure(at))["locations"]) == attendu["territoires"][1]
    assert not at.header


@pytest.mark.france_entiere
def test_unexpected_parameters_are_ignored():
    at = start(phase="2", foo="bar", utm_source="<script>", ti="ti-8401")
    assert not at.warning
    assert any(h.value == "Ardèche Drôme Nord" for h in at.header)
    assert len(choropleth(map_figure(at))["locations"]) == 183


def test_markup_in_query_is_shown_as_text():
    at = start(ti="<img src=x onerror=alert(1)>")
    warning = at.warning[0].value
    assert "mal formé" in warning
    assert "`<img src=x onerror=alert(1)>`" in warning  # an inline code span: shown as text, never as markup
    assert len(warning) < 300


@pytest.mark.france_entiere
def test_phase_change_clears_reused_territory_id():
    at = start(phase="1", ti="ti-0101")
    assert any(h.value == "Communauté d'agglomération Cap Excellence" for h in at.header)
    at.radio(key="phase").set_value(2).run()
    assert not at.header
    assert at.selectbox(key="ti").value is None


@pytest.mark.france_entiere
def test_methodologie_page_lists_sources_from_database():
    at = start()
    compat.apptest_open(at, "methodologie").run()
    assert not at.exception
    sources = at.table[0].value
    assert len(sources) == 17
    row = sources[sources["Source"].str.startswith("Territoires d'industrie, phase 2")].iloc[0]
    assert row["Lignes chargées"] == "183"
    assert row["Licence"] == "Licence Ouverte 2.0"


@pytest.mark.france_entiere
def test_methodologie_shows_priority_mapping():
    at = start()
    compat.apptest_open(at, "methodologie").run()
    model = frame(at, "Ce qu'elle laisse de côté")  # the reading model, read from its reviewed table
    reference = app.config.REPO_ROOT / "relance" / "reference"
    assert len(model) == len(pd.read_csv(reference / "lectures.csv", sep=";"))
    lead = model[(model["Priorité"] == "Compétences / recruter") & (model["Rôle"] == "lecture principale")]
    assert list(lead["Lecture"]) == ["Indicateurs du Baromètre sur le recrutement, l'apprentissage, l'insertion et "
                                     "la formation (valeurs des départements du territoire)"]
    merged = frame(at, "Lignes de la liste")  # where « a laureate counted once » merged rows
    velcorex = merged[merged["Entreprise"] == "VELCOREX"].iloc[0]
    assert (velcorex["Identifiant"], velcorex["Lignes de la liste"]) == ("ti-4410", 3)
    assert any("« par an »" in m.value and "évitées par an" in m.value for m in at.markdown)
    mapping = frame(at, "Justification")
    indicators, measures = (len(pd.read_csv(reference / name, sep=";"))
                            for name in ("indicateurs_priorites.csv", "mesures_priorites.csv"))
    assert len(mapping) == indicators + measures
    assert (mapping["Type"] == "mesure des projets").sum() == measures
    row = mapping[mapping["Identifiant"] == "nb-entreprises-industrielles-agricoles"].iloc[0]
    assert row["Priorité"] == "Innover / décarboner"
    assert row["Justification"]


def open_page(page: str, **query) -> AppTest:
    at = start()
    compat.apptest_open(at, page.removeprefix("pages/").removesuffix(".py"))
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.france_entiere
def test_profile_single_departement_territory():
    at = open_page("pages/territoire.py", phase="1", ti="ti-9303", onglet="Baromètre")
    assert at.title[0].value == "Carros"
    figure = chart(at, "serie")
    territory, region, france, published = figure["data"][:4]
    assert territory["name"] == "Carros (ses départements)"
    assert france["name"] == "France (somme des départements)"
    assert published["name"] == "France, valeur nationale publiée"
    assert region["name"] == "Région Provence-Alpes-Côte d'Azur (ses départements)"
    # Alpes-Maritimes: 77 companies at 2022-12-31 (raw CSV) for 1 128 418 inhabitants (sum of its communes).
    assert values(territory["y"])[-1] == pytest.approx(77 / 1128418 * 10000, rel=1e-9)
    ranks = frame(at, "Indicateur")
    main = ranks[ranks["Indicateur"] == "Entreprises industrielles aidées à investir"].iloc[0]
    assert main["Valeurs des départements"] == "Alpes-Maritimes : 77"
    assert main["Lecture"].startswith("Valeur du département (Alpes-Maritimes)")
    assert main["Taux pour 10 000 habitants"] == "0,68"
    assert main["Estimation pour le territoire"] == "≈\u00a01 (estimation)"  # 77 x 13 803 / 1 128 418 = 0,94


@pytest.mark.france_entiere
def test_profile_multi_departement_territory_and_widget():
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706", onglet="Baromètre")
    assert at.title[0].value == "Nevers Val de Loire"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Part de l'industrie"] == "13,2\u00a0%"
    figure = chart(at, "serie")
    assert values(figure["data"][0]["y"])[-1] == pytest.approx(1.78979, abs=1e-5)
    ranks = frame(at, "Indicateur")
    main = ranks[ranks["Indicateur"] == "Entreprises industrielles aidées à investir"].iloc[0]
    assert main["Valeurs des départements"] == "Nièvre : 36, Cher : 74"
    assert main["Rang du taux"] == "55e sur 149"
    at.query_params["onglet"] = "Comparables et composition"
    at.run()
    assert not at.get("plotly_chart")[1:]  # the locator map only: the other tabs are not drawn
    peers = at.table[0].value
    assert len(peers) == 5 and peers.iloc[0]["Identifiant"] == "ti-7609"
    at.selectbox(key="ti").set_value("ti-9301").run()
    assert at.title[0].value == "Aix-Marseille-Provence"


def test_profile_tabs_lists_and_a_bad_tab_name():
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706", onglet="Projets et friches")
    projects = frame(at, "Entreprise")
    assert "ANVIS DECIZE SAS" in set(projects["Entreprise"])
    at.text_input(key="recherche-territoire").set_value("anvis").run()
    assert list(frame(at, "Entreprise")["Entreprise"]) == ["ANVIS DECIZE SAS"]
    assert {c.key for c in at.get("plotly_chart")} == {"localisation", "laureats-carte"}
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706", onglet="<script>alert(1)</script>")
    assert not at.exception  # an unknown tab name: the first tab, no error
    assert any(h.value == "France Relance dans le territoire" for h in at.header)


@pytest.mark.france_entiere
def test_compare_page_one_chart_per_indicator(con):
    at = open_page("pages/comparer.py", phase="1", comparer="ti-2706,ti-9301", priorite="innover")
    laureats = chart(at, "comparaison-laureats")
    # the readings the priority counts (never a Fonds friches column under innover), and two references
    assert [t["name"] for t in laureats["data"]] == ["Décarbonation et modernisation (DGE)"]
    assert [label.replace("<br>", " ") for label in laureats["data"][0]["y"]] == [
        "Nevers Val de Loire (ti-2706)", "Aix-Marseille-Provence (ti-9301)", "Ensemble des territoires de la phase 1",
        "France entière (101 départements)"]
    innover = con.execute("select count(distinct l.laureat) from projet p join projet_laureat l using (projet_id) "
                          "join departement d on d.code = p.departement_code where p.priorite = 'innover' "
                          "and p.import_id like 'dge-%'").fetchone()[0]
    assert values(laureats["data"][0]["x"])[3] == pytest.approx(innover / 68350798 * 10000, rel=1e-3)
    assert len(at.get("plotly_chart")) == 1  # one tab drawn at a time
    side = at.table[0].value.set_index("Identifiant")  # numbers written the French way, whatever the browser
    rate = values(laureats["data"][0]["x"])[0]  # Nevers, innovation laureates per 10 000 inhabitants
    column = "Décarbonation et modernisation (DGE)"
    assert side.loc["ti-2706", f"{column} : pour 10 000 hab."] == f"{rate:.2f}".replace(".", ",") != f"{rate:.2f}"
    assert side.loc["ti-2706", f"{column} : lauréats"] == str(round(rate * 138181 / 10000))
    assert "Fonds friches : hectares de friche" not in side.columns
    at.query_params["onglet"] = "Baromètre"
    at.run()
    barometre = [c for c in at.get("plotly_chart") if c.key.startswith("comparaison-comparaison-")]
    assert len(barometre) == 3  # one chart per indicator of the priority
    figure = json.loads(barometre[0].proto.spec)
    names = {t["name"] for t in figure["data"]}
    assert names == {"Nevers Val de Loire (ti-2706)", "Aix-Marseille-Provence (ti-9301)"}
    at.multiselect(key="comparer").set_value(["ti-2706", "ti-9301", "ti-9303"]).run()
    figure = json.loads(next(c for c in at.get("plotly_chart") if c.key.startswith("comparaison-comparaison-"))
                        .proto.spec)
    assert len(figure["data"]) == 6  # three territories, per capita and estimate
    assert "ti-9303" in str(at.query_params["comparer"])


@pytest.mark.france_entiere
def test_compare_ignores_unknown_ids_with_message():
    at = open_page("pages/comparer.py", phase="2", comparer="ti-8401,ti-0000,<b>x</b>")
    assert any("ignoré" in w.value for w in at.warning)
    assert at.multiselect(key="comparer").value == ["ti-8401"]


@pytest.mark.france_entiere
def test_territories_vs_rest_of_france_page():
    at = open_page("pages/france.py", phase="1", priorite="innover")
    assert [t.label for t in at.tabs] == ["Lauréats France Relance", "Départements et Baromètre"]  # no friches
    assert {c.key for c in at.get("plotly_chart")} == {"laureats-habitants", "laureats-emplois"}
    at.query_params["onglet"] = "Départements et Baromètre"
    at.run()
    summary = chart(at, "synthese")
    assert [t["name"] for t in summary["data"][:3]] == ["Tiers le moins couvert", "Tiers intermédiaire",
                                                       "Tiers le plus couvert"]
    assert len(summary["data"][0]["y"]) == 3  # the three indicators of the priority
    # 9 640 companies in all départements for 68 350 798 inhabitants: the index base.
    base = 9640 / 68350798 * 10000
    assert values(summary["data"][0]["x"])[0] == pytest.approx(1.199360 / base * 100, abs=1e-3)
    figure = chart(at, "terciles")
    assert values(figure["data"][0]["y"]) == pytest.approx([1.199360, 1.612806, 1.519788], abs=1e-6)
    at.selectbox(key="priorite").set_value("foncier").run()
    assert not at.exception
    assert [t.label for t in at.tabs][-1] == "Fonds friches par région"
    at.query_params["onglet"] = "Fonds friches par région"
    at.run()
    friches = frame(at, "Lauréates France Relance")

    def total(column):
        return friches[column].str.split(" ").str[0].str.replace("\u00a0", "").astype(int).sum()

    # PROVENANCE 4a-4b: 3 010 France Relance applications, 1 185 laureates, 983 of them with a site; the Fonds vert
    # (1 436 applications) apart
    assert total("Candidatures France Relance") == 3010 and total("Lauréates France Relance") == 1185
    assert total("Dont situées (dans les territoires)") == 983
    assert total("Dont sans site (dans aucun territoire)") == 1185 - 983
    assert total("Fonds vert 2023 (hors France Relance) : candidatures") == 1436
    assert not any("ne peut pas être rattaché" in m.value for m in at.markdown)


@pytest.mark.france_entiere
def test_projects_page_filters(raw_dir):
    at = open_page("pages/projets.py", phase="1")
    metrics = {m.label: m.value for m in at.metric}
    # The whole DGE list and the Fonds friches laureates (loaded by default), and the two sample lists of the test
    # database (11 projects).
    expected = brut.dge_located(raw_dir) + brut.friches_laureates_with_commune(raw_dir) + 11
    assert metrics["Projets"] == f"{expected:,}".replace(",", "\u00a0")
    at.text_input(key="recherche").set_value("Forges de Nevers").run()
    assert {m.label: m.value for m in at.metric}["Projets"] == "1"
    table = at.dataframe[0].value
    assert set(table["Entreprise"]) == {"Forges de Nevers"}
    assert set(table["Territoire"]) == {"Nevers Val de Loire"}
    at.text_input(key="recherche").set_value("PARIS CHIMIE").run()
    at.radio(key="ou").set_value("hors").run()
    table = at.dataframe[0].value
    assert set(table["Entreprise"]) == {"PARIS CHIMIE"}
    assert (table["Territoire"] == "hors territoire").all()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"].startswith("<b>Projets France Relance</b>")


@pytest.mark.france_entiere
def test_projects_upload_preview_then_save(empty_db, monkeypatch):
    monkeypatch.setenv("RELANCE_DB", str(empty_db))
    at = open_page("pages/projets.py", phase="2")
    assert any("Aucune liste de projets n'est chargée" in i.value for i in at.info)
    content = (Path(__file__).parent / "fixtures" / "liste_equipe.csv").read_bytes()
    at.file_uploader(key="depot").set_value(("liste_equipe.csv", content, "text/csv")).run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert len(preview) == 5
    # every column the list fills, as it will be saved; territories by name; how a row is drawn apart from problems
    for column in ("Projet", "Entreprise", "Priorité", "Date", "Aide (€)", "Investissement (€)", "Commune",
                   "Territoire phase 1", "Territoire phase 2", "Dessiné", "Placement", "Confiance", "Problèmes"):
        assert column in preview.columns, column
    first = preview.iloc[0]
    assert (first["Projet"], first["Date"], first["Aide (€)"]) == ("Extension de l'atelier", "2021-05-01", 1200.5)
    assert first["Territoire phase 2"] == "Nevers Val de Loire (ti-2707)"
    assert first["Dessiné"] == "au centre de sa commune"  # placed by its commune: no problem said
    assert not first["Problèmes"]
    assert not preview["Problèmes"].fillna("").str.contains("sans point").any()
    assert "nom de commune ambigu" in preview[preview["Ligne"] == 4].iloc[0]["Problèmes"]
    rejects = at.dataframe[1].value
    assert list(rejects["Motif du rejet"]) == ["montant illisible : 'douze euros'", "aucune localisation lisible"]
    at.button(key="enregistrer").click().run()
    assert not at.exception
    import_id = listes.content_digest(content)[:16]
    assert any(import_id in m.value and "5\u00a0projets" in m.value for m in at.markdown)
    said = [s.value for s in at.success]
    assert len(said) == 1 and f"Liste enregistrée (import {import_id}) : 5\u00a0projets dans la base" in said[0]
    assert "Nevers Val de Loire" in said[0]  # the territory that received the most, linked to its fiche
    assert not any(b.key == "enregistrer" for b in at.button)  # the saved file left the box, with its button
    assert not any("Rien n'est enregistré" in m.value for m in at.markdown)
    from relance import db

    con = db.connect(empty_db)
    assert con.execute("select count(*) from projet").fetchone()[0] == 5
    con.close()


def test_map_and_profile_count_laureates_and_the_staff_apart(con):
    placed = dict(con.execute(NATIONAL).fetchall())["ti-2706"]
    samples = con.execute("select count(*) from projet_territoire join projet using (projet_id) where phase = 1 "
                          "and ti_id = 'ti-2706' and source = 'liste de l''équipe'").fetchone()[0]
    assert samples == 2  # the two sample projects of the staff's list: never counted with the others
    at = start(metrique="projets_10000", phase="1")
    trace = choropleth(map_figure(at))
    nevers = trace["locations"].index("ti-2706")
    assert values(trace["z"])[nevers] == pytest.approx(placed / 138181 * 10000)
    assert f"Lauréats France Relance : {placed}" in trace["customdata"][nevers][5]
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706")
    friches = con.execute("select count(*) from projet_territoire pt join projet using (projet_id) where pt.phase = 1 "
                          "and pt.ti_id = 'ti-2706' and import_id = 'cerema-friches'").fetchone()[0]
    laureates = [m.value for m in at.metric if m.label == "Lauréats"]
    assert laureates == [str(placed - friches), str(friches)]  # the DGE list, then the Fonds friches
    assert any("Listes de l'équipe" in m.value for m in at.markdown)
    assert any("1,2\u00a0k€ pour 1\u00a0projet sur 2" in c.value for c in at.caption)


def test_no_project_list_said_plainly(empty_db, monkeypatch):
    monkeypatch.setenv("RELANCE_DB", str(empty_db))
    at = start(metrique="nb_projets")
    shown = " ".join(i.value for i in at.info)
    assert "Aucun projet n'est chargé" in shown
    assert "Source absente des données brutes" in shown and "dge-plan-de-relance/plan-de-relance.csv" in shown
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706")
    shown = " ".join(i.value for i in at.info)
    assert "Source absente des données brutes" in shown
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "aucun lauréat des appels industriels (liste DGE) dans ses communes" in said
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706", priorite="foncier", onglet="Graphiques")
    shown = " ".join(i.value for i in at.info)
    assert "Aucun lauréat France Relance de cette priorité n'est placé dans ce territoire" in shown


@pytest.mark.france_entiere
def test_phase_changed_in_the_address_clears_the_territory():
    at = start(phase="1", ti="ti-9303")
    assert any(h.value == "Carros" for h in at.header)
    at.query_params["phase"] = "2"
    at.run()
    assert not at.exception
    assert at.selectbox(key="ti").value is None
    assert not at.header  # ti-9303 is another territory in phase 2: never shown silently
    assert len(choropleth(map_figure(at))["locations"]) == 183


def test_failed_save_keeps_nothing_and_says_why(empty_db, tmp_path, monkeypatch):
    from relance.construction import imports

    monkeypatch.setenv("RELANCE_DB", str(empty_db))
    blocked = tmp_path / "pas-un-dossier"
    blocked.write_text("")  # the list cannot be kept there: the save fails
    monkeypatch.setenv("RELANCE_IMPORTS", str(blocked))
    at = open_page("pages/projets.py", phase="1")
    content = (Path(__file__).parent / "fixtures" / "liste_equipe.csv").read_bytes()
    at.file_uploader(key="depot").set_value(("[clic](https://x).csv", content, "text/csv")).run()
    assert any("`[clic](https://x).csv`" in m.value for m in at.markdown)  # the file name is shown, not rendered
    at.button(key="enregistrer").click().run()
    assert not at.exception
    assert any("n'a pas été enregistrée" in e.value and "base précédente reste en service" in e.value
               for e in at.error)
    monkeypatch.delenv("RELANCE_IMPORTS")
    assert imports.stored(imports.imports_dir(empty_db)) == []
    from relance import db

    con = db.connect(empty_db)
    assert con.execute("select count(*) from projet").fetchone()[0] == 0
    con.close()


def test_date_selector_reads_another_date_and_is_in_the_address():
    at = start(metrique="relance", priorite="competences", indicateur="nombre-recrutements-jeunes")
    title = title_text(map_figure(at))
    assert "au 31 juillet 2022 · cumul de la campagne en cours" in title  # end of the last complete campaign
    assert at.selectbox(key="date").value == "2022-07-31"
    at.selectbox(key="date").set_value("2022-09-30").run()
    assert "au 30 septembre 2022" in title_text(map_figure(at))
    assert str(at.query_params["date"]) in ("2022-09-30", "['2022-09-30']")
    at = start(metrique="relance", indicateur="nombre-recrutements-jeunes", priorite="competences", date="2031-01-01")
    assert any("Date « `2031-01-01` » non publiée pour cet indicateur : sa date de lecture, le 31 juillet 2022"
               in w.value for w in at.warning)
    assert "au 31 juillet 2022" in title_text(map_figure(at))


# Every page and each of its tabs, on the base the test reads (the extract in the fast tier): the extract's own
# territories (ti-2401 Berry Sologne, ti-2706 Nevers Val de Loire, ti-2804 Côte d'Albâtre, relance/reference/
# controles_attendus.csv).
EVERY_PAGE = {
    "carte": ({"phase": "1", "ti": "ti-2706"}, "Carte des Territoires d'industrie"),
    "territoire": ({"phase": "1", "ti": "ti-2706"}, "Nevers Val de Loire"),
    "projets": ({"phase": "1", "ti": "ti-2706"}, "Projets France Relance"),
    "comparer": ({"phase": "1", "comparer": "ti-2706,ti-2401,ti-2804"}, "Comparer des territoires"),
    "france": ({"phase": "1"}, "Territoires d'industrie et reste de la France"),
    "methodologie": ({"phase": "1"}, "Méthodologie & sources"),
}


@pytest.mark.parametrize("page", list(EVERY_PAGE))
def test_every_page_and_tab_opens(page, perimetre):
    """Each page, then each of its tabs by its address name: no exception, no error box, its title, a chart on every
    page but Méthodologie, and the base's perimeter said when it is the extract."""
    from relance import ui

    assert set(EVERY_PAGE) == set(ui.PAGES)
    query, heading = EVERY_PAGE[page]
    at = open_page(page, **query)
    labels = [t.label for t in at.tabs]
    drawn = []  # what each tab drew: one tab drawn at a time, each its own
    for label in [None, *labels[1:]]:
        if label:
            at.query_params["onglet"] = label
            at.run()
        where = f"{page} {label or ''}"
        assert not at.exception and not at.error, (where, at.exception, [e.value for e in at.error])
        assert at.title[0].value == heading, where
        assert page == "methodologie" or at.get("plotly_chart") or at.dataframe or at.table, where
        said = any("extrait des données (départements 18, 58, 76)" in w.value for w in at.warning)
        assert said == (perimetre == "extrait"), where
        drawn.append((tuple(c.key for c in at.get("plotly_chart")), len(at.dataframe), len(at.table)))
    assert len(set(drawn)) == len(drawn), drawn
    if page == "comparer":
        laureats = chart(open_page(page, **query), "comparaison-laureats")
        names = [label.replace("<br>", " ") for label in laureats["data"][0]["y"]]
        assert names[:3] == ["Nevers Val de Loire (ti-2706)", "Berry Sologne (ti-2401)",
                             "Côte d'Albâtre (ti-2804)"], names


def test_projects_search_filters_and_order_live_in_the_address():
    """A colleague opening a shared Projets address sees the same rows in the same order: search, localisation,
    multiple choices, the « douteux » box and the order are keys of the address; values it does not know are said."""
    at = open_page("pages/projets.py", phase="1")
    everything = {m.label: m.value for m in at.metric}["Projets"]
    at.text_input(key="recherche").set_value("  Industrie ").run()
    at.radio(key="ou").set_value("dans").run()
    size = at.multiselect(key="tailles").options[0]
    at.multiselect(key="tailles").set_value([size]).run()
    at.selectbox(key="tri").set_value("commune").run()
    query = {k: at.query_params[k] for k in at.query_params}
    assert (query["recherche"], query["ou"], query["tailles"], query["tri"]) == ("Industrie", "dans", size, "commune")
    assert "douteux" not in query  # an unticked box leaves the address
    rows = frame(at, "Entreprise")
    shown = {m.label: m.value for m in at.metric}["Projets"]
    assert 0 < len(rows) and shown != everything
    assert (rows["Territoire"] != "hors territoire").all() and (rows["Taille d'entreprise"] == size).all()
    communes = [listes.plain(c) for c in rows["Commune"].dropna()]  # accents aside: « Évreux » after « Elbeuf »
    assert communes == sorted(communes)

    again = open_page("pages/projets.py", **query)  # the shared link, in a new session
    assert {m.label: m.value for m in again.metric}["Projets"] == shown
    pd.testing.assert_frame_equal(frame(again, "Entreprise"), rows)
    assert again.text_input(key="recherche").value == "Industrie" and again.selectbox(key="tri").value == "commune"

    odd = open_page("pages/projets.py", phase="1", tailles=f"{size}|Géante", douteux="oui", tri="hasard")
    said = " ".join(w.value for w in odd.warning)
    assert "Taille d'entreprise : valeur inconnue ignorée" in said and "Géante" in said
    assert "Douteux seulement" in said and "Tri : valeur" in said
    assert odd.multiselect(key="tailles").value == [size] and odd.query_params["tailles"] == size


def test_an_empty_table_is_said_in_french():
    """Streamlit's grid draws the English word « empty » on its canvas for a table without rows: a sentence instead,
    and no downloads of nothing."""
    def script():
        import pandas as pd

        from relance import export, ui

        ui.show_frame(pd.DataFrame(columns=["Entreprise"]), "vide")
        ui.show_table(export.Table(pd.DataFrame(columns=["Entreprise"]), "vide", "Vide", "aucun", "essai"), "vide-2")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception and not at.dataframe and not at.get("download_button")
    assert [c.value for c in at.caption] == ["Aucune ligne à montrer ici."] * 2


@pytest.mark.france_entiere
def test_rate_map_drawn_in_classes_stated_in_the_legend(con):
    """Laureates per 10 000 inhabitants: zero its own class, the quarters of the non-zero rates, an outlier apart
    (relance.lectures.classes), each class a key of the legend with its bounds, page and export alike."""
    from relance import lectures

    placed = dict(con.execute(NATIONAL).fetchall())
    population = dict(con.execute("select ti_id, population from territoire where phase = 1").fetchall())
    rates = {ti: placed.get(ti, 0) / population[ti] * 10000 for ti in population}
    found = lectures.classes(rates.values())
    at = start(metrique="projets_10000", phase="1")
    figure = map_figure(at)
    keys = [t["name"] for t in figure["data"] if t["type"] == "scattergeo" and t.get("showlegend")]
    present = sorted({found.classe(v) for v in rates.values()})
    assert len(keys) == len(present) and (keys[0] == "0") == (0 in present)
    assert keys[-1].endswith("(valeur extrême)") == (5 in present)
    assert "classes : zéro à part, puis les quarts" in figure["layout"]["legend"]["title"]["text"].replace("<br>", " ")
    trace = choropleth(figure)
    nevers = trace["locations"].index("ti-2706")
    position = int(values(trace["z"])[nevers])  # the class's place in the legend
    assert present[position] == found.classe(rates["ti-2706"])
    assert f"{rates['ti-2706']:.2f}".replace(".", ",") in trace["customdata"][nevers][4]  # the rate in the hover


def test_fiche_tab_by_member_intercommunality(con):
    """The fiche's « Par intercommunalité » tab: each member's laureates of the national lists (count, per 10 000
    inhabitants, by priority), adding up to the territory's; the six members of Nevers Val de Loire all listed."""
    placed = dict(con.execute(NATIONAL).fetchall())["ti-2706"]
    at = open_page("pages/territoire.py", phase="1", ti="ti-2706", onglet="Par intercommunalité")
    assert [h.value for h in at.header] == ["Lauréats par intercommunalité membre"]
    rows = frame(at, "Membre")
    assert len(rows) == 6 and "CA de Nevers" in set(rows["Membre"])
    assert rows["Lauréats"].sum() == placed
    priorities = [c for c in rows.columns if c.startswith("dont ")]
    assert priorities and (rows[priorities].sum(axis=1) == rows["Lauréats"]).all()
    nevers = rows[rows["Membre"] == "CA de Nevers"].iloc[0]
    assert nevers["Pour 10 000 habitants"] == pytest.approx(round(nevers["Lauréats"] / nevers["Population"] * 1e4, 2))
    said = " ".join(m.value for m in at.markdown)
    assert f"{placed}\u00a0lauréats" in said and "répartis entre ses 6\u00a0membres" in said
    # and on the members' map under the table: each member's contour, a circle and a name with its count
    shapes, circles = chart(at, "carte-membres")["data"][:2]
    assert shapes["featureidkey"] == "properties.siren" and len(shapes["geojson"]["features"]) == 6
    assert sorted(shapes["locations"]) == sorted(rows["SIREN"])
    nevers_label = next(t for t in circles["text"] if t.startswith("CA de Nevers"))
    assert f"{nevers['Lauréats']}\u00a0lauréats" in nevers_label
    assert [b.label for b in at.get("download_button") if b.key.startswith("carte-membres")][:1] == ["PNG"]


def test_comparer_splits_the_laureates_by_measure_on_demand():
    """« Détailler par mesure » (in the address): each compared territory's laureates measure by measure, adding up
    to its laureates of the lists the priority counts."""
    query = {"phase": "1", "comparer": "ti-2706,ti-2401,ti-2804"}
    at = open_page("pages/comparer.py", **query)
    assert not any("Mesure" in d.value.columns for d in at.dataframe)  # on demand only
    at.toggle(key="par_mesure").set_value(True).run()
    assert at.query_params["par_mesure"] == "1"
    split = frame(at, "Mesure")
    side = at.table[0].value.set_index("Identifiant")
    counted = [c for c in side.columns if c.endswith(" : lauréats")]
    assert len(counted) == 2  # DGE and Fonds friches under « toutes »
    for ti in ("ti-2706", "ti-2401", "ti-2804"):
        column = next(c for c in split.columns if c.endswith(f"({ti})"))
        assert split[column].sum() == sum(int(side.loc[ti, c].replace("\u202f", "").replace("\u00a0", ""))
                                          for c in counted), ti
    again = open_page("pages/comparer.py", **query, par_mesure="1")
    pd.testing.assert_frame_equal(frame(again, "Mesure"), split)


def test_comparer_starts_from_the_territory_being_read():
    """Opened from a fiche, Comparer already holds that territory (one name less to type); its address says so; an
    address with its own list keeps it."""
    at = open_page("territoire", phase="1", ti="ti-2706")
    compat.apptest_open(at, "comparer")
    at.run()
    assert not at.exception
    assert list(at.multiselect(key="comparer").value) == ["ti-2706"]
    assert "ti-2706" in str(at.query_params["comparer"])
    assert any(m.value.startswith("Nevers Val de Loire est choisi : ajoutez au moins un autre territoire de la "
                                  "phase 1") for m in at.info)
    at.multiselect(key="comparer").select("ti-2401").run()
    assert list(at.multiselect(key="comparer").value) == ["ti-2706", "ti-2401"]
    assert [c.key for c in at.get("plotly_chart")]  # two territories: the comparison is drawn
    listed = open_page("territoire", phase="1", ti="ti-2706")  # reading Nevers, then a link with its own list
    compat.apptest_open(listed, "comparer")
    listed.query_params["comparer"] = "ti-2401,ti-2804"
    listed.run()
    assert list(listed.multiselect(key="comparer").value) == ["ti-2401", "ti-2804"]


@pytest.mark.france_entiere
def test_a_territory_without_a_barometre_rate_is_not_ranked():
    """Mayotte's territory (ti-0601, phase 2) has no rate for the skills indicators: its panel and its fiche say
    « non classé » instead of failing (found by bench/load_ws.py going over every territory)."""
    from relance import lectures

    assert lectures.rang(float("nan"), pd.NA, 1, 183) == "non classé"
    at = start(phase="2", priorite="competences", ti="ti-0601")
    assert not at.error, [e.value for e in at.error]
    fiche = open_page("territoire", phase="2", priorite="competences", ti="ti-0601")
    assert not fiche.error, [e.value for e in fiche.error]
    fiche.query_params["onglet"] = "Baromètre"
    fiche.run()
    assert not fiche.error and "non classé" in frame(fiche, "Indicateur")["Rang du taux"].tolist()
