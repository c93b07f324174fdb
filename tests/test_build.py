"""The build on the real raw data: known facts, exact members, integrity, bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from relance import db
from relance.construction import build, imports, sources
from relance.errors import BuildError, SourceError


def scalar(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


@pytest.mark.france_entiere
def test_territory_and_member_counts(con):
    counts = dict(con.execute("select phase, count(*) from territoire group by phase").fetchall())
    assert counts == {1: 149, 2: 183}
    members = dict(con.execute("select phase, count(*) from territoire_membre group by phase").fetchall())
    assert members == {1: 588, 2: 641}
    kinds = con.execute("select phase, kind, count(*) from territoire_membre group by all order by all").fetchall()
    assert kinds == [(1, "commune", 38), (1, "epci", 547), (1, "ept", 3),
                     (2, "commune", 12), (2, "epci", 626), (2, "ept", 3)]


@pytest.mark.france_entiere
def test_members_of_named_territories(con):
    def members(phase, ti):
        return {r[0] for r in con.execute(
            "select siren from territoire_membre where phase = ? and ti_id = ?", [phase, ti]).fetchall()}

    assert members(1, "ti-2706") == {"215800467", "200067700", "200067916", "200068088", "245801063", "245804406"}
    assert members(1, "ti-9303") == {"210600334"}
    assert members(2, "ti-0101") == {"249710062", "249710070"}
    assert members(2, "ti-8401") == {"200016905", "200040491", "200041366", "200041465", "200071413", "200072015",
                                     "200073096", "240700716"}


@pytest.mark.france_entiere
def test_ids_reused_across_phases_are_different_territories(con):
    names = dict(con.execute("select phase, nom from territoire where ti_id = 'ti-0101'").fetchall())
    assert names == {1: "Communauté d'agglomération Cap Excellence", 2: "Basse-Terre"}


@pytest.mark.france_entiere
def test_named_territory_figures(con):
    row = con.execute("select nom, population, nb_membres, nb_intercommunalites, nb_communes, departements "
                      "from territoire where phase = 1 and ti_id = 'ti-2706'").fetchone()
    assert row == ("Nevers Val de Loire", 138181, 6, 5, 102, "58,18")
    row = con.execute("select population, nb_communes, departements from territoire "
                      "where phase = 2 and ti_id = 'ti-8401'").fetchone()
    assert row == (262216, 207, "07,26")


def test_population_is_the_sum_of_member_communes(con):
    mismatches = scalar(con, """
        select count(*) from territoire t
        join (select tc.phase, tc.ti_id, sum(c.population) as pop from territoire_commune tc
              join commune c on c.code = tc.commune_code group by all) s using (phase, ti_id)
        where s.pop <> t.population""")
    assert mismatches == 0


def test_every_commune_in_one_territory_per_phase_and_known(con):
    sql = "select count(*) from territoire_commune tc anti join commune c on c.code = tc.commune_code"
    assert scalar(con, sql) == 0
    assert scalar(con, "select count(*) - count(distinct (phase, commune_code)) from territoire_commune") == 0


@pytest.mark.france_entiere
def test_keys_unique_and_not_null(con):
    assert scalar(con, "select count(*) from region") == 18
    assert scalar(con, "select count(*) from departement") == 101
    assert scalar(con, "select count(*) from epci") == 1255
    assert scalar(con, "select count(*) from commune where population is null or departement_code is null") == 0


@pytest.mark.france_entiere
def test_multi_departement_territories(con):
    counts = dict(con.execute("select phase, count(*) from territoire where departements like '%,%' "
                              "group by phase").fetchall())
    # Counted from the communes of each member (an EPCI can straddle a border): a little above
    # PROVENANCE's 57 and 63, counted from the EPCI's main département.
    assert counts == {1: 59, 2: 65}


@pytest.mark.france_entiere
def test_every_territory_has_a_polygon_on_the_map(con):
    import shapely

    for phase, expected in ((1, 149), (2, 183)):
        fc = json.loads(scalar(con, "select geojson from carte_couche where couche = 'territoires' and phase = ?",
                               phase))
        geoms = {f["properties"]["ti_id"]: shapely.geometry.shape(f["geometry"]) for f in fc["features"]}
        assert len(geoms) == expected
        assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0 for g in geoms.values())
    # The five phase-1 territories published as points now have polygons.
    rebuilt = [r[0] for r in con.execute("select ti_id from territoire where geometrie_source like 'reconstruite%' "
                                         "order by ti_id").fetchall()]
    assert rebuilt == ["ti-2706", "ti-8416", "ti-9301", "ti-9303", "ti-9307"]


def test_map_geometry_budget(con):
    size = sum(len(r[0]) for r in con.execute(
        "select geojson from carte_couche where couche in ('territoires', 'departements') and "
        "(phase = 2 or phase is null)").fetchall())
    assert size <= 400_000


@pytest.mark.france_entiere
def test_barometre_long_form(con):
    assert scalar(con, "select count(*) from indicateur_valeur where maille = 'departement'") == 22326
    assert scalar(con, "select count(*) from indicateur_valeur where maille = 'region'") == 4087
    assert scalar(con, "select count(*) from indicateur_valeur where maille = 'national'") == 234
    national = scalar(con, "select valeur from indicateur_valeur where id_indicateur = "
                           "'nb-entreprises-industrielles-agricoles' and maille = 'national' and date = '2022-12-31'")
    assert national == 8972
    total = scalar(con, "select sum(valeur) from indicateur_valeur where id_indicateur = "
                        "'nb-entreprises-industrielles-agricoles' and maille = 'departement' and date = '2022-12-31'")
    assert total == 9640


@pytest.mark.parametrize("check", db.checks(), ids=lambda q: q.name)
def test_data_check_holds(con, check):
    """Each data check (queries/controles) finds no offending row in the real database, as the build requires."""
    assert check.description.startswith("Contrôle : ")
    found = db.execute(con, check)
    assert found.empty, found.head()


MEMBRES_PHASE_1 = {"france": 588, "extrait": 14}  # PROVENANCE 1a; the extract's three territories (4 + 6 + 4)


def test_a_failing_check_stops_the_build_with_its_rule(db_copy, perimetre):
    import duckdb

    con = duckdb.connect(str(db_copy))
    con.execute("delete from territoire_membre where phase = 1 and siren = '245804406'")  # CA de Nevers
    expected = MEMBRES_PHASE_1[perimetre]
    with pytest.raises(BuildError, match=rf"contrôle « membres_par_phase » .* phase = 1, attendu = {expected}, "
                                         rf"trouve = {expected - 1}"):
        build.run_checks(con)
    con.close()


def test_build_is_idempotent(raw_dir, built_db, tmp_path):
    """A second build from the same raw files and lists gives the same content, table by table."""
    import duckdb

    again = tmp_path / "b" / "relance.duckdb"
    shutil.copytree(imports.imports_dir(built_db), imports.imports_dir(again))
    build.build(raw_dir, again)
    snapshots = []
    for path in (built_db, again):
        con = duckdb.connect(str(path), read_only=True)
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_type = 'BASE TABLE' and table_name <> 'build_info' "
                                            "order by 1").fetchall()]
        # count and an order-independent digest of every row
        snapshots.append({t: con.execute(f"select count(*), bit_xor(hash(t)) from {t} as t").fetchone()  # noqa: S608
                          for t in tables})
        con.close()
    assert snapshots[0] == snapshots[1]


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_failed_build_keeps_the_previous_database(raw_copy, db_copy, capsys):
    """End to end: a broken source file stops the build with a message naming it; the database in service stays."""
    from relance.__main__ import main

    relative = "anct-territoires-industrie-phase1/polygone-4326_ti.geojson"
    raw = raw_copy(relative, b'{"type": "FeatureCollection", "features": [')
    before = _sha(db_copy)
    assert main(["build", "--raw", str(raw), "--db", str(db_copy)]) == 1
    err = capsys.readouterr().err
    assert "polygone-4326_ti.geojson" in err and "JSON tronqué" in err and "La base précédente est conservée" in err
    assert _sha(db_copy) == before
    assert not list(db_copy.parent.glob("*.tmp"))


# --- Bad source files, at the reader: each names the file and the row or value at fault --------------------

BAROMETRE_58 = ("barometre-resultats-action-publique/departements-detail/"
                "barometre-resultats-relance-emploi-economie-detail-departement-58.csv")
PHASE2 = "anct-territoires-industrie-phase2/ti_geom.geojson"


@pytest.fixture(scope="module")
def codes(con):
    return ({r[0] for r in con.execute("select code from departement").fetchall()},
            {r[0] for r in con.execute("select code from region").fetchall()})


def read_barometre(raw, codes):
    return sources.read_barometre(raw, *codes)


def test_truncated_geojson_names_file_and_line(raw_dir, raw_copy):
    content = (raw_dir / PHASE2).read_bytes()
    raw = raw_copy(PHASE2, content[: len(content) // 2])
    with pytest.raises(SourceError, match=r"ti_geom.geojson, ligne \d+, colonne \d+ : JSON tronqué"):
        sources.read_ti_phase2(raw)


def test_csv_missing_column_names_file_and_column(raw_dir, raw_copy, codes):
    text = (raw_dir / BAROMETRE_58).read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:-1]) for line in text]  # drops `unite`
    raw = raw_copy(BAROMETRE_58, ("\n".join(cut) + "\n").encode())
    message = r"departement-58.csv, ligne 1 \(en-tête\) : colonne\(s\) manquante\(s\) : unite"
    with pytest.raises(SourceError, match=message):
        read_barometre(raw, codes)


def test_unknown_member_siren_names_territory(raw_dir, raw_copy, con):
    data = json.loads((raw_dir / PHASE2).read_text(encoding="utf-8"))
    data["features"][0]["properties"]["liste_geo"] += "; CC Imaginaire (999999999)"
    raw = raw_copy(PHASE2, json.dumps(data).encode())
    # What the build resolves members against, read back from the database (the real one costs a full read).
    communes = con.execute("select tc.commune_code, c.nom from territoire_commune tc join commune c "
                           "on c.code = tc.commune_code where tc.phase = 2").fetchall()
    ref = {"epci_nom": dict(con.execute("select siren, nom from epci").fetchall()),
           "ept_nom": dict(con.execute("select siren, nom from ept").fetchall()),
           "epci_communes": {}, "ept_communes": {}, "commune_nom": dict(communes),
           "commune_by_siren": {}}
    ref["epci_communes"] = {s: [] for s in ref["epci_nom"]}
    ref["ept_communes"] = {s: [] for s in ref["ept_nom"]}
    first = data["features"][0]["properties"]["id_territoire"]  # ti-0101 in the whole file
    with pytest.raises(SourceError, match=rf"ti_geom.geojson, entité 1 : SIREN membre inconnu : 999999999 "
                                          rf"\(territoire {first}\)"):
        build._resolve_members(2, sources.read_ti_phase2(raw), ref, raw / PHASE2)


def test_missing_source_file(raw_copy):
    relative = "decoupage-administratif-6.0.0/epci.json"
    raw = raw_copy(relative, None)
    (raw / relative).unlink(missing_ok=True)
    with pytest.raises(SourceError, match=r"epci\.json : fichier absent"):
        sources.read_epci(raw)


def test_cp1252_csv(raw_dir, raw_copy, codes):
    text = (raw_dir / BAROMETRE_58).read_text(encoding="utf-8")
    raw = raw_copy(BAROMETRE_58, text.encode("cp1252", errors="replace"))
    with pytest.raises(SourceError, match=r"departement-58.csv, ligne \d+ : encodage non UTF-8"):
        read_barometre(raw, codes)


def test_wrong_separator_names_file(raw_dir, raw_copy, codes):
    relative = "barometre-resultats-action-publique/barometre-resultats-relance-emploi-economie-detail-national.csv"
    text = (raw_dir / relative).read_text(encoding="utf-8").replace(",", ";")
    raw = raw_copy(relative, text.encode())
    with pytest.raises(SourceError, match=r"detail-national\.csv : séparateur inattendu"):
        read_barometre(raw, codes)


def test_empty_file(raw_copy):
    relative = "decoupage-administratif-6.0.0/regions.json"
    raw = raw_copy(relative, b"")
    with pytest.raises(SourceError, match=r"regions\.json : fichier vide"):
        sources.read_regions(raw)


def test_duplicate_territory_id(raw_dir, raw_copy):
    data = json.loads((raw_dir / PHASE2).read_text(encoding="utf-8"))
    data["features"][2]["properties"]["id_territoire"] = data["features"][1]["properties"]["id_territoire"]
    raw = raw_copy(PHASE2, json.dumps(data).encode())
    with pytest.raises(SourceError, match=r"ti_geom\.geojson, entité 3 : identifiant de territoire en double"):
        sources.read_ti_phase2(raw)


def test_self_intersecting_geometry(raw_dir, raw_copy):
    data = json.loads((raw_dir / PHASE2).read_text(encoding="utf-8"))
    bowtie = [[[2.0, 46.0], [3.0, 47.0], [3.0, 46.0], [2.0, 47.0], [2.0, 46.0]]]
    data["features"][2]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    raw = raw_copy(PHASE2, json.dumps(data).encode())
    with pytest.raises(SourceError, match=r"ti_geom.geojson, entité 3 : géométrie invalide \(Self-intersection"):
        sources.read_ti_phase2(raw)


def test_duplicate_barometre_value(raw_dir, raw_copy, codes):
    lines = (raw_dir / BAROMETRE_58).read_text(encoding="utf-8").splitlines()
    raw = raw_copy(BAROMETRE_58, ("\n".join([*lines, lines[1]]) + "\n").encode())
    with pytest.raises(SourceError, match=r"valeur en double pour .* \(departement 58,"):
        read_barometre(raw, codes)


def test_non_numeric_value_names_line(raw_dir, raw_copy, codes):
    lines = (raw_dir / BAROMETRE_58).read_text(encoding="utf-8").splitlines()
    parts = lines[3].split(",")
    parts[-2] = "douze"
    lines[3] = ",".join(parts)
    raw = raw_copy(BAROMETRE_58, ("\n".join(lines) + "\n").encode())
    with pytest.raises(SourceError, match=r"departement-58\.csv, ligne 4 : valeur non numérique : 'douze'"):
        read_barometre(raw, codes)


def test_fonds_friches_categories_normalised_and_unknown_ones_named():
    """The Cerema spells a type many ways: each is read once against the reviewed tables; a value neither table
    knows stops the build naming the file and the dossier."""
    import pandas as pd

    from relance.construction import friches, sources
    from relance.errors import SourceError

    natures, porteurs = friches.natures_table(), friches.porteurs_table()
    assert friches.natures_of("Friche urbaine \x96 îlots anciens dégradés, Friche commerciale\t\t", natures) == (
        ["urbaine (îlots anciens dégradés)", "commerciale"], False)
    assert friches.natures_of("Friche portuaire, aéroportuaire, routière, ou ferroviaire,Friche industrielle ou "
                              "minière", natures) == (["portuaire, aéroportuaire, routière ou ferroviaire",
                                                       "industrielle ou minière"], True)
    assert friches.natures_of("0", natures) is None and friches.natures_of(None, natures) is None
    assert friches.porteur_of("Collectivité locale ", porteurs) == friches.porteur_of("Collectivité", porteurs) \
        == "Collectivité locale"
    assert friches.porteur_of("Etablissement public d'\x92aménagement (EPA)", porteurs) == \
        "Établissement public d'aménagement (EPA)"
    assert friches.deficit_of(-5) == (-5.0, "négatif") and friches.deficit_of(float("nan")) == (None, "absent")
    row = {"libreg": "Bretagne", "num_demarche": "36961", "laureat_fv": "Oui", "num_dossier": "42",
           "intervention": "Etude", "mo_requal": "Collectivité", "deficit": 10, "nat_friche": "Friche lunaire",
           "site_area": 1.0, "friche_area": 0.5}
    with pytest.raises(SourceError, match=r"dossier 42 : nature de friche non reconnue : 'Friche lunaire'"):
        friches.applications(Path("fondsfriches_light.rds"), pd.DataFrame([row]), None, {"Bretagne": "53"},
                             sources.FRICHES_EDITIONS)
    with pytest.raises(SourceError, match=r"dossier 42 : type de porteur non reconnu : 'Pirate'"):
        friches.applications(Path("fondsfriches_light.rds"),
                             pd.DataFrame([{**row, "nat_friche": "Friche militaire", "mo_requal": "Pirate"}]), None,
                             {"Bretagne": "53"}, sources.FRICHES_EDITIONS)


def test_reading_model_is_checked(tmp_path, monkeypatch):
    """The reviewed reading model: an unknown role, or a priority left without a lead reading, stops the build
    naming the file (and the line)."""
    import shutil

    import pandas as pd

    from relance.construction import build
    from relance.errors import SourceError

    priorities = pd.DataFrame({"priorite": ["foncier", "competences", "innover", "hors"],
                               "programme": [True, True, True, False]})
    shutil.copytree(build.REFERENCE_DIR, tmp_path / "reference")
    monkeypatch.setattr(build, "REFERENCE_DIR", tmp_path / "reference")
    assert len(build._lectures(priorities)) == len(pd.read_csv(tmp_path / "reference" / "lectures.csv", sep=";"))
    path = tmp_path / "reference" / "lectures.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("competences;barometre;departement;principale", "competences;barometre;departement;"
                                 "a_cote"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"lectures\.csv : priorité sans lecture principale : competences"):
        build._lectures(priorities)
    path.write_text(text.replace("innover;dge;territoire;principale", "innover;dge;territoire;vedette"),
                    encoding="utf-8")
    with pytest.raises(SourceError, match=r"lectures\.csv, ligne \d+ : role : .* attendu, lu 'vedette'"):
        build._lectures(priorities)


COMMUNES_58 = "france-geojson-2018/communes/communes-58-nievre.geojson"


def test_commune_contours_named_by_file_and_feature(raw_dir, raw_copy, tmp_path, monkeypatch):
    """The 2018 commune contours (the members' map): a feature without its code or with an empty geometry stops the
    build naming the file and the feature; a polygon that crosses itself is mended (a few do in the source), not
    refused."""
    monkeypatch.setenv("RELANCE_CACHE", str(tmp_path / "cache"))  # each changed file would leave its cache behind
    data = json.loads((raw_dir / COMMUNES_58).read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(data))
    del broken["features"][4]["properties"]["code"]
    raw = raw_copy(COMMUNES_58, json.dumps(broken).encode())
    with pytest.raises(SourceError, match=r"communes-58-nievre\.geojson, entité 5 : propriété\(s\) manquante\(s\) : "
                                          r"code"):
        sources.read_commune_polygons(raw)
    bowtie = [[[3.0, 47.0], [3.1, 47.1], [3.1, 47.0], [3.0, 47.1], [3.0, 47.0]]]
    data["features"][2]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    (raw / COMMUNES_58).write_text(json.dumps(data), encoding="utf-8")
    mended = sources.read_commune_polygons(raw)
    code = data["features"][2]["properties"]["code"]
    assert mended.loc[mended["code"] == code, "geometry"].iloc[0].is_valid
    data["features"][2]["geometry"] = None
    (raw / COMMUNES_58).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match=r"communes-58-nievre\.geojson, entité 3 : géométrie vide"):
        sources.read_commune_polygons(raw)
