"""Exports for notes, checked for real: PNG pixels, SVG text, PDF pages and text, CSV and XLSX round trips."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from relance import db, export
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


def test_map_svg_has_title_source_and_estimation(map_chart):
    svg = map_chart.image("svg").decode("utf-8")
    root = ET.fromstring(svg)  # noqa: S314 (our own export, not untrusted input)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Estimation pour le territoire, entreprises industrielles aidées à investir" in text
    assert "(valeurs départementales)" in text and "Estimation : entreprises industrielles" in text
    assert "Baromètre des résultats" in text
    assert "Phase 1 (2018-2022) · Toutes les priorités · au 31 décembre 2022" in text
    # The geometry is inline in the export (the page fetches it by URL).
    assert map_chart.export_figure().data[0].geojson["type"] == "FeatureCollection"


def test_map_pdf_one_page(map_chart):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(map_chart.image("pdf")))
    assert len(reader.pages) == 1
    assert "estimation" in reader.pages[0].extract_text()


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


def test_fiche_command_line_writes_pdf_and_zip(built_db, tmp_path, capsys):
    from pypdf import PdfReader

    assert main(["fiche", "ti-9301", "--phase", "1", "--out", str(tmp_path), "--db", str(built_db)]) == 0
    today = dt.date.today().isoformat()
    pdf_name, zip_name = f"ti-9301_phase1_fiche-territoire_{today}.pdf", f"ti-9301_phase1_fiche-territoire_{today}.zip"
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf_name, zip_name]
    reader = PdfReader(tmp_path / pdf_name)
    texts = [page.extract_text() for page in reader.pages]
    # page 1 leads with the territory's France Relance figures and its sentence
    assert "Projets France Relance" in texts[0] and "pour 10 000 habitants" in texts[0]
    assert any("projets France Relance" in t for t in texts[1:]) and any("Fonds friches" in t for t in texts)
    text = " ".join(texts)
    assert "Aix-Marseille-Provence" in text and "Martigues" in text and "211300561" in text
    names = zipfile.ZipFile(tmp_path / zip_name).namelist()
    assert pdf_name in names
    assert any(n.endswith(".svg") for n in names) and any(n.endswith(".png") for n in names)
    assert f"ti-9301_phase1_membres_{today}.csv" in names
    assert main(["fiche", "ti-9999", "--phase", "1", "--out", str(tmp_path), "--db", str(built_db)]) == 2
    assert "n'existe pas en phase 1" in capsys.readouterr().err
