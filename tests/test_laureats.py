"""France Relance at territory level, checked against figures the tests compute from the raw files."""

from __future__ import annotations

import json

import brut
import pytest
import shapely
from shapely.geometry import shape

from relance import listes, placement
from relance.construction import imports
from relance.errors import SourceError


@pytest.mark.france_entiere
def test_dge_rows_read_and_rejected_with_reasons(con, raw_dir):
    records = brut.dge_records(raw_dir)
    assert len(records) == 3080  # PROVENANCE 5b
    located = brut.dge_located(raw_dir)
    dge = con.execute("select import_id, lignes, rejetees from projet_import where import_id like 'dge-%'").fetchall()
    assert [(lines, rejected) for _, lines, rejected in dge] == [(located, len(records) - located)]
    # laureates without a company name are kept, with the problem said
    unnamed = sum(1 for r in records if not r["entreprise"].strip())
    said = con.execute("select count(*) from projet where import_id like 'dge-%' and problemes like "
                       "'%entreprise non publiée%'").fetchone()[0]
    assert said == unnamed == 2
    lines = con.execute("select lignes from source where cle = 'dge_liste'").fetchone()[0]
    assert lines == located


def test_dge_projects_inside_the_territories(con, raw_dir):
    """Phase 2: the DGE points inside the published territory polygons (shapely on the raw GeoJSON) agree with the
    projects the build places in a territory, within 1 % (the build places by commune, borders differ)."""
    polygons = [shape(f["geometry"]) for f in json.loads(
        (raw_dir / "anct-territoires-industrie-phase2" / "ti_geom.geojson").read_text(encoding="utf-8"))["features"]]
    tree = shapely.STRtree(polygons)
    inside = 0
    for record in brut.dge_records(raw_dir):
        if record["coordonnees_gps"].strip():
            lat, lon = (float(v) for v in record["coordonnees_gps"].split(","))
            point = shapely.Point(lon, lat)
            inside += any(polygons[i].contains(point) for i in tree.query(point))
    placed = con.execute("select count(*) from projet_territoire join projet using (projet_id) "
                         "where phase = 2 and source like 'DGE%'").fetchone()[0]
    assert abs(placed - inside) <= 0.01 * placed


@pytest.mark.france_entiere
def test_fonds_friches_laureates_are_projects(con, raw_dir):
    expected = brut.friches_laureates_with_commune(raw_dir)
    assert expected == 983  # PROVENANCE 4b: every France Relance laureate with a site has a commune
    found = con.execute("select count(*), count(distinct priorite), any_value(priorite) from projet "
                        "where mesure = 'Fonds friches'").fetchone()
    assert found == (expected, 1, "foncier")
    editions = dict(con.execute("select edition, count(*) filter (where laureat) from friche where france_relance "
                                "group by 1").fetchall())
    assert sum(editions.values()) == expected
    # Fonds vert (2023) applications are kept in `friche`, never counted as France Relance
    assert con.execute("select count(*) from projet p join friche f on p.projet_id = 'friche-' || f.num_dossier "
                       "where not f.france_relance").fetchone()[0] == 0


@pytest.mark.france_entiere
def test_fonds_friches_laureates_in_phase_2_territories(con):
    """PROVENANCE 4b: 678 France Relance laureates lie in the communes of phase-2 territories."""
    assert con.execute("select sum(laureats) from (select count(*) filter (where f.laureat) as laureats from friche f "
                       "join territoire_commune tc on tc.commune_code = f.commune_code and tc.phase = 2 "
                       "where f.france_relance group by tc.ti_id)").fetchone()[0] == 678


def test_bad_row_of_a_default_source_is_listed_and_the_build_goes_on(con):
    rejects = con.execute("select motif from projet_rejet where import_id = 'cerema-friches'").fetchall()
    assert rejects == [("dossier 12966758 absent du fichier des candidatures (fondsfriches_light.rds) : édition et "
                        "lauréat inconnus",)]


def test_missing_dge_folder_builds_without_it(raw_copy):
    raw = raw_copy("dge-plan-de-relance", None)
    assert imports.lists(raw, raw / "aucun-import") == []


def test_missing_cartofriches_folder_builds_without_it(raw_copy):
    from relance.construction import sources

    raw = raw_copy("cerema-cartofriches-sites", None)
    assert sources.read_friche_sites(raw) is None


def test_wrong_header_of_the_dge_list_stops_the_build_naming_it(raw_dir, raw_copy, con):
    relative = "dge-plan-de-relance/plan-de-relance.csv"
    text = (raw_dir / relative).read_text(encoding="utf-8-sig").replace("coordonnees_gps", "gps_coordonnees", 1)
    raw = raw_copy(relative, text.encode("utf-8"))
    with pytest.raises(SourceError, match=r"plan-de-relance\.csv : .*colonne du nom du projet manquante"):
        imports.tables(con, raw, imports.lists(raw, raw / "aucun-import"))


def staff(text: str) -> listes.Parsed:
    return listes.parse(text.encode("utf-8"), "liste.csv")


def test_natural_french_headers_are_recognised():
    parsed = staff("Nom du projet;Code INSEE;Montant de l'aide (€);Coût total du projet (€);Date de décision;Mesure\n"
                   "Robot;58194;12 000 €;150 000 €;15/03/2021;Décarbonation de l’industrie\n")
    row = parsed.rows[0]
    assert (row.montant_aide, row.montant_investissement, row.annee) == (12000, 150000, 2021)
    assert parsed.warnings == []


def test_unrecognised_amount_or_date_column_gives_a_warning():
    parsed = staff("Nom du projet;Code INSEE;Enveloppe FEDER (€);Notifié le\nRobot;58194;1 200 €;01/02/2022\n")
    assert any("« Enveloppe FEDER (€) » ressemble à un montant" in w for w in parsed.warnings)
    assert any("« Notifié le » ressemble à une date" in w for w in parsed.warnings)


@pytest.mark.parametrize(("measure", "priority", "stored"), [
    ("Soutien à l’investissement industriel dans les territoires", "foncier",
     "Soutien à l'investissement industriel dans les territoires"),
    ("Soutien à l'investissement industriel dans les territoires", "foncier",
     "Soutien à l'investissement industriel dans les territoires"),
    ("Fonds friches", "foncier", "Fonds friches"),
    ("Décarbonation de l’industrie", "innover", "Décarbonation de l'industrie"),
    ("Compétences", "competences", "Compétences"),
    ("Aide à la pêche", None, "Aide à la pêche"),
])
def test_measures_normalised_and_mapped_or_flagged(measure, priority, stored):
    row = listes.Row(ligne=2, nom="x", mesure=measure)
    assert listes.classify(row, listes.measure_map(imports.measure_priorities())) == priority
    assert row.mesure == stored
    assert bool(row.problemes) == (priority is None)


def test_a_project_with_a_commune_but_no_point_is_drawn_at_its_commune(con, raw_dir):
    ref = placement.Reference.from_database(con, raw_dir)
    row = staff("Nom du projet;Code INSEE\nRobot;58194\n").rows[0]
    where = placement.place(row, ref)
    assert where.position == "centre de la commune" and where.commune_code == "58194"
    commune = next(f for f in json.loads((raw_dir / "france-geojson-2018" / "communes" /
                                          "communes-58-nievre.geojson").read_text(encoding="utf-8"))["features"]
                   if f["properties"]["code"] == "58194")
    assert shape(commune["geometry"]).contains(shapely.Point(where.lon, where.lat))


def test_staff_lists_are_the_teams_own_line_never_ranked(run, make_filtres):
    from relance.views import laureats, synthese

    own = run("equipe_territoire", phase=1, ti="ti-2706", priorite=None).iloc[0]
    assert (own["nb_projets"], own["montant_aide"], own["nb_montants"]) == (2, 1200.5, 1)  # the sample list
    figures = laureats.figures(run, make_filtres()).set_index("ti_id")
    national = run("laureats_territoires", phase=1, priorite=None, lectures=["dge", "friches"]).set_index("ti_id")
    assert figures.loc["ti-2706", "nb_projets"] == national.loc["ti-2706", "nb_projets"]  # the staff's never in
    blocs = synthese.synthese(run, make_filtres(), "ti-2706", "Nevers Val de Loire").blocs
    staff = next(b for b in blocs if b.lecture.source == "equipe")
    assert "2\u00a0projets dans Nevers Val de Loire" in staff.phrase and "aucun rang" in staff.phrase
    assert staff.lignes == ["Aide déclarée par ces listes : 1,2\u00a0k€ pour 1\u00a0projet sur 2."]
    assert blocs[-1] is staff  # after every reading that covers France


def test_a_rank_only_where_it_informs():
    from relance import lectures

    assert lectures.rang(0, 15, 135, 149) == "0, comme 134\u00a0autres territoires (pas de rang)"
    assert lectures.rang(3, 12, 38, 149) == "12e ex aequo avec 37\u00a0autres sur 149"  # 37 others: a quarter
    assert lectures.rang(3, 12, 39, 149) == "3, comme 38\u00a0autres territoires (pas de rang)"
    assert lectures.rang(7, 1, 1, 149) == "1er sur 149"
    assert lectures.fois(10, 2.0, 10, 1.0, "de la France") == "2,0 fois celui de la France"
    assert lectures.fois(9, 2.0, 100, 1.0, "de la France") is None  # too few to carry a multiple
    grades = lectures.classes([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 100])
    assert grades.classe(0) == 0 and grades.classe(1) == 1 and grades.classe(8) == 4 and grades.classe(100) == 5
    assert grades.libelle(8) == "dans le quart le plus haut des 9 territoires qui en comptent"
    assert grades.libelle(100).startswith("valeur exceptionnelle")


def test_projects_per_territory_vs_rest_of_france_with_intervals(run, make_filtres):
    from relance.views import laureats

    answer = laureats.territories_vs_france(run, make_filtres(phase=2))
    table = answer.tableau.data.set_index("Lecture ou mesure")
    total = table.loc["Ensemble : Appels industriels (DGE) et Fonds friches"]
    assert total["Territoires, pour 10 000 hab. (IC bas)"] < total["Territoires, pour 10 000 hab."] < total[
        "Territoires, pour 10 000 hab. (IC haut)"]
    assert "fois le taux du reste du pays" in answer.phrase and "Au Baromètre" in answer.phrase
    low, high = laureats.poisson_interval(100, 1_000_000, 10000)
    assert low == pytest.approx(0.8136, abs=1e-3) and high == pytest.approx(1.2163, abs=1e-3)  # exact: 0.814-1.216


def test_map_frame_joins_by_position_as_a_merge_would(run, make_filtres):
    """The map's join takes columns by position when every territory is once on the right; it gives what a
    pandas left merge gives, and falls back to one when a territory is missing."""
    import pandas as pd

    from relance.views import carte, laureats

    territories = run("territoires", phase=2, ti=None)  # sorted by name
    found = laureats.figures(run, make_filtres(phase=2)).drop(columns="population")  # sorted by id
    expected = territories.merge(found, on="ti_id", how="left")
    pd.testing.assert_frame_equal(carte._join(territories, found), expected, check_dtype=False)
    both = laureats.figures(run, make_filtres(phase=2))  # population on both sides: merge's suffixes
    assert list(carte._join(territories, both).columns) == list(territories.merge(both, on="ti_id").columns)
    partial = found[found["ti_id"] != territories["ti_id"].iloc[0]]
    joined = carte._join(territories, partial)
    assert joined["nb_projets"].isna().sum() == 1 and len(joined) == len(territories)
