"""The Méthodologie & sources page: sources with the rows they brought, the priority mapping, the build date."""

from __future__ import annotations

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


def methodologie(run: Runner) -> Methodologie:
    """Sources, priority mapping, placement audit, rejected rows and build date."""
    info = run("build_info").set_index("cle")["valeur"]
    placement, phrase, disagreements = placement_audit(run)
    rejects = run("projet_rejets")
    readings = run("indicateurs_lecture")
    lectures = pd.DataFrame({"Indicateur": readings["libelle_court"], "Priorité": readings["priorite_libelle"],
                             "Nature": readings["nature"].map(NATURES),
                             "Date de lecture par défaut": [fmt.date_longue(pd.Timestamp(d).date())
                                                            for d in readings["date_lecture"]],
                             "Pourquoi": readings["raison_lecture"]})
    return Methodologie(tables.sources_table(run("sources")),
                        tables.priorities_table(run("priorites_indicateurs"), run("priorites_mesures")),
                        placement, phrase, disagreements,
                        pd.DataFrame({"Liste": rejects["fichier"], "Ligne": rejects["ligne"],
                                      "Motif du rejet": rejects["motif"]}), lectures,
                        f"Base construite le {info['construit_le']}")
