"""The Méthodologie & sources page: sources with the rows they brought, the priority mapping, the build date."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from relance import export, fmt, tables
from relance.db import Runner
from relance.filtres import NATURES
from relance.views import common


@dataclass(frozen=True)
class Methodologie:
    """The tables of the page, read from the database."""

    sources: pd.DataFrame
    priorites: pd.DataFrame
    placement: pd.DataFrame  # per source, method and confidence
    placement_phrase: str
    desaccords: export.Table  # published commune names that disagree with the point and postcode
    rejets: pd.DataFrame
    lectures: pd.DataFrame  # nature and reading date of each indicator, with the reason
    construite_le: str
    modele: pd.DataFrame  # the reading model: which sources answer each priority, at which level, in which role
    regle: str  # the effect of « a laureate counted once », in a sentence
    fusions: pd.DataFrame  # where rows were merged (phase 1)
    co2: str  # what period the tonnes of CO2 cover, and how it was established
    friches: pd.DataFrame  # Fonds friches laureates by normalised type and owner


def placement_audit(run: Runner) -> tuple[pd.DataFrame, str, export.Table]:
    """How every project was placed, and the projects whose published commune name was set aside."""
    found = run("placement_bilan")
    frame = pd.DataFrame({"Source": found["source"], "Méthode de placement": found["placement"],
                          "Confiance": found["confiance"], "Projets": found["projets"]})
    dge = found[found["source"].str.startswith("DGE")]
    high = int(dge.loc[dge["confiance"] == "haute", "projets"].sum())
    total = int(dge["projets"].sum())
    disagreements = run("placement_desaccords")
    phrase = ""
    if total:
        phrase = (f"Liste DGE : {fmt.compte(total, 'projet')}, dont {fmt.nombre(high)} placés avec une confiance "
                  f"haute ({fmt.pourcent(high / total)}) ; le nom de commune publié a été écarté pour "
                  f"{fmt.compte(len(disagreements), 'projet')} parce qu'il contredit le point et le code postal.")
    table = export.Table(pd.DataFrame({
        "Source": disagreements["source"], "Entreprise": disagreements["entreprise"], "Projet": disagreements["nom"],
        "Mesure": disagreements["mesure"], "Commune publiée": disagreements["commune_publiee"],
        "Commune retenue": disagreements["commune_placee"], "Code commune": disagreements["commune_code"],
        "Département": disagreements["code_departement"], "Latitude": disagreements["lat"],
        "Longitude": disagreements["lon"], "Placement": disagreements["placement"],
        "Confiance": disagreements["confiance"]}), "desaccords-de-placement",
        "Projets dont la commune publiée contredit le point et le code postal", "toutes les listes",
        common.source_projets(run), method="Placement par les indices concordants : point dans le contour d'une "
        "commune 2018, code postal, département ; le nom de commune seulement s'il concorde.")
    return frame, phrase, table


def reading_model(run: Runner) -> pd.DataFrame:
    """The reviewed reading model as a table: each priority's readings, the lead first."""
    from relance import lectures

    choices = common.priority_choices(run)
    rows = []
    for code, label in choices.items():
        for reading in lectures.lectures(run, code):
            rows.append({"Priorité": label, "Lecture": reading.libelle, "Rôle": lectures.ROLES[reading.role],
                         "Niveau": lectures.NIVEAUX[reading.niveau],
                         "Ce qu'elle laisse de côté": reading.laisse_de_cote})
    return pd.DataFrame(rows)


def laureate_rule(run: Runner) -> tuple[str, pd.DataFrame]:
    """The effect of « a laureate counted once » (sentence), and where rows were merged in phase 1."""
    effect = run("laureats_regle").set_index("phase")
    merged = run("laureats_fusionnes", phase=1)
    if effect.empty:
        return "Aucune liste DGE chargée.", pd.DataFrame()
    first = effect.loc[1]
    phrase = (f"Liste DGE : {fmt.compte(first['lignes'], 'ligne')}, "
              f"{fmt.compte(first['laureats'], 'lauréat')} en France. "
              + " ".join(f"Phase {phase} : {fmt.compte(row['lignes_territoires'], 'ligne')} dans les territoires, "
                         f"{fmt.compte(row['laureats_territoires'], 'lauréat')}."
                         for phase, row in effect.iterrows())
              + f" {fmt.compte(first['lignes_texte_commun'], 'ligne')} partagent leur texte avec une autre "
                f"entreprise ({fmt.compte(first['textes_communs'], 'texte')} : présentation d'un groupe ou projet "
                "d'un consortium) "
                "et ne sont jamais fusionnées ; les descriptifs vides ou « 0 » non plus.")
    table = pd.DataFrame({"Territoire": merged["territoire"], "Identifiant": merged["ti_id"],
                          "Entreprise": merged["entreprise"], "Lignes de la liste": merged["lignes"],
                          "Communes": merged["communes"]})
    return phrase, table


def methodologie(run: Runner) -> Methodologie:
    """Sources, reading model, priority mapping, laureates, placement audit, rejected rows and build date."""
    info = run("build_info").set_index("cle")["valeur"]
    placement, phrase, disagreements = placement_audit(run)
    rejects = run("projet_rejets")
    readings = run("indicateurs_lecture")
    lectures = pd.DataFrame({"Indicateur": readings["libelle_court"], "Priorité": readings["priorite_libelle"],
                             "Nature": readings["nature"].map(NATURES),
                             "Date de lecture par défaut": [fmt.date_longue(pd.Timestamp(d).date())
                                                            for d in readings["date_lecture"]],
                             "Pourquoi": readings["raison_lecture"]})
    rule, merged = laureate_rule(run)
    categories = run("friches_categories")
    friches = pd.DataFrame({"Rubrique": categories["rubrique"], "Valeur normalisée": categories["valeur"],
                            "Lauréats France Relance": categories["laureats"],
                            "Hectares de friche déclarés": categories["friche_ha"].round(1)})
    return Methodologie(tables.sources_table(run("sources")),
                        tables.priorities_table(run("priorites_indicateurs"), run("priorites_mesures")),
                        placement, phrase, disagreements,
                        pd.DataFrame({"Liste": rejects["fichier"], "Ligne": rejects["ligne"],
                                      "Motif du rejet": rejects["motif"]}), lectures,
                        f"Base construite le {info['construit_le']}", reading_model(run), rule, merged,
                        co2_period(run("co2_descriptions")).phrase, friches)


_TONNES = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+(?:,\d+)?)\s*(kt\b|tonnes?|teq|tco2)", re.IGNORECASE)
_YEARLY = re.compile(r"par an\b|/ ?an\b|annuel|chaque année|par année", re.IGNORECASE)
_OTHER = re.compile(r"sur (?:\d+|deux|trois|cinq|dix|vingt) ans|sur la durée|au total|cumul", re.IGNORECASE)
CO2_TOLERANCE = 0.25  # a tonnage in the description within 25 % of the column is the same figure


@dataclass(frozen=True)
class PeriodeCo2:
    """What the descriptions say of the period of the DGE list's tonnes of CO2."""

    lignes: int  # rows giving tonnes
    citees: int  # descriptions stating a tonnage of CO2
    concordantes: int  # ... the same figure as the column
    par_an: int  # ... said per year
    autre_periode: int  # ... said over another period

    @property
    def phrase(self) -> str:
        return (f"La liste DGE donne des tonnes équivalent CO2 évitées pour {fmt.compte(self.lignes, 'ligne')}, "
                f"sans dire sur quelle durée. {fmt.nombre(self.citees)} descriptifs de ces lignes citent un tonnage de "
                f"CO2 ; {fmt.nombre(self.concordantes)} citent le même nombre que la colonne (à "
                f"{fmt.pourcent(CO2_TOLERANCE, 0)} près), dont {fmt.nombre(self.par_an)} « par an » (ou « /an », "
                f"« annuel ») et {fmt.nombre(self.autre_periode)} pour une autre durée : les tonnes sont lues et "
                "montrées comme évitées par an.")


def co2_period(frame: pd.DataFrame) -> PeriodeCo2:
    """Read the descriptions of the rows that give tonnes of CO2: those citing the same tonnage, and the period
    they give it for (the tonnage, then about 120 characters after it)."""
    stated = same = yearly = other = 0
    for tonnes, text in zip(frame["tonnes_co2"].tolist(), frame["description"].fillna("").tolist(), strict=True):
        found = []
        for match in _TONNES.finditer(text):
            around = text[match.start():match.end() + 60].lower()
            if "co2" not in around and "co₂" not in around and "carbone" not in around and "co 2" not in around:
                continue
            value = float(re.sub(r"[ \u00a0\u202f.]", "", match.group(1)).replace(",", "."))
            value *= 1000 if match.group(2).lower() == "kt" else 1
            tail = text[match.end():match.end() + 120]
            found.append((value, bool(_YEARLY.search(tail)), bool(_OTHER.search(tail))))
        if not found:
            continue
        stated += 1
        agreeing = [f for f in found if tonnes and abs(f[0] - tonnes) / tonnes <= CO2_TOLERANCE]
        if agreeing:
            same += 1
            yearly += any(f[1] for f in agreeing)
            other += any(f[2] and not f[1] for f in agreeing)
    return PeriodeCo2(len(frame), stated, same, yearly, other)
