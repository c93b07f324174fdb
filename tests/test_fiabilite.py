"""Reliability probes, each a test: rebuilds that never wear out, bounded input, imports as transactions,
required source files, no traceback, rows read as their authors meant, inert address values, safe defaults."""

from __future__ import annotations

import io
import os
import tomllib
from pathlib import Path

import duckdb
import pytest

from relance import compat, config, db, listes, placement
from relance.construction import build, imports, sources
from relance.errors import ListeError, SourceError

FIXTURES = Path(__file__).parent / "fixtures"


def test_twenty_rebuilds_in_a_row_keep_two_versions_named_from_the_link(tmp_path):
    link = tmp_path / "relance.duckdb"
    for number in range(20):
        fresh = tmp_path / f"nouveau-{number}.tmp"
        con = duckdb.connect(str(fresh))
        con.execute("create table essai as select ? as numero", [number])
        con.close()
        build._swap_in(fresh, link)
    versions = sorted(p.name for p in tmp_path.glob("relance.*.duckdb"))
    assert len(versions) == build.KEEP_VERSIONS
    assert all(len(name) == len("relance.v00000001.20261207T154512Z.duckdb") for name in versions)  # not chained
    assert [name.split(".")[1] for name in versions] == ["v00000019", "v00000020"]
    assert os.readlink(link) == versions[-1]
    con = duckdb.connect(str(link), read_only=True)
    assert con.execute("select numero from essai").fetchone()[0] == 19
    con.close()
    assert not list(tmp_path.glob(".*.lien")) and not list(tmp_path.glob("*.tmp"))


def _version(tmp_path: Path, number: int) -> Path:
    fresh = tmp_path / f"nouveau-{number}.tmp"
    con = duckdb.connect(str(fresh))
    con.execute("create table essai as select ? as numero", [number])
    con.close()
    return fresh


def test_a_time_zone_change_never_deletes_the_database_in_service(tmp_path, monkeypatch):
    """Two versions made under TZ=Europe/Paris, then one under TZ=UTC (a service in UTC, a shell in Paris, the
    autumn hour): the newest is the one in service, always present; earlier releases' names count as older."""
    import time

    link = tmp_path / "relance.duckdb"
    legacy = tmp_path / "relance.20261207163000000000.duckdb"  # a version named by an earlier release
    legacy.write_bytes(b"")
    for number, zone in enumerate(["Europe/Paris", "Europe/Paris", "UTC", "America/Cayenne", "Pacific/Kiritimati"]):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        build._swap_in(_version(tmp_path, number), link)
        assert link.exists()
        con = duckdb.connect(str(link), read_only=True)
        assert con.execute("select numero from essai").fetchone()[0] == number  # the newest is in service
        con.close()
    monkeypatch.delenv("TZ")
    time.tzset()
    assert not legacy.exists() and len(build._versions(link)) == build.KEEP_VERSIONS


def test_a_version_another_process_reads_is_kept_until_it_is_closed(tmp_path):
    import subprocess
    import sys

    link = tmp_path / "relance.duckdb"
    build._swap_in(_version(tmp_path, 0), link)
    oldest = Path(os.path.realpath(link))
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], "
                               "read_only=True); c.execute('select 1'); print('ouvert', flush=True); sys.stdin.read()",
                               str(oldest)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ouvert"
        assert build.in_use(oldest)
        for number in range(1, 4):
            build._swap_in(_version(tmp_path, number), link)
        assert oldest.exists()  # read by another process: kept
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert not build.in_use(oldest)
    build._swap_in(_version(tmp_path, 4), link)
    assert not oldest.exists() and len(build._versions(link)) == build.KEEP_VERSIONS


def test_verifier_repairs_a_link_to_a_missing_file(tmp_path, capsys):
    from relance.__main__ import main

    link = tmp_path / "relance.duckdb"
    for number in range(2):
        fresh = tmp_path / f"vide-{number}.tmp"
        con = duckdb.connect(str(fresh))
        con.execute(build.SCHEMA.read_text(encoding="utf-8"))
        con.close()
        build._swap_in(fresh, link)
    newest = Path(os.path.realpath(link))
    previous = build._versions(link)[0]
    newest.unlink()  # the file in service gone
    assert main(["verifier", "--db", str(link), "--raw", str(tmp_path / "brut")]) == 0
    said = capsys.readouterr().out
    assert f"il désigne maintenant {previous.name}" in said
    assert Path(os.path.realpath(link)) == previous and link.exists()
    previous.unlink()
    assert main(["verifier", "--db", str(link), "--raw", str(tmp_path / "brut")]) == 1
    assert "aucune version n'est présente : reconstruisez la base" in capsys.readouterr().err


def test_leftovers_of_an_interrupted_build_are_cleaned(tmp_path):
    link = tmp_path / "relance.duckdb"
    leftovers = [tmp_path / "relance.duckdb.abc123.tmp", tmp_path / "relance.duckdb.abc123.tmp.wal",
                 tmp_path / ".relance.duckdb.2026.lien"]
    for path in leftovers:
        path.write_text("")
    assert sorted(build.clean_leftovers(link)) == sorted(leftovers)
    assert not any(p.exists() for p in leftovers)


def xlsx(rows: list[list], sheets: int = 1) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for number in range(1, sheets):
        book.create_sheet(f"Autre {number}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_spreadsheet_bomb_is_refused_before_parsing():
    import zipfile

    sound = zipfile.ZipFile(io.BytesIO(xlsx([["Nom du projet", "Code INSEE"], ["Robot", "58194"]])))
    huge = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>' + "x" * (61 * 1024 * 1024) + "</t></is></c></row></sheetData>"
            "</worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in sound.namelist():
            out.writestr(name, huge if name == "xl/worksheets/sheet1.xml" else sound.read(name))
    bomb = buffer.getvalue()
    assert len(bomb) < 1_000_000  # small on disk, one 61 MB cell once unzipped
    with pytest.raises(ListeError, match="trop gros une fois décompressé"):
        listes.parse(bomb, "bombe.xlsx")


def test_too_many_rows_refused_before_a_full_parse():
    text = "Nom du projet;Code INSEE\n" + "x;58194\n" * (listes.MAX_ROWS + 5)
    with pytest.raises(ListeError, match="lignes, au plus 20\u00a0000 : le fichier n'est pas lu"):
        listes.parse(text.encode(), "long.csv")


def test_upload_limit_is_set_on_the_server():
    settings = tomllib.loads((config.REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 == listes.MAX_UPLOAD_BYTES


@pytest.mark.parametrize(("amount", "reason"), [("1" + "0" * 400, "non plausible"), ("1e30", "illisible"),
                                                (1e30, "non plausible"), (float("inf"), "non plausible"),
                                                ("-12", "négatif")])
def test_amounts_must_be_finite_and_plausible(amount, reason):
    with pytest.raises(ValueError, match=reason):
        listes.parse_amount(amount)


def test_text_fields_are_capped():
    parsed = listes.parse(("Nom du projet;Code INSEE\n" + "x" * 10_000 + ";58194\n").encode(), "long.csv")
    assert len(parsed.rows[0].nom) == listes.MAX_TEXT


def test_rows_read_as_their_authors_meant(con, raw_dir):
    ref = placement.Reference.from_database(con, raw_dir)
    # coordinates alone place a project; swapped coordinates are detected and corrected
    parsed = listes.parse(b"Nom du projet;Latitude;Longitude\nA;46.99;3.16\nB;3.16;46.99\n", "points.csv")
    placed = placement.place_all(parsed.rows, ref)
    assert [w.commune_code for w in placed] == ["58194", "58194"]
    assert parsed.rows[1].problemes == ["latitude et longitude inversées dans le fichier : corrigées"]
    # a bare CR inside a cell is a line break, not a new row
    parsed = listes.parse(b'Nom du projet;Code INSEE\n"Ligne\rde peinture";58194\nAutre;58194\n', "cr.csv")
    assert [r.nom for r in parsed.rows] == ["Ligne de peinture", "Autre"]
    # UTF-16 is read; a byte-order mark or other line endings do not make a new list
    text = "Nom du projet;Code INSEE\nRobot;58194\n"
    utf16 = listes.parse(text.encode("utf-16"), "utf16.csv")
    assert [r.nom for r in utf16.rows] == ["Robot"]
    plain = listes.parse(text.encode(), "a.csv").sha256
    assert listes.parse(("\ufeff" + text).encode(), "b.csv").sha256 == plain
    assert listes.parse(text.replace("\n", "\r\n").encode(), "c.csv").sha256 == plain == utf16.sha256


def test_extra_sheets_and_formulas_without_value_are_reported():
    parsed = listes.parse(xlsx([["Nom du projet", "Code INSEE", "Montant aide"], ["Robot", "58194", "=B2*2"]],
                               sheets=2), "classeur.xlsx")
    assert any("2 feuilles : seule la première" in w for w in parsed.warnings)
    assert any("formule sans valeur calculée (C2)" in w for w in parsed.warnings)


def test_every_expected_raw_file_is_required(raw_copy):
    relative = ("barometre-resultats-action-publique/departements-detail/"
                "barometre-resultats-relance-emploi-economie-detail-departement-58.csv")
    raw = raw_copy(relative, None)
    (raw / relative).unlink(missing_ok=True)
    with pytest.raises(SourceError, match=r"departement-58\.csv : fichier attendu absent"):
        sources.check_expected(raw)


def test_an_interrupted_import_is_repaired_by_a_new_import(raw_dir, empty_db):
    content = (FIXTURES / "liste_equipe.csv").read_bytes()
    folder = imports.imports_dir(empty_db)
    # killed after the file was kept, before the database had it
    import_id, _ = imports.store(listes.parse(content, "liste.csv"), content, folder, "2026-11-25")
    assert imports.stored(folder) == [] and len(imports.pending(folder)) == 1
    _, again, new = build.import_list(content, "liste.csv", raw_dir, empty_db)
    assert (again, new) == (import_id, True)  # not "déjà importé": the half-done import is finished
    assert [i["import_id"] for i in imports.stored(folder)] == [import_id] and imports.pending(folder) == []
    con = db.connect(empty_db)
    assert con.execute("select count(*) from projet where import_id = ?", [import_id]).fetchone()[0] == 5
    con.close()


def test_a_full_disk_while_an_import_writes_its_metadata_breaks_nothing(raw_dir, empty_db, monkeypatch, capsys):
    """A full disk while the metadata is written leaves neither file; an empty pending file left by an earlier
    release blocks no later import, and `verifier` sets it aside and says so, without a traceback."""
    import errno

    from relance.__main__ import main

    content = (FIXTURES / "liste_equipe.csv").read_bytes()
    folder = imports.imports_dir(empty_db)
    real_replace = os.replace

    def full_disk(source, target):
        if str(target).endswith(imports.PENDING):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        imports.store(listes.parse(content, "liste.csv"), content, folder, "2026-12-07")
    monkeypatch.setattr(os, "replace", real_replace)
    assert list(folder.iterdir()) == []  # neither the list nor its metadata
    (folder / "0123456789abcdef.json.en-cours").write_text("")  # left empty by a full disk (earlier release)
    (folder / "0123456789abcdef.csv").write_bytes(content)
    _, import_id, new = build.import_list(content, "liste.csv", raw_dir, empty_db)
    assert new and [i["import_id"] for i in imports.stored(folder)] == [import_id]
    assert main(["verifier", "--db", str(empty_db), "--raw", str(raw_dir)]) == 0
    said = capsys.readouterr().out
    assert "métadonnées illisibles de l'import 0123456789abcdef mises de côté" in said
    assert (folder / "0123456789abcdef.json.en-cours.illisible").exists()
    # a loaded list whose metadata was cut is remade from the database
    (folder / f"{import_id}.json").write_text("{")
    assert build.reconcile(raw_dir, empty_db) == [f"métadonnées illisibles de la liste {import_id} refaites depuis "
                                                  "la base"]
    assert [i["import_id"] for i in imports.stored(folder)] == [import_id]
    assert build.reconcile(raw_dir, empty_db) == []


def test_startup_check_reconciles_lists_and_database(raw_dir, empty_db):
    content = (FIXTURES / "liste_equipe.csv").read_bytes()
    folder = imports.imports_dir(empty_db)
    import_id, _ = imports.store(listes.parse(content, "liste.csv"), content, folder, "2026-11-25")
    assert build.reconcile(raw_dir, empty_db) == [f"import interrompu {import_id} abandonné (rechargez la liste)"]
    assert imports.pending(folder) == [] and not list(folder.glob(f"{import_id}.*"))
    # a kept list the database lacks (its database version was lost) is added back
    import_id, _ = imports.store(listes.parse(content, "liste.csv"), content, folder, "2026-11-25")
    imports.finalise(folder, import_id)
    assert build.reconcile(raw_dir, empty_db) == [f"liste {import_id} ajoutée à la base"]
    assert build.reconcile(raw_dir, empty_db) == []


def test_a_database_that_does_not_open_gives_a_french_message(empty_db, monkeypatch, built_db, capsys):
    from streamlit.testing.v1 import AppTest

    from relance import app
    from relance.__main__ import main

    version = Path(os.path.realpath(empty_db))
    version.write_bytes(version.read_bytes()[:4096])  # truncated behind the link
    monkeypatch.setenv("RELANCE_DB", str(empty_db))
    at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("La base de données ne s'ouvre pas" in e.value for e in at.error)
    assert main(["fiche", "ti-2706", "--phase", "1", "--out", str(empty_db.parent), "--db", str(empty_db)]) == 1
    err = capsys.readouterr().err
    assert "ne s'ouvre pas" in err and "Traceback" not in err


def test_a_base_of_an_older_version_says_so(db_copy, monkeypatch):
    """A server left running on a base built before a schema change (here: without the view the members' queries
    read) says the base comes from an older version and how to rebuild it, not that the file is damaged."""
    import duckdb
    from streamlit.testing.v1 import AppTest

    from relance import app

    con = duckdb.connect(str(db_copy))
    con.execute("drop view territoire_membre_type")
    con.close()
    monkeypatch.setenv("RELANCE_DB", str(db_copy))
    at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
    at.query_params["ti"] = "ti-2706"
    at.run()
    assert not at.exception
    said = [e.value for e in at.error]
    assert any("construite par une version précédente" in e and "python -m relance build" in e for e in said), said
    assert not any("ne s'ouvre pas" in e for e in said)


def test_served_safe_by_default():
    settings = tomllib.loads((config.REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["address"] == "127.0.0.1"
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["showErrorDetails"] == "none"


def test_table_toolbar_downloads_are_neutralised(built_db):
    from streamlit.testing.v1 import AppTest

    from relance import app

    at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
    at.run()
    compat.apptest_open(at, "projets")
    at.query_params["phase"] = "1"
    at.run()
    at.text_input(key="recherche").set_value("Société Z").run()
    shown = next(d.value for d in at.dataframe if "Projet" in d.value.columns)
    assert shown["Projet"].tolist() == ["'=HYPERLINK(\"http://x\")"]  # what the toolbar's CSV download holds too


def test_each_page_reports_its_own_bad_values(built_db):
    from streamlit.testing.v1 import AppTest

    from relance import app

    for page in ("france", "methodologie"):
        at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
        at.run()
        compat.apptest_open(at, page)
        at.query_params["priorite"] = "[x](https://evil.example)"
        at.run()
        assert any("Priorité : valeur « `[x](https://evil.example)` » inconnue" in w.value for w in at.warning), page


def test_a_control_character_in_a_staff_row_never_reaches_a_document(raw_dir, db_copy, make_filtres):
    """`Robot\\x01`: the character is removed where the list is read; the territory's fiche (PDF, Word, ZIP) is
    made in both phases."""
    from relance.views import territoire

    content = "Nom du projet;Code INSEE;Montant de l'aide (€)\nRobot\x01 de soudure;58194;1 200\n".encode()
    parsed = listes.parse(content, "controle.csv")
    assert parsed.rows[0].nom == "Robot de soudure"
    build.import_list(content, "controle.csv", raw_dir, db_copy)
    con = db.connect(db_copy)
    reader = db.reader(con)
    names = [n for (n,) in con.execute("select nom from projet where nom like 'Robot%soudure'").fetchall()]
    assert names == ["Robot de soudure"]
    for phase, ti in ((1, "ti-2706"), (2, "ti-2707")):
        fiche = territoire.fiche(reader, make_filtres(phase=phase), ti)
        assert fiche.pdf.startswith(b"%PDF") and fiche.docx[:2] == b"PK" and fiche.zip[:2] == b"PK"
    con.close()


def test_formulas_behind_invisible_characters_are_neutralised():
    from relance import export

    for text in ("\u200b=HYPERLINK(\"x\")", "\ufeff=cmd", "\u2060+1", "=1"):
        assert export.neutralised(text) == "'" + text
    assert export.neutralised("1 200 €") == "1 200 €"


@pytest.mark.france_entiere
def test_every_territory_table_exports_to_xlsx(run, make_filtres):
    """The laureates and Fonds friches tables of every territory of both phases, as the profile exports them: the
    rows of all territories in one workbook per table and phase (a row exports or not on its own; one workbook per
    territory took 36 s for the same rows)."""
    import pandas as pd
    from openpyxl import load_workbook

    from relance import export
    from relance.views import projets

    for phase in (1, 2):
        territories = run("territoires", phase=phase, ti=None)["ti_id"]
        every = run("projets", phase=phase)
        every = every[every["ti_id"].isin(territories)]  # the projects of a territory, those its profile shows
        friches = pd.concat([run("friches_territoire", phase=phase, ti=ti) for ti in territories], ignore_index=True)
        for table in (projets.laureates_table(run, every), projets.projects_table(run, every),
                      projets.friches_table(friches)):
            book = load_workbook(io.BytesIO(export.xlsx_bytes(table, {"Titre": f"phase {phase}"})))
            assert book["Données"].max_row == len(table) + 1
            assert len(table) > 0


@pytest.mark.parametrize("kind", ["png", "svg", "pdf", "csv", "xlsx", "docx", "zip"])
def test_a_failed_export_gives_a_file_that_says_why(kind):
    import zipfile

    from relance import export

    def broken() -> bytes:
        raise export.ExportError("Chromium introuvable sur le serveur")

    content = export.deferred(broken, kind)()
    if kind == "png":
        from PIL import Image

        assert Image.open(io.BytesIO(content)).size == (1520, 300)
    elif kind == "pdf":
        from pypdf import PdfReader

        assert "Export impossible" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    elif kind in ("xlsx", "docx", "zip"):
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert names and (kind != "zip" or names == ["export-impossible.txt"])
    else:
        assert "Export impossible : Chromium introuvable sur le serveur" in content.decode("utf-8")


def _staff(text: str | bytes, name: str = "liste.csv") -> listes.Parsed:
    return listes.parse(text.encode("utf-8") if isinstance(text, str) else text, name)


def test_a_comma_in_an_amount_of_a_comma_separated_file_is_refused_not_misread():
    with pytest.raises(ListeError, match=r"liste\.csv, ligne 2 : 4 champs au lieu des 3 de l'en-tête .* Séparez "
                                         r"les colonnes par « ; », ou mettez les montants entre guillemets"):
        _staff("Nom du projet,Montant de l'aide (€),Code INSEE\nRobot de soudure,1 200,50,58194\n")
    with pytest.raises(ListeError, match=r"ligne 3 : 4 champs"):
        _staff("Nom du projet,Montant de l'aide (€),Code INSEE\nPresse,2000,58194\nFour,15 000,00 €,58194\n")
    quoted = _staff('Nom du projet,Montant de l\'aide (€),Code INSEE\n"Robot de soudure","1 200,50",58194\n')
    assert (quoted.rows[0].nom, quoted.rows[0].montant_aide) == ("Robot de soudure", 1200.5)


def test_separators_are_found_whatever_the_header_holds():
    semicolons = _staff("Nom du projet;Montant (€, HT);Code INSEE\nRobot;1 200,50;58194\n")
    assert semicolons.rows[0].montant_aide == 1200.5
    tabs = _staff("Nom du projet\tMontant de l'aide (€)\tCode INSEE\nRobot\t1 200,50\t58194\n")
    assert (tabs.rows[0].nom, tabs.rows[0].montant_aide, tabs.rows[0].commune_code) == ("Robot", 1200.5, "58194")
    notes = _staff("Nom du projet;Code INSEE\nRobot;58194;à vérifier avec la DDT\nFour;58194\n")
    assert [r.nom for r in notes.rows] == ["Robot", "Four"]
    assert any("ligne 2 : texte à droite des colonnes, non lu (« à vérifier avec la DDT »)" in w
               for w in notes.warnings)


def test_two_encodings_in_one_file_are_reported_never_guessed():
    mixed = "Nom du projet;Code INSEE\nSociété Générale;58194\n".encode() + "Forge nivernaise é;58194\n".encode(
        "cp1252")
    with pytest.raises(ListeError, match=r"liste\.csv, ligne 3 : caractère qui n'est pas en UTF-8 .* mélange deux "
                                         r"encodages"):
        _staff(mixed)
    windows = _staff("Nom du projet;Code INSEE\nSociété Générale;58194\n".encode("cp1252"))
    assert windows.rows[0].nom == "Société Générale"  # a whole file in Windows-1252 is read as such
    with pytest.raises(ListeError, match=r"fichier UTF-16 tronqué"):
        _staff("Nom du projet;Code INSEE\nRobot;58194\n".encode("utf-16")[:-1])


def test_a_list_named_like_an_option_is_saved(raw_dir, db_copy, tmp_path, capsys):
    from relance.__main__ import main

    path = tmp_path / "liste.csv"
    path.write_text("Nom du projet;Code INSEE\nRobot;58194\n", encoding="utf-8")
    assert main(["import", str(path), "--nom=-liste.csv", "--db", str(db_copy), "--raw", str(raw_dir)]) == 0
    assert "-liste.csv : liste de l'équipe, 1\u00a0projet lisible, 0\u00a0ligne rejetée" in capsys.readouterr().out


def _with_part(workbook: bytes, name: str, data: bytes, replace: bool = False) -> bytes:
    """The workbook with one part added (or replaced), as a zip tool would write it."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if not (replace and item.filename == name):
                out.writestr(item, source.read(item.filename))
        out.writestr(name, data)
    return buffer.getvalue()


def test_a_workbook_of_styled_empty_cells_is_read_in_one_pass():
    """8 000 styled empty cells (`<c r=".." s="1"/>`, as Excel writes them) once took 14 s of regular expression;
    the sheet is now read in one pass."""
    import time
    import zipfile

    book = xlsx([["Nom du projet", "Code INSEE"], ["Robot", "58194"]])
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    cells = "".join(f'<c r="{chr(65 + i % 20)}{3 + i // 20}" s="1"/>' for i in range(20_000))
    styled = _with_part(book, "xl/worksheets/sheet1.xml",
                        sheet.replace("</sheetData>", f'<row r="3">{cells}</row></sheetData>').encode(), replace=True)
    start = time.perf_counter()
    parsed = listes.parse(styled, "style.xlsx")
    assert time.perf_counter() - start < 5  # linear: about 0,1 s here (the regular expression: minutes)
    assert [r.nom for r in parsed.rows] == ["Robot"]


def test_the_workbook_size_limit_counts_every_part_wherever_it_lives():
    book = xlsx([["Nom du projet", "Code INSEE"], ["Robot", "58194"]])
    heavy = _with_part(book, "donnees/sheet1.xml", b" " * (listes.MAX_UNCOMPRESSED + 1))
    assert len(heavy) < 1_000_000
    with pytest.raises(ListeError, match=r"classeur trop gros une fois décompressé"):
        listes.parse(heavy, "lourd.xlsx")


def test_the_preview_reads_a_file_in_a_process_of_its_own_with_limits():
    content = b"Nom du projet;Code INSEE\nRobot;58194\n"
    assert [r.nom for r in listes.parse_bounded(content, "liste.csv").rows] == ["Robot"]
    with pytest.raises(ListeError, match=r"liste\.csv : la lecture dépasse 0 s : le fichier n'est pas lu"):
        listes.parse_bounded(content, "liste.csv", seconds=0.0001)
    many = ("Nom du projet;Code INSEE\n" + "".join(f"Robot {i};58194\n" for i in range(19_000))).encode()
    with pytest.raises(ListeError, match=r"liste\.csv : la lecture demande trop de mémoire"):
        listes.parse_bounded(many, "liste.csv", memory=64 * 1024**2)  # below what reading it takes
    with pytest.raises(ListeError, match=r"liste\.csv : aucune colonne de localisation"):
        listes.parse_bounded(b"Nom;Montant\nRobot;12\n", "liste.csv")  # the worker's refusals come back as they are


def test_the_preview_worker_never_runs_the_page_script(tmp_path, monkeypatch):
    """Under Streamlit (and AppTest) the main module is the page script being run; a new process runs the main
    module first: the preview's worker must not (the dashboard would run again in it, a test's script killed it)."""
    import sys
    import types

    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('la page a tourné dans le lecteur')\n", encoding="utf-8")
    page = types.ModuleType("__main__")
    page.__file__, page.__spec__ = str(script), None
    monkeypatch.setitem(sys.modules, "__main__", page)
    content = b"Nom du projet;Code INSEE\nRobot;58194\n"
    assert [r.nom for r in listes.parse_bounded(content, "liste.csv").rows] == ["Robot"]
    assert sys.modules["__main__"] is page  # given back


def test_a_websocket_without_origin_is_accepted_from_this_machine_only():
    import asyncio

    from relance.garde import Garde

    def call(client, headers):
        reached, sent = [], []

        async def app(scope, receive, send):
            reached.append(scope["client"])

        async def receive():
            return {"type": "websocket.connect"}

        async def send(message):
            sent.append(message)

        scope = {"type": "websocket", "client": client, "headers": headers}
        asyncio.run(Garde(app)(scope, receive, send))
        return reached, sent

    assert call(("127.0.0.1", 5000), [(b"host", b"127.0.0.1:8501")]) == ([("127.0.0.1", 5000)], [])
    assert call(("::1", 5000), []) == ([("::1", 5000)], [])
    assert call(("192.0.2.7", 5000), [(b"host", b"tableau:8501")]) == ([], [{"type": "websocket.close",
                                                                             "code": 1008}])
    with_origin = [(b"host", b"tableau:8501"), (b"origin", b"http://tableau:8501")]
    assert call(("192.0.2.7", 5000), with_origin) == ([("192.0.2.7", 5000)], [])


def test_served_names_are_an_allow_list():
    settings = tomllib.loads((config.REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["allowedHosts"] == ["localhost", "127.0.0.1", "::1"]


def test_a_database_changed_under_the_server_is_noticed(db_copy, monkeypatch, tmp_path):
    """A file copied over the database in service: the next run reads it (no cached figure, no DuckDB instance
    of the old file); a broken one says « reconstruisez-la » on every page; the good file back is served again."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from relance import app

    monkeypatch.setenv("RELANCE_DB", str(db_copy))
    good = tmp_path / "bonne.duckdb"
    shutil.copyfile(db_copy, good)
    renamed = tmp_path / "renommee.duckdb"
    shutil.copyfile(db_copy, renamed)
    con = duckdb.connect(str(renamed))
    con.execute("update territoire set nom = 'Nevers renommé' where ti_id = 'ti-2706' and phase = 1")
    con.close()

    def page() -> AppTest:
        at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
        at.query_params["ti"] = "ti-2706"
        at.run()
        assert not at.exception
        return at

    assert any(h.value == "Nevers Val de Loire" for h in page().header)
    shutil.copyfile(renamed, db_copy)  # copied over the file in service, same path
    assert any(h.value == "Nevers renommé" for h in page().header)
    db_copy.write_bytes(db_copy.read_bytes()[:8192])  # broken
    shown = page()
    assert any("La base de données ne s'ouvre pas" in e.value and "Reconstruisez-la" in e.value for e in shown.error)
    assert not any("erreur inattendue" in e.value for e in shown.error)
    shutil.copyfile(good, db_copy)  # the good file back
    assert any(h.value == "Nevers Val de Loire" for h in page().header)


def test_a_failed_download_is_said_on_the_page_at_its_next_run():
    from streamlit.testing.v1 import AppTest

    from relance import export

    def script():
        import streamlit as st

        from relance import ui

        if st.session_state.get("echec") is None:  # the click: the file is built in another thread, and fails
            st.session_state["echec"] = ui._export_failed("ti-2706_phase1_carte.png")
            st.session_state["echec"]("Chromium introuvable sur le serveur")
        ui.show_export_failures()

    at = AppTest.from_function(script)
    at.run()
    said = [w.value.replace("\\", "") for w in at.warning]  # the file name is shown, never rendered
    assert any("Le téléchargement ti-2706_phase1_carte.png : Chromium introuvable sur le serveur a échoué" in w
               for w in said)
    at.run()
    assert not at.warning  # said once
    told = []
    content = export.deferred(lambda: 1 / 0, "csv", told.append)()
    assert told == ["erreur inattendue (ZeroDivisionError)"] and "Export impossible" in content.decode("utf-8")
