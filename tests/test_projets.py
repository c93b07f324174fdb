"""Project lists: the real DGE extract and hand-written samples, where each project lands and why."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from relance import db, listes, placement
from relance.construction import imports
from relance.errors import ListeError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def ref(con, raw_dir):
    return placement.Reference.from_database(con, raw_dir)


def placed(path: Path, ref) -> dict[int, tuple]:
    parsed = listes.parse(path.read_bytes(), path.name)
    out = {}
    for row in parsed.rows:
        where = placement.place(row, ref)
        out[row.ligne] = (row, where)
    return out


@pytest.mark.france_entiere
def test_real_extract_is_official_format_and_placed_by_coordinates(raw_dir, ref):
    path = raw_dir / "dge-plan-de-relance-extrait" / "plan-de-relance-extrait.csv"
    parsed = listes.parse(path.read_bytes(), path.name)
    assert parsed.format == "dge" and len(parsed.rows) == 14 and parsed.rejects == []
    rows = placed(path, ref)
    # "LANDES;SAINT-MALO;40100": the coordinates, postcode and département win over the commune name.
    row, where = rows[2]
    assert (where.commune_code, where.departement_code) == ("40261", "40")  # Saint-Geours-de-Maremne
    assert any("SAINT-MALO" in p for p in row.problemes)
    # "ARDENNES;MULHOUSE;8000": postcode leading zero restored, code_departement "8.0" read as 08.
    row, where = next(v for v in rows.values() if v[0].entreprise.startswith("SAS HANON"))
    assert row.code_postal == "08000" and row.departement_code == "08"
    assert where.commune_code == "08105" and where.confiance == "haute"  # Charleville-Mézières
    assert where.territoires == {1: "ti-4407", 2: "ti-4407"}
    # A 14-digit SIRET keeps its SIREN.
    valeo = next(v[0] for v in rows.values() if v[0].entreprise.startswith("VALEO"))
    assert valeo.siren == "438810129"
    assert sum(1 for _, w in rows.values() if w.confiance == "haute") == 12


@pytest.mark.france_entiere
def test_sample_official_file_defects(ref):
    rows = placed(FIXTURES / "dge_echantillon.csv", ref)
    parsed = listes.parse((FIXTURES / "dge_echantillon.csv").read_bytes(), "x.csv")
    assert parsed.rejects == []  # a laureate without a company name is kept, with the problem said
    assert rows[7][0].problemes[0] == "entreprise non publiée dans la liste DGE"
    guadeloupe, where = rows[2]
    assert guadeloupe.departement_code == "971"  # "971.0"
    assert guadeloupe.description == "Création d'une ligne de \"conditionnement\""  # HTML entities decoded
    assert (where.commune_code, where.territoires) == ("97103", {1: "ti-0101", 2: "ti-0102"})
    _toulouse, where = rows[4]  # a commune with several postcodes, placed by its unique postcode 31500
    assert (where.commune_code, where.methode) == ("31555", "code postal (commune unique)")
    _paris, where = rows[5]  # outside every territory: kept, with no territory
    assert where.commune_code == "75056" and where.territoires == {1: None, 2: None}
    _maintenon, where = rows[6]  # postcode shared by several communes, decided by the name that agrees
    assert (where.commune_code, where.methode) == ("28227", "code postal et nom de commune concordants")


@pytest.mark.france_entiere
def test_staff_list_rows_and_reasons(ref):
    path = FIXTURES / "liste_equipe.csv"
    parsed = listes.parse(path.read_bytes(), path.name)
    assert parsed.format == "liste"
    assert parsed.rejects == [(6, "montant illisible : 'douze euros'"), (7, "aucune localisation lisible")]
    rows = placed(path, ref)
    nevers, where = rows[2]
    assert nevers.montant_aide == 1200.5 and nevers.montant_investissement == 15000
    assert nevers.priorite == "innover" and where.territoires[1] == "ti-2706"
    vierzon, where = rows[3]
    assert vierzon.priorite == "foncier" and where.commune_code == "18279"
    ambiguous, where = rows[4]
    assert where.confiance == "non placé" and "nom de commune ambigu : 4 communes" in ambiguous.problemes[0]
    unknown, where = rows[5]
    assert unknown.problemes == ["code commune inconnu : 99999"]


def test_xlsx_staff_list(ref):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Intitulé", "Code postal", "Commune", "Aide"])
    sheet.append(["Robotisation", "58000", "Nevers", 25000])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = listes.parse(buffer.getvalue(), "liste.xlsx")
    assert parsed.format == "liste" and len(parsed.rows) == 1
    where = placement.place(parsed.rows[0], ref)
    assert where.commune_code == "58194" and parsed.rows[0].montant_aide == 25000


@pytest.mark.parametrize(("text", "value"), [("1 200,50 €", 1200.5), ("1.200,50", 1200.5), ("1200.5", 1200.5),
                                             ("12 k€", 12000), ("1,2 M€", 1_200_000), ("", None)])
def test_french_amounts(text, value):
    assert listes.parse_amount(text) == value


def test_bad_files_rejected_with_reason():
    with pytest.raises(ListeError, match="colonne du nom du projet manquante"):
        listes.parse(b"a;b\n1;2\n", "x.csv")
    with pytest.raises(ListeError, match="ni un classeur XLSX"):
        listes.parse(b"\x00\x01\x02binary" * 10, "x.csv")
    with pytest.raises(ListeError, match="trop gros"):
        listes.parse(b"a" * (listes.MAX_UPLOAD_BYTES + 1), "x.csv")
    with pytest.raises(ListeError, match="vide"):
        listes.parse(b"", "x.csv")


def test_measures_mapped_to_priorities():
    mapping = listes.measure_map(imports.measure_priorities())
    assert listes.priority_of("Soutien à l’investissement industriel dans les territoires", mapping) == "foncier"
    assert listes.priority_of("AMI Capacity – production de produits de santé", mapping) == "innover"
    assert listes.priority_of("Renforcement des compétences", mapping) == "competences"
    assert listes.priority_of("Mesure inconnue", mapping) is None


def test_import_command_stores_once_and_adds_to_the_database(raw_dir, empty_db, capsys):
    from relance.__main__ import main

    sample = FIXTURES / "liste_equipe.csv"
    args = ["--db", str(empty_db), "--raw", str(raw_dir)]
    assert main(["import", str(sample), *args]) == 0
    out = capsys.readouterr().out
    assert "ligne 6 rejetée : montant illisible : 'douze euros'" in out
    assert main(["import", str(sample), *args]) == 0
    assert "Déjà importé" in capsys.readouterr().out
    import_id = imports.stored(imports.imports_dir(empty_db))[0]["import_id"]
    con = db.connect(empty_db)
    assert con.execute("select count(*) from projet where import_id = ?", [import_id]).fetchone()[0] == 5
    assert con.execute("select count(*) from projet").fetchone()[0] == 5
    assert con.execute("select count(*) from projet_rejet where import_id = ?", [import_id]).fetchone()[0] == 2
    row = con.execute("select commune_code, epci_siren, placement, confiance, montant_aide from projet "
                      "where import_id = ? and ligne = 2", [import_id]).fetchone()
    assert row == ("58194", "245804406", "code commune", "haute", 1200.5)
    territories = con.execute("select phase, ti_id from projet_territoire p join projet q using (projet_id) "
                              "where q.import_id = ? and q.ligne = 2 order by phase", [import_id]).fetchall()
    assert territories == [(1, "ti-2706"), (2, "ti-2707")]
    con.close()
    assert main(["imports", "--remove", import_id, *args]) == 0
    con = db.connect(empty_db)
    assert con.execute("select count(*) from projet").fetchone()[0] == 0
    assert con.execute("select count(*) from projet_import").fetchone()[0] == 0
    con.close()
    assert imports.stored(imports.imports_dir(empty_db)) == []


def test_official_list_in_raw_directory_is_loaded(raw_copy, con):
    raw = raw_copy("dge-plan-de-relance/plan-de-relance.csv", None)
    (raw / "dge-plan-de-relance").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "dge_echantillon.csv", raw / "dge-plan-de-relance" / "plan-de-relance.csv")
    found = imports.lists(raw, raw / "aucun-import")
    assert [i["fichier"] for i in found] == ["plan-de-relance.csv"]
    tables = imports.tables(con, raw, found)
    assert list(tables["projet"]["source"].unique()) == ["DGE, Plan de relance – projets industriels"]
    assert len(tables["projet"]) == 6
    priorities = dict(zip(tables["projet"]["mesure"], tables["projet"]["priorite"], strict=True))
    # the measure is stored under its reviewed name (’ and ' are the same measure)
    assert priorities["Soutien à l'investissement industriel dans les territoires"] == "foncier"


def test_hostile_upload_content_is_inert(reader, make_filtres):
    from relance.views import projets

    content = (b"Nom du projet;Code INSEE;Montant aide\n"
               b"<script>alert(1)</script>;58194;10\n"
               b"=HYPERLINK(\"http://evil\",\"clic\");58194;20\n")
    parsed = listes.parse(content, "<b>liste</b>.csv")
    assert [r.nom for r in parsed.rows] == ["alert(1)", "=HYPERLINK(\"http://evil\",\"clic\")"]  # tags dropped
    frame = pd.DataFrame([{"projet_id": "x", "import_id": "0123456789abcdef", "format": "liste", "lecture": "equipe",
                           "laureat": f"x{i}", "texte_commun": None, "source": "s", "nom": r.nom,
                           "entreprise": "<img src=x>", "position": "point publié", "annee": 2021, "tonnes_co2": None,
                           "siren": None, "type_entreprise": None, "filiere": None, "mesure": None,
                           "priorite": None, "commune_code": "58194", "commune_nom": "Nevers",
                           "departement_code": "58", "epci_siren": None, "epci_nom": None, "ti_id": None,
                           "ti_nom": None, "lat": 46.99, "lon": 3.16, "placement": "code commune",
                           "confiance": "haute", "problemes": None, "montant_aide": 10.0,
                           "montant_investissement": None, "date": None, "description": None,
                           "fichier": "<b>liste</b>.csv"} for i, r in enumerate(parsed.rows)])
    chart = projets.projects_chart(reader, make_filtres(), frame, None)
    points = [t for t in chart.figure.data if t.type == "scattergeo" and t.customdata is not None]
    assert points[0].customdata[0][0] == "&lt;img src=x&gt;"
    from relance.views import common

    imports_frame = pd.DataFrame([{"import_id": "0123456789abcdef", "fichier": "<b>liste</b>.csv", "format": "liste",
                                  "lecture": "equipe"}])
    stub = lambda name, **p: imports_frame if name == "projet_imports" else reader.run(name, **p)  # noqa: E731
    assert "&lt;b&gt;liste&lt;/b&gt;.csv" in common.source_projets(stub, ["0123456789abcdef"])
    csv_text = chart.csv().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
