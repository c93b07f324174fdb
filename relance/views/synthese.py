"""What France Relance brought to one territory under a priority, read through the reading model: one block per
source that answers the priority (the lead readings first), each with the sentence a note can quote, its figures,
what it leaves out and its source. Used by the map's panel, the profile's Synthèse and the fiche."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from relance import fmt, lectures
from relance.db import Runner
from relance.filtres import PHASES, Filtres, Indicateur
from relance.lectures import Lecture
from relance.views import common


@dataclass(frozen=True)
class Bloc:
    """One reading of the priority for one territory."""

    lecture: Lecture
    phrase: str  # the sentence a note can quote
    chiffres: dict[str, str] = field(default_factory=dict)  # label -> formatted value
    lignes: list[str] = field(default_factory=list)  # further facts (CO2, hectares, owners, deficit, euros)
    tableau: pd.DataFrame | None = None  # the Baromètre indicators, formatted
    source: str = ""  # the source line, as written on charts

    @property
    def titre(self) -> str:
        return self.lecture.libelle

    @property
    def role(self) -> str:
        return lectures.ROLES[self.lecture.role]


@dataclass(frozen=True)
class Synthese:
    """A territory's readings under a priority, the lead first."""

    blocs: list[Bloc]
    somme: str  # under « toutes les priorités »: what the counts add up (empty otherwise)

    @property
    def phrase(self) -> str:
        return self.blocs[0].phrase if self.blocs else ""

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(b.source for b in self.blocs if b.source))


def _phase(filtres: Filtres) -> str:
    return PHASES[filtres.phase].split(" (")[0].lower()


def laureates_frame(run: Runner, filtres: Filtres, sources: list[str]) -> pd.DataFrame:
    """Every territory of the phase with its laureates from the lists of the given readings, under the priority."""
    return run("laureats_territoires", phase=filtres.phase, priorite=filtres.priorite_filtre, lectures=sources)


def _row(frame: pd.DataFrame, ti: str) -> pd.Series:
    return frame.iloc[frame["ti_id"].tolist().index(ti)]


def rank_of(frame: pd.DataFrame, row: pd.Series) -> str:
    """The territory's rank by laureates per 10,000 inhabitants where it informs (`43e sur 149`), else why not."""
    return lectures.rang(row["nb_projets"], row["rang_taux"], row["nb_meme_taux"], row["nb_territoires"])


def class_of(frame: pd.DataFrame, row: pd.Series) -> str:
    """The territory's class among those with laureates (`dans le quart le plus haut des 146 territoires qui en
    comptent`), empty without laureates or without a rank."""
    if not row["nb_projets"] or not lectures.rang_informe(row["nb_meme_taux"], row["nb_territoires"]):
        return ""
    return lectures.classes(frame["projets_10000"]).libelle(row["projets_10000"], "qui en comptent")


def _co2_line(row: pd.Series) -> str | None:
    if not row["nb_co2"]:
        return None
    line = (f"Décarbonation : {fmt.compte(round(row['tonnes_co2']), 'tonne')} équivalent CO2 évitées par an selon "
            f"la liste DGE, pour {fmt.compte(row['nb_co2'], 'lauréat')} qui donne"
            f"{'nt' if row['nb_co2'] > 1 else ''} ce chiffre")
    if row["nb_co2"] > 1:
        line += (f" ; le plus gros, {row['co2_max_laureat']}, en porte "
                 f"{fmt.pourcent(row['co2_max'] / row['tonnes_co2'], 0)}")
    return line + "."


def bloc_laureats(run: Runner, filtres: Filtres, lecture: Lecture, ti: str, nom: str) -> Bloc:
    """A reading of laureates placed in the territory (DGE list, Fonds friches): count, rates, rank where it
    informs, and what the source adds (CO2 per year; hectares, owners and declared deficit of the friches)."""
    frame = laureates_frame(run, filtres, [lecture.source])
    row = _row(frame, ti)
    count = int(row["nb_projets"])
    national = run("lecture_france", priorite=filtres.priorite_filtre, lectures=[lecture.source]).iloc[0]
    phase = _phase(filtres)
    rank = rank_of(frame, row)
    what = lecture.libelle.removeprefix("Lauréats ")
    if count:
        phrase = f"{nom} : {fmt.compte(count, 'lauréat')} {what} dans ses communes"
        if row["nb_lignes"] > count:
            phrase += (f" ({fmt.compte(row['nb_lignes'], 'ligne')} de la liste : les sites d'une même entreprise "
                       "au même projet comptent pour un lauréat)")
        grade = class_of(frame, row)
        phrase += (f", soit {fmt.nombre(row['projets_10000'], 2)} pour 10 000 habitants : {rank} territoires de la "
                   f"{phase} par ce taux" + (f" ({grade})." if grade else "."))
    elif lectures.rang_informe(row["nb_meme_taux"], row["nb_territoires"]):
        phrase = f"{nom} : aucun lauréat {what} dans ses communes ; {rank} territoires de la {phase}."
    else:
        phrase = (f"{nom} : aucun lauréat {what} dans ses communes, comme {fmt.nombre(row['nb_meme_taux'] - 1)} "
                  f"autres des {fmt.nombre(row['nb_territoires'])} territoires de la {phase} (pas de rang).")
    if national["lignes"] < 200:
        phrase += (f" La source n'en compte que {fmt.nombre(national['laureats'])} dans toute la France "
                   f"({fmt.compte(national['lignes'], 'ligne')}).")
    chiffres = {
        "Lauréats": fmt.nombre(count),
        "Pour 10 000 habitants": fmt.nombre(row["projets_10000"], 2),
        "Pour 1 000 emplois privés": fmt.nombre(row["projets_1000_emplois"], 2),
        "Rang (pour 10 000 hab.)": (lectures.rang(count, row["rang_taux"], row["nb_meme_taux"], row["nb_territoires"])
                                    if lectures.rang_informe(row["nb_meme_taux"], row["nb_territoires"])
                                    else "pas de rang"),
    }
    lines = []
    if lecture.source == "friches":
        friches = _row(run("friches_territoires", phase=filtres.phase), ti)
        chiffres = {"Lauréats": chiffres["Lauréats"],
                    "Hectares de friche": fmt.nombre(friches["friche_ha"], 1),
                    "Pour 10 000 habitants": chiffres["Pour 10 000 habitants"],
                    "Rang (pour 10 000 hab.)": chiffres["Rang (pour 10 000 hab.)"]}
        lines = friche_lines(friches)
        source = common.source_projets(run, lectures=["friches"])
    else:
        co2 = _co2_line(row)
        lines = [co2] if co2 else []
        source = common.source_projets(run, lectures=[lecture.source])
    return Bloc(lecture, phrase, chiffres, lines, source=source)


def friche_lines(friches: pd.Series) -> list[str]:
    """What the Fonds friches laureates of a territory recycle, who carries them and the deficit they declare; the
    2023 Fonds vert apart."""
    lines = []
    laureates = int(friches["laureats"])
    lines.append(f"Candidatures France Relance situées dans le territoire : {fmt.nombre(friches['candidatures'])}, "
                 f"dont {fmt.compte(laureates, 'lauréate')}.")
    if laureates:
        area = (f"Friches recyclées : {fmt.nombre(friches['friche_ha'], 1)} ha de friche déclarés par les porteurs "
                f"(sites entiers : {fmt.nombre(friches['site_ha'], 1)} ha), "
                + (f"dont {fmt.nombre(friches['friche_ha_industrielle'], 1)} ha de friches industrielles ou minières "
                   f"({fmt.compte(friches['laureats_industriels'], 'lauréate')})" if friches["laureats_industriels"]
                   else "aucune friche industrielle ou minière"))
        missing = laureates - int(friches["nb_surfaces"])
        lines.append(area + (f" ; {fmt.compte(missing, 'lauréate')} sans surface lisible." if missing else "."))
        owners = [f"{fmt.nombre(p['laureats'])} {fmt.minuscule(p['porteur'])}" for p in friches["porteurs"]]
        lines.append("Porteurs : " + ", ".join(owners) + (
            " (« collectivité locale » : communes et intercommunalités confondues, le fichier ne les distingue pas)."
            if any(p["porteur"] == "Collectivité locale" for p in friches["porteurs"]) else "."))
        given = int(friches["nb_deficits"])
        deficit = (f"Déficit d'opération déclaré par le porteur : {fmt.euros(friches['deficit'])} pour "
                   f"{fmt.compte(given, 'lauréate')} sur {laureates}" if given else
                   f"Déficit d'opération déclaré par le porteur : aucune des {laureates} lauréates n'en donne un")
        others = []
        if friches["nb_deficits_absents"]:
            others.append(f"{fmt.nombre(friches['nb_deficits_absents'])} sans montant lisible")
        if friches["nb_deficits_negatifs_nuls"]:
            others.append(f"{fmt.nombre(friches['nb_deficits_negatifs_nuls'])} nul ou négatif")
        lines.append(deficit + (f" ({', '.join(others)})" if others else "")
                     + ". Ce n'est pas la subvention, qu'aucun fichier ne donne.")
    if friches["candidatures_fonds_vert"]:
        lines.append(f"Fonds vert 2023 (hors France Relance, compté à part) : "
                     f"{fmt.compte(friches['candidatures_fonds_vert'], 'candidature')}, dont "
                     f"{fmt.compte(friches['laureats_fonds_vert'], 'lauréate')}.")
    return lines


def france_rate(run: Runner, indicator: Indicateur, day) -> float | None:
    """An indicator's rate per 10,000 inhabitants for France, as the sum of the départements' values over their
    population (the territory's own method, so that the two compare)."""
    values = run("indicateur_departements", indicateur=indicator.id, date=day).dropna(subset=["valeur"])
    return values["valeur"].sum() / values["population"].sum() * 10000 if len(values) else None


def indicator_ranks(run: Runner, filtres: Filtres, ti: str, items: list[Indicateur]) -> pd.DataFrame:
    """For each indicator: the territory's rate, estimate and rank among the territories of its phase (where it
    informs), and France's rate, at the indicator's reading date."""
    rows = []
    phase = filtres.phase
    for indicator in items:
        day = common.reading_date(filtres, indicator)
        values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=day)
        row = values[values["ti_id"] == ti]
        if row.empty:
            continue
        row = row.iloc[0]
        same = int((values["taux_10000"] == row["taux_10000"]).sum()) if pd.notna(row["taux_10000"]) else 1
        rows.append({
            "Indicateur": indicator.libelle_court,
            "Priorité": indicator.priorite_libelle,
            "Date": fmt.date_longue(day),
            "Estimation pour le territoire": ("≈\u00a0" + fmt.nombre(round(row["estimation"])) + " (estimation)"
                                              if pd.notna(row["estimation"]) else "non disponible"),
            "Taux pour 10 000 habitants": fmt.nombre(row["taux_10000"], 2),
            "France, pour 10 000 habitants": fmt.nombre(france_rate(run, indicator, day), 2),
            "Rang du taux": lectures.rang(row["taux_10000"], row["rang"], same, row["nb_territoires"]),
            "Lecture": common.reading_note(row["valeurs_departements"]),
            "Valeurs des départements": common.departement_values(row["valeurs_departements"]),
        })
    return pd.DataFrame(rows)


def bloc_barometre(run: Runner, filtres: Filtres, lecture: Lecture, ti: str, nom: str) -> Bloc | None:
    """The Baromètre's département values read for the territory: every indicator of the priority as the lead
    reading, the chosen indicator alone beside another reading."""
    items = common.indicateurs(run, filtres.priorite)
    if filtres.indicateur is not None:  # the filters' indicator first: the sentence speaks of it
        items = sorted(items, key=lambda i: i.id != filtres.indicateur.id)
    if not lecture.principale:
        items = items[:1]
    table = indicator_ranks(run, filtres, ti, items)
    if table.empty:
        return None
    first = table.iloc[0]
    names = [part.rsplit(" : ", 1)[0] for part in first["Valeurs des départements"].split(", ")]
    where = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"
    phrase = (f"Les indicateurs du Baromètre ne sont publiés que par département : {nom} est lu à travers "
              f"{'son département' if len(names) == 1 else 'ses départements'} ({where}). {first['Indicateur']} "
              f"({first['Date']}) : {first['Estimation pour le territoire'].replace(' (estimation)', '')} pour le "
              f"territoire (estimation au prorata de sa population ; valeurs des départements : "
              f"{first['Valeurs des départements']}), soit {first['Taux pour 10 000 habitants']} pour 10 000 "
              f"habitants, contre {first['France, pour 10 000 habitants']} en France (somme des départements).")
    chiffres = {f"{first['Indicateur']}, pour 10 000 hab.": first["Taux pour 10 000 habitants"],
                "France, pour 10 000 hab.": first["France, pour 10 000 habitants"],
                "Estimation pour le territoire": first["Estimation pour le territoire"].replace(" (estimation)", "")}
    return Bloc(lecture, phrase, chiffres, [], table, common.source_relance(run))


def bloc_equipe(run: Runner, filtres: Filtres, lecture: Lecture, ti: str, nom: str) -> Bloc | None:
    """The staff's own lists in the territory: their projects and euros, never ranked nor compared (None when no
    staff list is loaded)."""
    loaded = run("projet_imports")
    if not loaded["lecture"].eq("equipe").any():
        return None
    own = run("equipe_territoire", phase=filtres.phase, ti=ti, priorite=filtres.priorite_filtre).iloc[0]
    files = [] if own["fichiers"] is None or own["fichiers"] is pd.NA else [str(f) for f in own["fichiers"]]
    if not own["nb_projets"]:
        phrase = f"{lecture.libelle} : aucun projet de ces listes dans {nom}."
        return Bloc(lecture, phrase, source=common.source_projets(run, lectures=["equipe"]))
    phrase = (f"{lecture.libelle} ({', '.join(files)}) : "
              f"{fmt.compte(own['nb_projets'], 'projet')} dans {nom}. Ces listes ne couvrent que ce que l'équipe a "
              "chargé : elles n'entrent dans aucun rang ni aucune comparaison.")
    lines = []
    if own["nb_montants"]:
        lines.append(f"Aide déclarée par ces listes : {fmt.euros(own['montant_aide'])} pour "
                     f"{fmt.compte(own['nb_montants'], 'projet')} sur {fmt.nombre(own['nb_projets'])}.")
    return Bloc(lecture, phrase, {"Projets (listes de l'équipe)": fmt.nombre(own["nb_projets"])}, lines,
                source=common.source_projets(run, lectures=["equipe"]))


BUILDERS = {"dge": bloc_laureats, "friches": bloc_laureats, "barometre": bloc_barometre, "equipe": bloc_equipe}


def synthese(run: Runner, filtres: Filtres, ti: str, nom: str) -> Synthese:
    """Every reading of the filters' priority for one territory, the lead first."""
    readings = lectures.lectures(run, filtres.priorite)
    blocs = [b for r in readings if (b := BUILDERS[r.source](run, filtres, r, ti, nom)) is not None]
    somme = ""
    if filtres.priorite_filtre is None:
        somme = (f"Sous « {filtres.priorite_libelle} », la carte, les rangs et les comparaisons additionnent : "
                 f"{lectures.somme(readings)} ; le Baromètre est lu à côté, les listes de l'équipe à part.")
    return Synthese(blocs, somme)
