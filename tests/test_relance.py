"""France Relance by territory: known figures, estimates bounded by their départements, industrial weight."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from relance import db
from relance.views import common, territoire

MAIN = "nb-entreprises-industrielles-agricoles"
END = dt.date(2022, 12, 31)


@pytest.mark.france_entiere
def test_national_value_is_not_the_sum_of_departements(con):
    national = con.execute("select valeur from indicateur_valeur where id_indicateur = ? and maille = 'national' "
                           "and date = ?", [MAIN, END]).fetchone()[0]
    summed = con.execute("select sum(valeur) from indicateur_valeur where id_indicateur = ? and maille = "
                         "'departement' and date = ?", [MAIN, END]).fetchone()[0]
    assert (national, summed) == (8972, 9640)
    # The France line beside a territory is built like the territory's (sum of département values over France's
    # population: about 1.41 per 10,000); the published national value (it counts a company once) is beside it.
    series = db.run(con, "territoire_serie", phase=1, ti="ti-2706", indicateur=MAIN)
    france_population = con.execute("select sum(population) from departement").fetchone()[0]
    assert series.iloc[-1]["taux_france"] == pytest.approx(9640 / france_population * 10000)
    assert round(series.iloc[-1]["taux_france"], 2) == 1.41
    assert series.iloc[-1]["taux_france_publie"] == pytest.approx(8972 / france_population * 10000)


@pytest.mark.france_entiere
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


@pytest.mark.france_entiere
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


@pytest.mark.france_entiere
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


@pytest.mark.france_entiere
def test_industry_sentence_rank_or_unavailable(run):
    industry = run("territoire_industrie", phase=1).set_index("ti_id")
    assert territoire.industry_sentence(industry.loc["ti-2706"]).startswith(
        "Industrie : 93e sur 138 territoires de la phase")
    assert territoire.industry_sentence(industry.loc["ti-0101"]).startswith("Part de l'industrie non disponible")


def test_priorities_come_from_the_reviewed_table(run):
    """One source: the reviewed CSV, loaded into the database, gives filters, labels and chart styles."""
    from relance.construction import imports

    codes = [p.code for p in common.priorites(run)]
    assert codes == ["foncier", "competences", "innover", "hors"]
    assert list(common.priority_choices(run)) == ["toutes", "foncier", "competences", "innover"]
    mapped = set(imports.measure_priorities()["priorite"])
    assert mapped <= set(codes)


def test_each_indicator_is_read_at_its_reviewed_date(run):
    """A counter that restarts each August is read at the end of its last complete campaign, not at its last date
    (two months on 30/09/2022); an annual count at its last complete year."""
    readings = {i.id: i for i in common.indicateurs(run, "toutes")}
    youth = readings["nombre-recrutements-jeunes"]
    assert (youth.nature, youth.date_lecture.isoformat(), youth.derniere_date.isoformat()) == (
        "campagne", "2022-07-31", "2022-09-30")
    apprentices = readings["nombre-contrats-apprentissage"]
    assert (apprentices.nature, apprentices.date_lecture.isoformat()) == ("annuel", "2021-12-31")
    assert readings[MAIN].nature == "cumul" and readings[MAIN].date_lecture == END


@pytest.mark.france_entiere
def test_carros_has_no_industrial_share_and_no_rank(run):
    industry = run("territoire_industrie", phase=1).set_index("ti_id")
    carros = industry.loc["ti-9303"]
    assert pd.isna(carros["part_industrie"]) and pd.isna(carros["rang"])


@pytest.mark.france_entiere
def test_no_territory_has_zero_private_jobs(con):
    assert con.execute("select count(*) from territoire_industrie where emplois_salaries_prives = 0").fetchone()[0] == 0
    guadeloupe = con.execute("select emplois_salaries_prives from territoire_industrie where phase = 1 "
                             "and ti_id = 'ti-0101'").fetchone()[0]
    assert guadeloupe > 0  # the URSSAF value, not 0, though the share is not available overseas


@pytest.mark.france_entiere
def test_two_territories_of_one_departement_share_a_rank(con):
    ranks = db.run(con, "indicateur_territoires", phase=1, indicateur=MAIN, date=END)
    single = con.execute("select ti_id, departements from territoire where phase = 1 and departements not like '%,%'"
                         ).fetchall()
    by_departement: dict[str, list[str]] = {}
    for ti, departement in single:
        by_departement.setdefault(departement, []).append(ti)
    shared = next(tis for tis in by_departement.values() if len(tis) > 1)
    rows = ranks.set_index("ti_id").loc[shared]
    assert rows["rang"].nunique() == 1 and rows["ex_aequo"].all()
    assert ranks["ex_aequo"].sum() == 51  # phase-1 territories sharing their rate with another


def test_tercile_bounds_are_the_same_for_every_indicator(run):
    bounds = set()
    for indicator in common.indicateurs(run, "toutes"):
        groups = run("territoires_vs_france", phase=1, indicateur=indicator.id, date=indicator.date_lecture)
        bounds.add(tuple(round(v, 9) for v in groups["part_max"]))
    assert len(bounds) == 1
