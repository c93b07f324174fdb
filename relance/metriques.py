"""Allow-lists of what the map colours (address keys `metrique` and `mode`) and the methods they use.

User text never becomes SQL: a metric key picks a column of a frame built by a view.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metrique:
    """A value coloured on the map or charted, with its French label and unit."""

    key: str  # address value and column name of the frame handed to the chart builder
    libelle: str
    unite: str
    decimales: int = 0
    legende: str = ""  # colour-bar title; defaults to "libellé (unité)"
    estimation: bool = False  # drawn with the word "estimation" wherever shown
    methode: str = ""  # how the value is computed, shown under the chart and in exports
    classes: bool = False  # drawn in the classes of relance.lectures (a rate: one outlier would pale the rest)

    @property
    def titre_legende(self) -> str:
        text = self.legende or f"{self.libelle} ({self.unite})"
        return f"{text} — estimation" if self.estimation else text


METHOD_PROJECTS = ("Lauréats France Relance placés dans le territoire par leur point, leur code postal ou leur "
                   "commune, comptés une fois chacun, des lectures de la priorité qui couvrent toute la France (liste "
                   "DGE des projets industriels, lauréats France Relance du Fonds friches ; jamais les listes de "
                   "l'équipe)")
METRIQUES: dict[str, Metrique] = {
    m.key: m
    for m in [
        Metrique("population", "Population", "habitants"),
        Metrique("nb_intercommunalites", "Intercommunalités membres", "intercommunalités",
                 legende="Intercommunalités membres (EPCI, EPT)"),
        Metrique("nb_communes", "Communes", "communes", legende="Nombre de communes"),
        Metrique("nb_projets", "Lauréats France Relance", "lauréats", legende="Lauréats France Relance",
                 methode=METHOD_PROJECTS + "."),
        Metrique("projets_10000", "Lauréats France Relance pour 10 000 habitants", "lauréats pour 10 000 hab.",
                 decimales=2, legende="Lauréats France Relance pour 10 000 habitants",
                 methode=METHOD_PROJECTS + ", rapportés à sa population (INSEE).", classes=True),
        Metrique("projets_1000_emplois", "Lauréats France Relance pour 1 000 emplois salariés privés",
                 "lauréats pour 1 000 emplois", decimales=2,
                 legende="Lauréats France Relance pour 1 000 emplois salariés privés",
                 methode=METHOD_PROJECTS + ", rapportés à l'emploi salarié privé de ses membres (URSSAF 2022).",
                 classes=True),
        Metrique("part_industrie", "Part de l'industrie dans l'emploi", "%", decimales=1,
                 legende="Part de l'industrie dans l'emploi (%)",
                 methode="Part de l'industrie dans l'emploi au lieu de travail (INSEE, RP 2022) de chaque EPCI "
                         "membre, moyenne pondérée par l'emploi salarié privé (URSSAF 2022). Non disponible "
                         "outre-mer."),
    ]
}
PROJECT_METRICS = ("nb_projets", "projets_10000", "projets_1000_emplois")
SYMBOL_METRICS = ("nb_projets",)  # counts: drawn as circles whose area is the count, never as a colour area
RELANCE = "relance"  # map metric: a Baromètre indicator (département values), drawn in one of MODES
# map metric: the lead reading of the priority (relance/reference/lectures.csv): its laureates as circles, or the
# Baromètre indicator when the lead reading is the départements' values (compétences)
LECTURE = "lecture"
METRIC_CHOICES = [LECTURE, *PROJECT_METRICS, RELANCE, *(k for k in METRIQUES if k not in PROJECT_METRICS)]
METRIC_LABELS = {LECTURE: "Lecture principale de la priorité",
                 RELANCE: "Indicateur du Baromètre choisi à gauche (valeurs des départements)"}
DEFAULT_METRIC = LECTURE

MODES = {
    "taux": "Taux pour 10 000 habitants des départements du territoire",
    "estimation": "Estimation pour le territoire (part de population)",
    "departement": "Valeur des départements (carte départementale)",
}
DEFAULT_MODE = "taux"

METHOD_RATE = ("Taux : valeur de chaque département pour 10 000 habitants, moyenne pondérée par la part de la "
               "population du territoire dans chaque département.")
METHOD_ESTIMATE = ("Estimation : valeur de chaque département multipliée par la part de sa population qui vit dans "
                   "le territoire, puis sommée. Ce n'est pas un comptage : le Baromètre ne publie que des valeurs "
                   "départementales.")
METHOD_DEPARTEMENT = ("Valeur publiée par département ; les valeurs départementales ne s'additionnent pas en total "
                      "national (une entreprise aidée dans plusieurs départements compte dans chacun).")
