"""The page Territoires et reste de la France: did France Relance reach the départements most covered by the
programme more? Terciles of départements, the scatter of départements, and the Fonds friches by région."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from relance import charts, export, fmt, tables
from relance.db import Runner
from relance.filtres import PHASES, Filtres, Indicateur
from relance.views import common, laureats

SUMMARY_NOTE = ("Chaque indicateur à sa date de lecture (fin de la dernière campagne ou année complète quand la "
                "série repart chaque année ; voir Méthodologie). Indice 100 : taux de l'ensemble des départements "
                "(somme des valeurs départementales rapportée à la population).")
FRICHES_NOTE = (
    "Le Fonds friches (France Relance) n'est publié ici qu'à la maille régionale, sans commune ni montant : il "
    "ne peut pas être rattaché à un territoire. Le fichier du Cerema compte quatre procédures ; leur édition "
    "n'est pas documentée. Les trois premières (36961, 46904, 54008 : 3 010 candidatures) correspondent très "
    "probablement aux trois éditions France Relance (2 999 candidatures annoncées) ; la quatrième (68862) est "
    "très probablement le Fonds vert, hors France Relance. Le drapeau de lauréat (`laureat_fv`) peut différer "
    "de la liste officielle des lauréats (1 382 projets soutenus annoncés, 1 185 drapeaux ici).")


# The page's tabs (ui.tabs); a tab's name is its value in the address: renaming one breaks the links to it.
ONGLETS = ("Lauréats France Relance", "Départements et Baromètre", "Fonds friches par région")


def introduction(phase: int) -> str:
    """How the départements are grouped."""
    return ("Seconde lecture, avec les indicateurs du Baromètre (valeurs départementales). Les départements sont "
            "en trois groupes égaux selon la part de leur population qui vit dans un "
            f"Territoire d'industrie de la {PHASES[phase].lower()}. Pour chaque groupe, le taux est la somme des "
            "valeurs divisée par la somme des populations. Les valeurs du Baromètre étant départementales, c'est la "
            "lecture la plus honnête : elle ne suppose rien sur la répartition à l'intérieur d'un département.")


def coverage_summary(run: Runner, phase: int, items: list[Indicateur]) -> pd.DataFrame:
    """Per indicator and tercile of départements (by population share in a territory): rate and index (all = 100)."""
    frames = []
    for indicator in items:
        groups = run("territoires_vs_france", phase=phase, indicateur=indicator.id, date=indicator.date_lecture)
        overall = groups["valeur"].sum() / groups["population"].sum() * 10000
        frames.append(groups.assign(indicateur=indicator.libelle_court, date=indicator.date_lecture,
                                    indice=groups["taux_10000"] / overall * 100))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def summary_chart(run: Runner, filtres: Filtres, items: list[Indicateur]) -> export.Chart:
    """Every indicator of the priority at once, by tercile."""
    summary = coverage_summary(run, filtres.phase, items)
    subtitle = common.filters_subtitle(filtres) + " · chaque indicateur à sa date de lecture" + (
        f" · {common.PHASE_2_CAVEAT}" if filtres.phase == 2 else "")
    source = common.source_relance(run)
    figure = charts.coverage_summary_chart(summary, filtres.phase, source, subtitle=subtitle)
    data = pd.DataFrame({"Indicateur": summary["indicateur"], "Date": pd.to_datetime(summary["date"]),
                         "Groupe de départements": summary["libelle_groupe"],
                         "Départements": summary["nb_departements"],
                         "Part en TI min.": summary["part_min"], "Part en TI max.": summary["part_max"],
                         "Pour 10 000 habitants": summary["taux_10000"].round(2),
                         "Indice (ensemble = 100)": summary["indice"].round(0)})
    return export.chart(figure, data, "territoires-et-reste-de-la-france", charts.SUMMARY_TITLE, subtitle, source,
                        phase=filtres.phase)


def terciles_sentence(chart: export.Chart, day) -> str:
    """The reading of the terciles chart in one French sentence."""
    rates = chart.data["Pour 10 000 habitants"]
    return (f"Tiers le plus couvert : {fmt.nombre(rates.iloc[-1], 2)} pour 10 000 habitants, contre "
            f"{fmt.nombre(rates.iloc[0], 2)} dans le tiers le moins couvert "
            f"({fmt.date_longue(day)}). L'indicateur détaillé et sa date se choisissent dans la barre latérale.")


def detail_charts(run: Runner, filtres: Filtres, indicator: Indicateur) -> tuple[export.Chart, export.Chart]:
    """The chosen indicator: rate by tercile, and each département's share in a territory against its rate."""
    phase = filtres.phase
    source = common.source_relance(run)
    day = common.reading_date(filtres, indicator)
    subtitle = common.reading_subtitle(filtres, indicator, date=day)
    groups = run("territoires_vs_france", phase=phase, indicateur=indicator.id, date=day)
    title = f"Taux pour 10 000 habitants : {indicator.libelle_court.lower()}, par tiers de départements"
    figure = charts.terciles_chart(groups, title, indicator.unite_courte, phase, source, subtitle=subtitle)
    data = pd.DataFrame({"Groupe de départements": groups["libelle_groupe"],
                         "Départements": groups["nb_departements"], "Part en TI min.": groups["part_min"],
                         "Part en TI max.": groups["part_max"], "Population": groups["population"],
                         f"Valeur ({indicator.unite_courte})": groups["valeur"],
                         "Pour 10 000 habitants": groups["taux_10000"].round(2)})
    terciles = export.chart(figure, data, f"tiers-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                            phase=phase)
    departements = run("departements_couverture", phase=phase, indicateur=indicator.id, date=day)
    figure = charts.coverage_scatter(departements, f"Taux pour 10 000 habitants : {indicator.libelle_court.lower()}, "
                                     "par département", indicator.unite_courte, phase, source, subtitle=subtitle)
    data = pd.DataFrame({"Code": departements["code"], "Département": departements["nom"],
                         "Population": departements["population"], "Part en TI": departements["part_ti"],
                         f"Valeur ({indicator.unite_courte})": departements["valeur"],
                         "Pour 10 000 habitants": departements["taux_10000"].round(2)})
    scatter = export.chart(figure, data, f"departements-{indicator.libelle_court}", indicator.libelle, subtitle,
                           source, phase=phase)
    return terciles, scatter


def friches_chart(run: Runner) -> export.Chart:
    """Fonds friches laureates by région and procedure."""
    friches = run("fonds_friches_regions")
    source = common.source_friches(run)
    figure = charts.friches_chart(friches, source)
    data = pd.DataFrame({"Région": friches["region_nom"], "Procédure": friches["num_demarche"],
                         "Candidatures": friches["candidatures"], "Lauréats (laureat_fv)": friches["laureats"]})
    return export.chart(figure, data, "fonds-friches-par-region", "Fonds friches : lauréats par région",
                        "Quatre procédures, dont la 4e probablement hors France Relance", source,
                        method="Drapeau laureat_fv du fichier Cerema ; édition de chaque procédure non documentée.")


@dataclass(frozen=True)
class France:
    """What the page shows for the filters: the project-level answer first, then the Baromètre terciles.

    The answer is computed at once; the rest when the page first reads it, after the answer is on screen (the
    page's first chart does not wait for the four others)."""

    laureats: laureats.Comparaison
    introduction: str
    synthese_note: str
    detail_titre: str | None
    friches_note: str
    onglets: tuple[str, ...]  # the page's tabs: the Fonds friches one only under its priority (or all)
    calculs: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)

    synthese = common.later("synthese")  # export.Chart | None
    _detail = common.later("detail")  # (terciles, scatter, sentence), or (None, None, "") without an indicator
    friches = common.later("friches")  # export.Chart | None
    friches_table = common.later("friches_table")  # pd.DataFrame | None

    @property
    def terciles(self) -> export.Chart | None:
        return self._detail[0]

    @property
    def nuage(self) -> export.Chart | None:
        return self._detail[1]

    @property
    def terciles_phrase(self) -> str:
        return self._detail[2]


def france(run: Runner, filtres: Filtres) -> France:
    """Territories against the rest of France for the filters (the Fonds friches under their priority)."""
    indicator = filtres.indicateur
    friches = common.shows_priority(filtres, common.measure_priority(run, "Fonds friches"))

    def detail():
        if not indicator:
            return None, None, ""
        terciles, nuage = detail_charts(run, filtres, indicator)
        return terciles, nuage, terciles_sentence(terciles, common.reading_date(filtres, indicator))

    def synthese():
        items = common.indicateurs(run, filtres.priorite)
        return summary_chart(run, filtres, items) if items else None

    return France(
        laureats=laureats.territories_vs_france(run, filtres),
        introduction=introduction(filtres.phase), synthese_note=SUMMARY_NOTE,
        detail_titre=f"En détail : {indicator.libelle_court}" if indicator else None, friches_note=FRICHES_NOTE,
        onglets=ONGLETS if friches else ONGLETS[:2],
        calculs={"synthese": synthese, "detail": detail,
                 "friches": lambda: friches_chart(run) if friches else None,
                 "friches_table": lambda: tables.friches_table(run("fonds_friches_regions")) if friches else None},
    )
