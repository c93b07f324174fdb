"""Each priority answered by the data that cover it (the reading model): figures pinned from the raw files, read on
the pages, the panel, the fiche and the comparison pages as a note-writer would quote them."""

from __future__ import annotations

import datetime as dt
import io

import brut
import pytest

from relance import db, lectures
from relance.construction import build
from relance.views import laureats, projets, synthese, territoire

pytestmark = pytest.mark.france_entiere

SKILLS = "Renforcement des compétences"
CALL = "Soutien à l’investissement industriel dans les territoires"  # as the DGE list writes it


def test_each_priority_has_its_lead_reading_and_says_what_it_leaves_out(run):
    table = {p: lectures.lectures(run, p) for p in ("toutes", "foncier", "competences", "innover")}
    leads = {p: [(r.source, r.niveau) for r in readings if r.principale] for p, readings in table.items()}
    assert leads == {"toutes": [("dge", "territoire"), ("friches", "territoire")],
                     "foncier": [("friches", "territoire"), ("dge", "territoire")],
                     "competences": [("barometre", "departement")],
                     "innover": [("dge", "territoire")]}
    assert all(r.laisse_de_cote for readings in table.values() for r in readings)
    # the staff's lists are a reading of every priority, never counted in ranks, maps or comparisons
    assert all(any(r.source == "equipe" and not r.comptee for r in readings) for readings in table.values())
    assert lectures.sources_comptees(table["innover"]) == ["dge"]  # no Fonds friches under innover


def test_the_43_skills_rows_and_the_competences_reading(raw_dir, run, make_filtres):
    """Under compétences the lead reading is the Baromètre's recruiting and training indicators; the DGE list's 43
    skills rows (in all of France) are a line beside, without a rank where most territories have none."""
    rows = [r for r in brut.dge_records(raw_dir) if r["mesure"] == SKILLS]
    assert len(rows) == 43
    assert run("lecture_france", priorite="competences", lectures=["dge"]).iloc[0]["lignes"] == 43
    filtres = make_filtres(priorite="competences", indicateur="nombre-contrats-apprentissage")
    view = synthese.synthese(run, filtres, "ti-2706", "Nevers Val de Loire")
    lead, beside = view.blocs[0], view.blocs[1]
    assert lead.lecture.source == "barometre" and lead.role == "lecture principale"
    assert set(lead.tableau["Indicateur"]) == {
        "Contrats d'apprentissage", "Recrutements de jeunes (1 jeune 1 solution)",
        "Bénéficiaires de l'insertion par l'activité économique"}
    assert "ne sont publiés que par département" in lead.phrase and "(Nièvre et Cher)" in lead.phrase
    assert "estimation" in lead.phrase
    frame = run("laureats_territoires", phase=1, priorite="competences", lectures=["dge"])
    zero = int((frame["nb_projets"] == 0).sum())
    assert zero > 149 / 4  # most territories have no skills laureate
    assert beside.lecture.source == "dge" and beside.role == "à côté"
    assert (f"aucun lauréat « Renforcement des compétences » (liste DGE) dans ses communes, comme {zero - 1} autres "
            "des 149 territoires de la phase 1 (pas de rang)") in beside.phrase
    assert "n'en compte que 43 dans toute la France (43\u00a0lignes)" in beside.phrase
    assert beside.chiffres["Rang (pour 10 000 hab.)"] == "pas de rang"


def test_the_territorial_call_was_not_reserved_to_the_territories(raw_dir, run, make_filtres):
    """1 158 rows of the call in the raw list (PROVENANCE 5b); 765 in phase-1 territories: the Projets page and
    « Territoires et reste de la France » say the same, and the comparison is made with and without it."""
    rows = [r for r in brut.dge_records(raw_dir) if r["mesure"] == CALL]
    assert len(rows) == 1158
    share = run("appel_ti_part", phase=1, mesure=lectures.APPEL_TERRITOIRES).iloc[0]
    assert (share["nb_projets"], share["nb_dans_territoire"]) == (1158, 765)
    assert "765\u00a0lignes sur 1\u00a0158" in projets.ti_call_sentence(run, 1) and "66,1\u00a0%" in \
        projets.ti_call_sentence(run, 1)
    answer = laureats.territories_vs_france(run, make_filtres())
    assert "n'était pas réservé aux territoires : 765 de ses 1\u00a0158\u00a0lignes (66,1\u00a0%)" in answer.phrase
    assert "réservé aux territoires d'industrie" not in answer.limites
    table = answer.tableau.data.set_index("Lecture ou mesure")
    without = table.loc[f"Sans l'appel « {lectures.APPEL_TERRITOIRES} »"]
    everything = table.loc["Ensemble : Appels industriels (DGE) et Fonds friches"]
    assert without["Rapport (habitants)"] < everything["Rapport (habitants)"]
    assert f"({without['Rapport (habitants)']:.2f} fois, au lieu de".replace(".", ",") in answer.phrase


def test_the_answer_is_reconciled_with_the_barometre(run, make_filtres):
    """« Oui » only when both readings put the territories above the rest of France; the Baromètre sentence is
    part of the answer."""
    everything = laureats.territories_vs_france(run, make_filtres())
    assert everything.phrase.startswith("**En partie.**")  # laureates above, the Baromètre split
    assert "Au Baromètre" in everything.phrase and "en dessous pour contrats d'apprentissage" in everything.phrase
    foncier = laureats.territories_vs_france(run, make_filtres(priorite="foncier"))
    assert foncier.phrase.startswith("**Oui.**")  # no Baromètre indicator covers it: the laureates answer
    assert "Aucun indicateur du Baromètre ne couvre cette priorité" in foncier.phrase
    area = run("friches_france", phase=1).iloc[0]
    assert (area["laureats_dedans"], area["laureats_hors"], area["laureats_non_situes"]) == (589, 394, 1185 - 983)
    assert f"recyclent {round(area['ha_dedans']):,} ha de friche".replace(",", "\u00a0") in foncier.phrase
    skills = laureats.territories_vs_france(run, make_filtres(priorite="competences",
                                                              indicateur="nombre-contrats-apprentissage"))
    assert skills.phrase.index("Au Baromètre") < skills.phrase.index("Les territoires d'industrie")  # lead first
    assert not skills.phrase.startswith("**Oui.**")


def test_nevers_fonds_friches_counted_one_way_everywhere(raw_dir, run, make_filtres, reader):
    """ti-2706: 6 France Relance applications located in its communes, 1 laureate; the 10 Fonds vert applications
    apart, never with them (the panel, the profile and both pages of the fiche)."""
    communes = brut.territory_communes(raw_dir, 1, "ti-2706")
    located = brut.friches_in_communes(raw_dir, communes)
    france_relance = [r for r in located if r["num_demarche"] in brut.FRANCE_RELANCE_EDITIONS]
    laureates = [r for r in france_relance if r["laureat_fv"] == "Oui"]
    assert (len(located), len(france_relance), len(laureates)) == (16, 6, 1)
    filtres = make_filtres(priorite="foncier")
    view = synthese.synthese(run, filtres, "ti-2706", "Nevers Val de Loire")
    friches = next(b for b in view.blocs if b.lecture.source == "friches")
    assert "Candidatures France Relance situées dans le territoire : 6, dont 1\u00a0lauréate." in friches.lignes
    assert "Fonds vert 2023 (hors France Relance, compté à part) : 10\u00a0candidatures, dont 3\u00a0lauréates." in \
        friches.lignes
    profil = territoire.profil(reader, filtres, "ti-2706")
    assert len(profil.laureats.friches.data) == 6 and len(profil.laureats.fonds_vert.data) == 10
    assert set(profil.laureats.friches.data["Édition"]) <= {"Fonds friches, 1re édition (2021)",
                                                           "Fonds friches, 2e édition", "Fonds friches, 3e édition"}
    editions = next(c for c in profil.laureats.graphiques["friches"] if c.what == "fonds-friches-par-edition")
    assert editions.data["Candidatures"].sum() == 6  # the Fonds vert is never drawn with them
    from pypdf import PdfReader

    document = territoire.fiche(reader, filtres, "ti-2706", day=dt.date(2026, 12, 7))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf)).pages).split())
    assert "Candidatures France Relance situées dans le territoire : 6, dont 1 lauréate" in text
    assert "Fonds friches (France Relance) : 6 candidatures situées dans le territoire" in text
    assert "16 candidatures" not in text


def test_sites_of_one_company_are_one_laureate(raw_dir, run, con):
    """VELCOREX: three rows of the DGE list (three sites, one description) in ti-4410 are one laureate, its sites
    listed; no rule merges rows on the placeholder « 0 » or on an empty description."""
    velcorex = [r for r in brut.dge_records(raw_dir) if r["entreprise"] == "VELCOREX"]
    assert len(velcorex) == 3 and len({r["description_projet"] for r in velcorex}) == 1
    assert len({r["siren"] for r in velcorex}) == 1
    own = run("projets", phase=1)
    own = own[(own["ti_id"] == "ti-4410") & (own["entreprise"] == "VELCOREX")]
    assert len(own) == 3 and own["laureat"].nunique() == 1
    table = projets.laureates_table(run, own)
    assert len(table) == 1 and table.iloc[0]["Lignes de la liste"] == 3
    assert len(table.iloc[0]["Sites (communes)"].split(", ")) == 3
    frame = run("laureats_territoires", phase=1, priorite=None, lectures=["dge"]).set_index("ti_id")
    rows = con.execute("select count(*) from projet_territoire join projet using (projet_id) where phase = 1 and "
                       "ti_id = 'ti-4410' and import_id like 'dge-p%'").fetchone()[0]
    assert frame.loc["ti-4410", "nb_lignes"] == rows and frame.loc["ti-4410", "nb_projets"] < rows
    placeholder = [r for r in brut.dge_records(raw_dir) if r["description_projet"].strip() in ("0", "")]
    assert len([r for r in placeholder if r["description_projet"].strip() == "0"]) == 35
    merged = con.execute("select count(*) - count(distinct l.laureat) from projet p join projet_laureat l "
                         "using (projet_id) where p.import_id like 'dge-p%' and (p.description is null or "
                         "trim(p.description) = '0')").fetchone()[0]
    assert merged == 0


def test_hectares_owners_and_deficit_of_one_territory(raw_dir, run, make_filtres):
    """ti-4410 (Sud Alsace): its France Relance Fonds friches laureates recycle 20,5 ha of brownfield, 19,7 ha of
    them industrial or mining (friche_area of the Cerema's file); the deficit is the owner's, never a subsidy."""
    laureates = [r for r in brut.friches_in_communes(raw_dir, brut.territory_communes(raw_dir, 1, "ti-4410"))
                 if r["num_demarche"] in brut.FRANCE_RELANCE_EDITIONS and r["laureat_fv"] == "Oui"]
    hectares = sum(r["friche_area"] for r in laureates)
    industrial = sum(r["friche_area"] for r in laureates if "industrielle ou minière" in str(r["nat_friche"]))
    deficits = [float(r["deficit"]) for r in laureates if r["deficit"] == r["deficit"] and float(r["deficit"]) > 0]
    assert len(laureates) == 9 and hectares == pytest.approx(20.4503) and industrial == pytest.approx(19.66)
    found = run("friches_territoires", phase=1).set_index("ti_id").loc["ti-4410"]
    assert found["friche_ha"] == pytest.approx(hectares)
    assert found["friche_ha_industrielle"] == pytest.approx(industrial)
    assert found["deficit"] == pytest.approx(sum(deficits)) and found["nb_deficits"] == len(deficits)
    view = synthese.synthese(run, make_filtres(priorite="foncier"), "ti-4410", "Sud Alsace")
    lines = " ".join(next(b for b in view.blocs if b.lecture.source == "friches").lignes)
    assert "20,5 ha de friche" in lines and "dont 19,7 ha de friches industrielles ou minières" in lines
    assert "communes et intercommunalités confondues" in lines
    assert "Déficit d'opération déclaré par le porteur" in lines and "Ce n'est pas la subvention" in lines


def test_a_staff_list_changes_no_rank(db_copy, raw_dir, make_filtres):
    """Ten compétences projects of Nevers in a staff list: the team's own line on the territory's page, never a
    rank or a comparison with territories whose staff have loaded nothing."""
    filtres = make_filtres(priorite="competences", indicateur="nombre-contrats-apprentissage")
    con = db.connect(db_copy)
    before = db.run(con, "laureats_territoires", phase=1, priorite="competences", lectures=["dge"])
    con.close()
    content = ("Nom du projet;Code INSEE;Mesure\n"
               + "".join(f"Formation {i};58194;Compétences\n" for i in range(10))).encode("utf-8")
    build.import_list(content, "formations-nevers.csv", raw_dir, db_copy)
    con = db.connect(db_copy)
    run = db.reader(con).run
    after = run("laureats_territoires", phase=1, priorite="competences", lectures=["dge"])
    assert after.equals(before)
    view = synthese.synthese(run, filtres, "ti-2706", "Nevers Val de Loire")
    staff = next(b for b in view.blocs if b.lecture.source == "equipe")
    assert "formations-nevers.csv" in staff.phrase and "10\u00a0projets dans Nevers Val de Loire" in staff.phrase
    dge = next(b for b in view.blocs if b.lecture.source == "dge")
    assert dge.chiffres["Lauréats"] == "0" and dge.chiffres["Rang (pour 10 000 hab.)"] == "pas de rang"
    answer = laureats.territories_vs_france(run, filtres)
    assert answer.tableau.data["Lauréats dans les territoires"].iloc[0] == \
        int(before["nb_projets"].sum())  # the comparison counts the list that covers France only
    con.close()


def test_tonnes_of_co2_are_per_year_as_the_descriptions_say(raw_dir, run):
    """The DGE list gives tonnes of CO2 without a period; the descriptions that cite the same figure say « par an »
    (read from the raw file and from the database alike), none another period."""
    import pandas as pd

    from relance.views import methodologie

    records = [r for r in brut.dge_records(raw_dir) if r["tonnes_equivalent_co2_pour_les_projets_decarbonation"]]
    raw = pd.DataFrame({"tonnes_co2": [float(r["tonnes_equivalent_co2_pour_les_projets_decarbonation"]
                                             .replace(",", ".")) for r in records],
                        "description": [r["description_projet"] for r in records]})
    found = methodologie.co2_period(raw)
    assert (found.lignes, found.citees, found.concordantes, found.par_an, found.autre_periode) == (186, 80, 60, 54, 0)
    assert methodologie.co2_period(run("co2_descriptions")) == found
    assert "évitées par an" in found.phrase
