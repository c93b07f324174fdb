"""Exports for notes, checked for real: PNG pixels, SVG text, PDF pages and text, CSV and XLSX round trips."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from relance import db, export, fmt
from relance.__main__ import main
from relance.views import carte, territoire


@pytest.fixture(scope="module")
def map_chart(run, make_filtres):
    # As on the page: layers by URL in the figure shown, inline in the exports.
    page = db.Reader(run, _loader(run), lambda name, **params: f"{name}.geojson")
    return carte.carte(page, make_filtres(), "relance", "estimation", "ti-2706").chart


def _loader(run):
    def load(name, **params):
        return json.loads(run(name, **params).iloc[0, 0])

    return load


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_map_png_high_resolution(map_chart):
    width, height = png_size(map_chart.image("png"))
    assert (width, height) == (export.SCALE * export.WIDTH, export.SCALE * 820)


@pytest.mark.france_entiere
def test_map_svg_has_title_source_and_estimation(map_chart):
    svg = map_chart.image("svg").decode("utf-8")
    root = ET.fromstring(svg)  # noqa: S314 (our own export, not untrusted input)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Estimation pour le territoire, entreprises industrielles aidées à investir" in text
    assert "(valeurs départementales)" in text and "Estimation : entreprises industrielles" in text
    assert "Baromètre des résultats" in text
    assert "Phase 1 (2018-2022) · Toutes les priorités · au 31 décembre 2022" in text
    # The geometry is inline in the export (the page fetches it by URL), cut to what each layer draws.
    exported = export.fill_geometry(map_chart.export_figure().to_dict(), map_chart.layers)
    territories = next(t for t in exported["data"] if t.get("name") == "Territoires")
    assert territories["geojson"]["type"] == "FeatureCollection"
    assert len(territories["geojson"]["features"]) == len(territories["locations"]) == 149
    selection = next(t for t in exported["data"] if t.get("name") == "Sélection")
    assert [f["properties"]["ti_id"] for f in selection["geojson"]["features"]] == ["ti-2706"]
    departements = next(t for t in exported["data"] if t.get("name") == "Départements")
    # every filled-in feature drawn in the image: the 149 territories, the départements, the selection
    assert svg.count('class="choroplethlocation"') == 149 + len(departements["locations"]) + 1


def test_map_pdf_one_page(map_chart):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(map_chart.image("pdf")))
    assert len(reader.pages) == 1
    assert "estimation" in reader.pages[0].extract_text()


@pytest.mark.france_entiere
def test_csv_round_trip_in_french_settings(map_chart):
    data = map_chart.csv()
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["Identifiant", "Territoire", "Région"]
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(back) == 149
    row = back[back["Identifiant"] == "ti-2706"].iloc[0]
    estimate = next(c for c in back.columns if c.endswith("— estimation"))
    assert row[estimate] == 25  # rounded to the precision shown: whole units for an estimate


@pytest.mark.france_entiere
def test_xlsx_typed_with_sources_sheet(map_chart):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(map_chart.xlsx()))
    assert book.sheetnames == ["Données", "Sources"]
    sheet = book["Données"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Identifiant", "Territoire"]
    estimate_col = next(i for i, h in enumerate(header) if h.endswith("— estimation"))
    values = [row[estimate_col].value for row in sheet.iter_rows(min_row=2)]
    assert len(values) == 149 and all(isinstance(v, int | float) for v in values if v is not None)
    about = {row[0].value: row[1].value for row in book["Sources"].iter_rows()}
    assert about["Filtres"] == ("Phase 1 (2018-2022) · Toutes les priorités · au 31 décembre 2022 · cumul depuis "
                                "le début · en rouge : Nevers Val de Loire")
    assert "Baromètre" in about["Source"] and "Estimation" in about["Méthode"]


def test_file_names_are_safe():
    day = dt.date(2026, 11, 23)
    assert export.file_name("Projets par priorité", "png", 1, "ti-0101", day) == \
        "ti-0101_phase1_projets-par-priorite_2026-11-23.png"
    name = export.file_name("L'Île / <script>\"x\" : ../../etc", "csv", 2, None, day)
    assert name == "france_phase2_l-ile-script-x-etc_2026-11-23.csv"


def test_formulas_neutralised_in_csv_and_xlsx():
    from openpyxl import load_workbook

    data = pd.DataFrame({"Nom": ["=HYPERLINK(\"http://x\")", "+1", "ok"], "Valeur": [1.5, 2.0, 3.0]})
    text = export.csv_bytes(data).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text
    book = load_workbook(io.BytesIO(export.xlsx_bytes(data, {"Titre": "=cmd"})))
    cells = [c.value for c in book["Données"]["A"]]
    assert cells[1] == "'=HYPERLINK(\"http://x\")"
    assert book["Données"]["B"][1].value == 1.5
    assert book["Sources"]["B"][0].value == "'=cmd"


def test_series_chart_exports(run, make_filtres):
    filtres = make_filtres()
    chart = territoire.series_chart(run, filtres, "ti-2706", "Nevers Val de Loire", filtres.indicateur)
    width, _ = png_size(chart.image("png"))
    assert width == export.SCALE * export.WIDTH
    svg = chart.image("svg").decode("utf-8")
    assert "Nevers Val de Loire" in svg and "Source" in svg
    today = dt.date.today()
    assert chart.name("png") == f"ti-2706_phase1_serie-entreprises-industrielles-aidees-a-investir_{today}.png"
    back = pd.read_csv(io.BytesIO(chart.csv()), sep=";", decimal=",", encoding="utf-8-sig")
    assert back.iloc[-1]["Date"] == "31/12/2022"
    assert back.iloc[-1]["Nevers Val de Loire, taux (pour 10 000 hab.)"] == 1.79  # rounded as shown
    assert ";1,79;" in chart.csv().decode("utf-8-sig")  # decimal comma in the file itself


@pytest.mark.france_entiere
def test_fiche_command_line_writes_pdf_and_zip(built_db, tmp_path, capsys):
    from pypdf import PdfReader

    assert main(["fiche", "ti-9301", "--phase", "1", "--out", str(tmp_path), "--db", str(built_db)]) == 0
    today = dt.date.today()
    pdf_name = f"ti-9301_phase1_fiche-territoire_{today.isoformat()}.pdf"
    zip_name = f"ti-9301_phase1_fiche-territoire_{today.isoformat()}.zip"
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf_name, zip_name]
    reader = PdfReader(tmp_path / pdf_name)
    assert 2 <= len(reader.pages) <= 4  # a note, not a report
    assert reader.metadata.title == "Fiche territoire : Aix-Marseille-Provence"
    texts = [page.extract_text().replace("\u00a0", " ") for page in reader.pages]
    for number, text in enumerate(texts, start=1):  # every page: its number, the date
        assert f"page {number} sur {len(texts)}" in text
        assert f"fiche établie le {fmt.date_longue(today)}" in text
    first = " ".join(texts[0].split())
    # page 1: each reading of the priority, the lead first, with its sentence
    assert first.index("Lauréats des appels industriels (liste DGE) (lecture principale)") < first.index(
        "Lauréats France Relance du Fonds friches (Cerema) (lecture principale)") < first.index(
        "Indicateurs du Baromètre (valeurs des départements du territoire) (à côté)")
    assert "lauréats des appels industriels (liste DGE) dans ses communes" in first
    text = " ".join(" ".join(texts).split())
    # then the territory next to its départements, région and France (multiples only on counts that carry them)
    assert "fois celui de la France" in text and "Bouches-du-Rhône (13)" in text
    assert "Région Provence-Alpes-Côte d'Azur" in text and "France entière" in text
    assert "Le territoire" in text and "Intercommunalités" in text
    assert "Lauréats du territoire" in text and "Fonds friches (France Relance) :" in text
    assert "Fonds vert" not in text.split("Fonds friches (France Relance) :")[1][:300]  # never listed with them
    # each member with its laureates (the most populous listed, the SIREN and type in the ZIP)
    assert "Membres et leurs lauréats" in text and "Martigues" in text
    assert "répartis entre ses 19 membres par la commune de chaque lauréat" in text
    assert "Sources et méthodes" in texts[-1] and "Baromètre des résultats de l'action publique" in text
    assert "None" not in text and "nan" not in text.split()
    names = zipfile.ZipFile(tmp_path / zip_name).namelist()
    assert pdf_name in names and pdf_name.replace(".pdf", ".docx") in names
    assert any(n.endswith(".svg") for n in names) and any(n.endswith(".png") for n in names)
    assert f"ti-9301_phase1_membres_{today.isoformat()}.csv" in names
    by_member = zipfile.ZipFile(tmp_path / zip_name).read(
        f"ti-9301_phase1_laureats-par-membre_{today.isoformat()}.csv").decode("utf-8-sig")
    assert "211300561" in by_member and "Martigues" in by_member  # Martigues, by its SIREN
    # the members' map: its drawing and note in the fiche, the whole image (title, source) in the ZIP
    assert "Lauréats par intercommunalité membre : Aix-Marseille-Provence : un cercle par membre" in text
    assert "Contours : IGN Admin Express via france-geojson, communes (géographie 2018)" in text
    assert f"ti-9301_phase1_carte-membres_{today.isoformat()}.png" in names
    # a long fiche: after shorter lists, its laureates and Fonds friches applications are left to the ZIP, said so
    laureates = f"ti-9301_phase1_laureats_{today.isoformat()}.csv"
    assert f"listés dans le ZIP de la fiche ({laureates}) et sur la page Projets" in text and laureates in names
    friches = f"ti-9301_phase1_fonds-friches_{today.isoformat()}.csv"
    assert f"listées dans le ZIP de la fiche ({friches})" in text and friches in names
    assert main(["fiche", "ti-9999", "--phase", "1", "--out", str(tmp_path), "--db", str(built_db)]) == 2
    assert "n'existe pas en phase 1" in capsys.readouterr().err


@pytest.mark.france_entiere
def test_fiche_word_file_is_editable_with_real_tables_and_images(built_db, tmp_path, con):
    from docx import Document

    assert main(["fiche", "ti-2706", "--phase", "1", "--out", str(tmp_path), "--db", str(built_db),
                 "--format", "docx"]) == 0
    docx_name = f"ti-2706_phase1_fiche-territoire_{dt.date.today().isoformat()}.docx"
    assert docx_name in [p.name for p in tmp_path.iterdir()]
    document = Document(tmp_path / docx_name)
    assert document.core_properties.title == "Fiche territoire : Nevers Val de Loire"
    assert document.core_properties.language == "fr-FR"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == "Nevers Val de Loire" and "Sources et méthodes" in headings
    # the comparison as a real table, figures as text in its cells (French formats), one pair of columns per
    # reading that covers France
    scales = next(t for t in document.tables if t.rows[0].cells[0].text == "Échelle")
    rows = [[c.text for c in r.cells] for r in scales.rows]
    assert rows[0] == ["Échelle", "Population", "Appels industriels (DGE) : lauréats",
                       "Appels industriels (DGE) : pour 10 000 hab.", "Fonds friches : lauréats",
                       "Fonds friches : pour 10 000 hab."]
    laureates = dict(con.sql("select i.lecture, count(distinct l.laureat) from projet_territoire pt join projet p "
                             "using (projet_id) join projet_import i using (import_id) join projet_laureat l "
                             "using (projet_id) where pt.phase = 1 and pt.ti_id = 'ti-2706' group by 1").fetchall())
    dge, friches = laureates["dge"], laureates["friches"]
    assert rows[1] == ["Nevers Val de Loire (territoire)", "138\u00a0181", str(dge),
                       fmt.nombre(dge / 138181 * 10000, 2), str(friches), fmt.nombre(friches / 138181 * 10000, 2)]
    assert laureates["equipe"] == 2  # the staff's sample projects: never in the comparison
    assert rows[2][0] == "Nièvre (58)" and rows[-1][0] == "France entière"
    # France counts the DGE laureates of its 101 départements once each (the list's 9 rows of code 98 apart)
    france = con.sql("select count(distinct l.laureat) from projet p join projet_laureat l using (projet_id) "
                     "join departement d on d.code = p.departement_code where p.import_id like 'dge-p%'").fetchone()[0]
    assert int(rows[-1][2].replace("\u00a0", "")) == france
    assert int(rows[-1][4].replace("\u00a0", "")) == 983
    members = next(t for t in document.tables if t.rows[0].cells[0].text == "Membre")
    assert len(members.rows) == 1 + 6 and members.rows[1].cells[0].text == "CA de Nevers"
    body = document.element.body
    pictures = body.xpath(".//pic:pic")
    assert len(pictures) >= 3  # locator map, laureates by measure (the Baromètre beside: its series on the page),
    # and the members' map with its note under it
    descriptions = [d.get("descr") for d in body.xpath(".//wp:docPr")]
    assert any(d.startswith("Lauréats par intercommunalité membre : Nevers Val de Loire") for d in descriptions)
    assert any(p.text.startswith("Lauréats par intercommunalité membre : Nevers Val de Loire : un cercle par membre")
               for p in document.paragraphs)
    assert all(d.get("descr") for d in body.xpath(".//wp:docPr"))  # each image has a text alternative
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "fiche établie le" in footer


# --- On a phone and zoomed -----------------------------------------------------------------------------------

def _texts(figure) -> list[str]:
    """Title, annotations (source, panel titles) and axis titles, as lines."""
    layout = figure.layout
    parts = [layout.title.text] + [a.text for a in layout.annotations]
    parts += [axis.title.text for axis in (layout.xaxis, layout.yaxis) if axis.title.text]
    return [re.sub(r"<[^>]+>", "", line) for part in parts for line in part.split("<br>")]


@pytest.mark.france_entiere
def test_phone_layout_wraps_stacks_and_keeps_the_export(run, make_filtres):
    from relance import charts
    from relance.views import comparer

    filtres = make_filtres()
    chosen = ["ti-2706", "ti-2703", "ti-9301", "ti-9302", "ti-9303", "ti-0201"]
    view = comparer.comparaison(run, filtres, chosen)
    figures = [view.laureats.figure] + [c.figure for c in view.charts]
    assert len(figures) > 2
    for figure in figures:
        before = figure.to_json()
        phone = charts.for_phone(figure)
        assert figure.to_json() == before  # the page's figure (and so its exports) is left as it was
        assert max(len(line) for line in _texts(phone)) <= 48
        layout = phone.layout
        second = getattr(layout, "xaxis2", None)
        if second is not None and second.domain:
            # the two panels one above the other, each full width
            assert tuple(layout.xaxis.domain) == (0, 1) and tuple(second.domain) == (0, 1)
            assert layout.yaxis2.domain[1] < layout.yaxis.domain[0]
        # the source line sits under everything, the legend above the plot
        source = next(a for a in layout.annotations if a.name == "source")
        assert source.yanchor == "bottom" and source.y < 0
        assert layout.legend.yref == "container"


def test_phone_map_labels_insets_by_code(map_chart):
    from relance import charts

    phone = charts.for_phone(map_chart.figure)
    labels = next(t for t in phone.data if t.name == "Outre-mer")
    assert list(labels.text) == ["971", "972", "973", "974", "976"]
    assert phone.layout.height < map_chart.figure.layout.height


def test_selected_territory_zooms_the_page_map_not_the_export(map_chart):
    geo = map_chart.figure.layout.geo
    # Nevers Val de Loire lies around 3.2° E, 47° N: the page's map is framed on it, a few degrees wide
    assert geo.lonaxis.range[0] < 3.2 < geo.lonaxis.range[1] and geo.lonaxis.range[1] - geo.lonaxis.range[0] < 6
    assert geo.lataxis.range[0] < 47 < geo.lataxis.range[1]
    exported = map_chart.export_figure().layout.geo
    assert exported.lonaxis.range[1] - exported.lonaxis.range[0] > 20  # all of France, the territory in red


def test_no_selection_frames_france(run, make_filtres):
    page = db.Reader(run, _loader(run), lambda name, **params: f"{name}.geojson")
    geo = carte.carte(page, make_filtres(), "relance", "estimation", None).chart.figure.layout.geo
    assert geo.lonaxis.range[1] - geo.lonaxis.range[0] > 20


@pytest.mark.parametrize(("metric", "mode", "selected"), [
    ("nb_projets", "taux", "ti-2706"), ("projets_10000", "taux", None), ("part_industrie", "taux", None),
    ("relance", "estimation", "ti-2706"), ("relance", "departement", "ti-2706")])
def test_maps_built_unchecked_are_what_plotly_checks(run, make_filtres, metric, mode, selected):
    """The maps skip plotly's property checks for speed (charts._map_figure): each one, page and export, rebuilt
    through plotly's checking constructor is the same figure (a misspelt or unexpanded property would differ)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    page = db.Reader(run, _loader(run), lambda name, **params: f"{name}.geojson")
    chart = carte.carte(page, make_filtres(), metric, mode, selected).chart
    for figure in (chart.figure, chart.export_figure()):
        checked = go.Figure(json.loads(pio.to_json(figure, validate=False)))
        assert json.loads(pio.to_json(checked)) == json.loads(pio.to_json(figure, validate=False))


def test_exporter_defers_the_tab_reload():
    """relance.export defers kaleido's tab reload by overriding `_return_kaleido_tab` of kaleido 1.5 (pinned): an
    upgrade that renames it must fail here, not silently reload before each image again. Two images in a row (the
    second waits for the first one's reload) come out whole."""
    import kaleido

    from relance import charts

    assert callable(getattr(kaleido.Kaleido, "_return_kaleido_tab", None))
    figure = charts.count_bars(pd.DataFrame({"libelle": ["a", "b"], "projets": [1, 2]}), "libelle",
                               [("projets", "Projets")], "Titre", "Sous-titre", "Source : test", "Projets")
    first, second = (export.figure_bytes(figure, "png", height=300) for _ in range(2))
    assert first[:8] == second[:8] == b"\x89PNG\r\n\x1a\n" and png_size(first) == png_size(second)
    _, browser = export._KALEIDO
    assert type(browser)._return_kaleido_tab is not kaleido.Kaleido._return_kaleido_tab  # the override is in use
