"""Every query file runs with its documented parameters and returns its documented columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relance import db, listes

STAFF_LIST = Path(__file__).parent / "fixtures" / "liste_equipe.csv"
SAMPLE = {"phase": 1, "ti": "ti-2706", "couche": "departements", "priorite": None,
          "indicateur": "nb-entreprises-industrielles-agricoles", "date": dt.date(2022, 12, 31),
          "tis": ["ti-2706", "ti-9301"], "lectures": ["dge", "friches"],
          "mesure": "Soutien à l'investissement industriel dans les territoires",
          "import_id": listes.content_digest(STAFF_LIST.read_bytes())[:16]}


# In the extract of three départements no DGE laureate is made of several rows in a territory.
EMPTY_IN_EXTRACT = {"laureats_fusionnes"}


@pytest.mark.parametrize("query", db.all_queries(), ids=lambda q: q.name)
def test_query_runs_with_documented_params(con, query, perimetre):
    """Every query file has its header, runs with its documented parameters and returns rows."""
    assert query.description, f"{query.name}: header comment missing"
    frame = db.run(con, query.name, **{name: SAMPLE[name] for name in query.params})
    assert list(frame.columns) == query.columns
    assert len(frame) > 0 or (perimetre == "extrait" and query.name in EMPTY_IN_EXTRACT)


def test_values_are_bound_not_formatted(con):
    hostile = "ti-2706' or '1'='1"
    assert db.run(con, "territoires", phase=1, ti=hostile).empty


def test_unknown_parameter_rejected(con):
    with pytest.raises(TypeError):
        db.run(con, "territoires", phase=1, ti="ti-2706", autre=1)


def test_unknown_query_rejected():
    with pytest.raises(KeyError):
        db.query("../build")


@pytest.mark.france_entiere
def test_territory_queries_figures(con):
    territories = db.run(con, "territoires", phase=2, ti=None)
    assert len(territories) == 183
    row = db.run(con, "territoires", phase=1, ti="ti-2706").iloc[0]
    assert row["departements_noms"] == "Nièvre (58), Cher (18)"
    assert row["region_nom"] == "Bourgogne-Franche-Comté"
    members = db.run(con, "territoire_membres", phase=1, ti="ti-2706")
    assert members.iloc[0].tolist()[:3] == ["245804406", "epci", "CA de Nevers"]
    assert members["population"].sum() == 138181


def test_territory_method_defined_once(con):
    """The map, the series and the comparison read the same rate and estimate (view territoire_indicateur)."""
    at_end = db.run(con, "indicateur_territoires", phase=1, indicateur=SAMPLE["indicateur"], date=SAMPLE["date"])
    nevers = at_end[at_end["ti_id"] == "ti-2706"].iloc[0]
    series = db.run(con, "territoire_serie", phase=1, ti="ti-2706", indicateur=SAMPLE["indicateur"]).iloc[-1]
    compared = db.run(con, "comparaison", phase=1, tis=["ti-2706"], indicateur=SAMPLE["indicateur"]).iloc[-1]
    assert nevers["taux_10000"] == series["taux_territoire"] == compared["taux_10000"] == pytest.approx(1.78979,
                                                                                                         abs=1e-5)
    assert nevers["estimation"] == series["estimation_territoire"] == compared["estimation"]


@pytest.mark.parametrize("phase", [1, 2])
def test_members_laureates_add_up_to_the_territory(con, phase):
    """Every territory of the phase: its members' laureates (from their communes, each counted once) add up to the
    territory's count, for every priority and both national lists; every member is listed."""
    _members_add_up(con, phase, (None, "foncier", "innover"))


@pytest.mark.france_entiere
def test_members_laureates_add_up_in_all_of_france(con):
    for phase in (1, 2):
        _members_add_up(con, phase, (None,))


def _members_add_up(con, phase: int, priorities) -> None:
    territories = db.run(con, "territoires", phase=phase, ti=None)["ti_id"]
    for priorite in priorities:
        counted = db.run(con, "laureats_territoires", phase=phase, priorite=priorite, lectures=["dge", "friches"])
        counted = counted.set_index("ti_id")["nb_projets"]
        for ti in territories:
            rows = db.run(con, "membres_laureats", phase=phase, ti=ti, priorite=priorite, lectures=["dge", "friches"])
            assert rows["nb_laureats"].sum() == counted[ti], (phase, ti, priorite)
            members = con.execute("select siren from territoire_membre where phase = ? and ti_id = ?",
                                  [phase, ti]).fetchall()  # the base table, not the view the query reads
            assert set(rows["siren"].dropna()) == {s for (s,) in members}, ti
