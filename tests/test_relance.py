"""France Relance by territory: known figures, estimates bounded by their départements, industrial weight."""

from __future__ import annotations

import datetime as dt

import pytest

from relance import db
from relance.views import common, territoire

MAIN = "nb-entreprises-industrielles-agricoles"
END = dt.date(2022, 12, 31)


def test_national_value_is_not_the_sum_of_departements(con):
    national = con.execute("select valeur from indicateur_valeur where id_indicateur = ? and maille = 'national' "
                           "and date = ?", [MAIN, END]).fetchone()[0]
    summed = con.execute("select sum(valeur) from indicateur_valeur where id_indicateur = ? and maille = "
                         "'departement' and date = ?", [MAIN, END]).fetchone()[0]
    assert (national, summed) == (8972, 9640)
    # The app's rate for France uses the national figure, never the sum of départements.
    series = db.run(con, "territoire_serie", phase=1, ti="ti-2706", indicateur=MAIN)
    france_population = con.execute("select sum(population) from departement").fetchone()[0]
    assert series.iloc[-1]["taux_france"] == pytest.approx(8972 / france_population * 10000)


def test_estimates_never_exceed_their_departement_for_every_indicator_and_date(con):
    over = con.execute("""
        select count(*) from (
            select td.phase, v.id_indicateur, v.date, v.code, v.valeur, sum(v.valeur * td.part_departement) as partage
            from indicateur_valeur v
            join territoire_departement td on td.departement_code = v.code
            where v.maille = 'departement'
            group by all
            having sum(v.valeur * td.part_departement) > v.valeur * (1 + 1e-12)
        )""").fetchone()[0]
    assert over == 0
    checked = con.execute("select count(*) from indicateur_valeur where maille = 'departement'").fetchone()[0]
    assert checked == 22326


def test_shares_of_a_departement_add_up_to_its_population_in_territories(con):
    rows = con.execute("""
        select td.phase, td.departement_code, sum(td.part_departement) as parts,
               sum(td.population) / any_value(d.population) as share
        from territoire_departement td join departement d on d.code = td.departement_code
        group by all""").fetchall()
    assert rows
    for _, _, parts, share in rows:
        assert parts <= 1 + 1e-12
        assert parts == pytest.approx(share, rel=1e-12)


def test_territory_estimates_sum_below_departements_total(con):
    estimates = db.run(con, "indicateur_territoires", phase=2, indicateur=MAIN, date=END)
    total = con.execute("select sum(valeur) from indicateur_valeur where id_indicateur = ? and maille = "
                        "'departement' and date = ?", [MAIN, END]).fetchone()[0]
    assert 0 < estimates["estimation"].sum() < total


def test_multi_departement_territory_figures(con):
    row = db.run(con, "indicateur_territoires", phase=1, indicateur=MAIN, date=END).set_index("ti_id").loc["ti-2706"]
    # Nièvre 36 (201 417 inhabitants, 99.6 % of the territory), Cher 74 (298 660, 0.4 %).
    parts = db.run(con, "territoire_departements", phase=1, ti="ti-2706").set_index("departement_code")
    expected_rate = (36 / 201417 * parts.loc["58", "part_territoire"] + 74 / 298660 * parts.loc["18", "part_territoire"]
                     ) * 10000
    assert row["taux_10000"] == pytest.approx(expected_rate)
    assert row["estimation"] == pytest.approx(36 * 137690 / 201417 + 74 * 491 / 298660)
    assert common.departement_values(row["valeurs_departements"]) == "Nièvre : 36, Cher : 74"
    assert (row["rang"], row["nb_territoires"]) == (55, 149)


def test_industrial_share_job_weighted_and_overseas_unavailable(con):
    industry = db.run(con, "territoire_industrie", phase=1).set_index("ti_id")
    # Overseas territories (no source) and those made only of communes (a commune has no share of its own) have none.
    assert industry["part_industrie"].notna().sum() == 138
    communes_only = {r[0] for r in con.execute("select ti_id from territoire where phase = 1 and "
                                               "nb_intercommunalites = 0").fetchall()}
    assert set(industry.index[industry["part_industrie"].isna()]) - communes_only == {
        t for t in industry.index if t[3:5] in ("01", "02", "03", "04", "06")}
    missing = con.execute("select string_agg(distinct t.region_code, ',' order by t.region_code) from "
                          "territoire_industrie i join territoire t using (phase, ti_id) "
                          "where i.part_industrie is null").fetchone()[0]
    assert missing == "01,02,03,04,06,93"  # overseas, and Provence territories made only of communes
    # Haut-Jura (phase 2, ti-2706): job-weighted mean of its 5 EPCI.
    members = con.execute("""
        select sum(e.part_industrie * e.emplois_salaries_prives) / sum(e.emplois_salaries_prives)
        from territoire_membre m join epci_industrie e on e.siren = m.siren
        where m.phase = 2 and m.ti_id = 'ti-2706'""").fetchone()[0]
    haut_jura = db.run(con, "territoire_industrie", phase=2).set_index("ti_id").loc["ti-2706"]
    assert haut_jura["part_industrie"] == pytest.approx(members)
    assert haut_jura["part_industrie"] == pytest.approx(0.27336, abs=1e-5)


def test_indicators_offered_by_priority(run):
    assert [i.id for i in common.indicateurs(run, "innover")] == [
        MAIN, "nb-entreprises-cheaque-numerique", "nb-diagnostics-individualises"]
    assert len(common.indicateurs(run, "competences")) == 3
    assert common.indicateurs(run, "foncier") == []
    # Published by région only (DROM départements aside): not offered by territory.
    assert "nb-formation-pic" not in {i.id for i in common.indicateurs(run, "toutes")}


def test_fonds_friches_counts(con):
    rows = dict(((r[0]), (r[1], r[2])) for r in con.execute(
        "select num_demarche, count(*), count(*) filter (where laureat) from fonds_friches group by 1").fetchall())
    assert rows == {"36961": (1129, 495), "46904": (1186, 499), "54008": (695, 191), "68862": (1436, 451)}


def test_industry_sentence_rank_or_unavailable(run):
    industry = run("territoire_industrie", phase=1).set_index("ti_id")
    assert territoire.industry_sentence(industry.loc["ti-2706"]).startswith(
        "Industrie : 93e territoire sur 138 de la phase")
    assert territoire.industry_sentence(industry.loc["ti-0101"]).startswith("Part de l'industrie non disponible")


def test_priorities_come_from_the_reviewed_table(run):
    """One source: the reviewed CSV, loaded into the database, gives filters, labels and chart styles."""
    from relance import imports

    codes = [p.code for p in common.priorites(run)]
    assert codes == ["foncier", "competences", "innover", "hors"]
    assert list(common.priority_choices(run)) == ["toutes", "foncier", "competences", "innover"]
    mapped = set(imports.measure_priorities()["priorite"])
    assert mapped <= set(codes)
