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
    "Le Fonds friches de France Relance (trois éditions, 2021-2022) est placé dans les territoires par la commune que "
    "le Cerema donne à chaque candidature : c'est ainsi que la carte, les fiches et les comparaisons le comptent. "
    "Les lauréates que le Cerema ne situe pas (sans site dans Cartofriches) ne sont dans aucun territoire ni dans le "
    "reste de la France ; leur part varie beaucoup d'une région à l'autre, ci-dessous. Le Fonds vert de 2023 "
    "(recyclage foncier) n'est pas France Relance : il est compté à part, jamais dessiné avec lui. Le drapeau de "
    "lauréat (`laureat_fv`) peut différer de la liste officielle (1 382 projets soutenus annoncés par le Cerema, 1 185 "
    "drapeaux dans ses trois éditions France Relance).")


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
    title = f"Taux pour 10 000 habitants : {fmt.minuscule(indicator.libelle_court)}, par tiers de départements"
    figure = charts.terciles_chart(groups, title, indicator.unite_courte, phase, source, subtitle=subtitle)
    data = pd.DataFrame({"Groupe de départements": groups["libelle_groupe"],
                         "Départements": groups["nb_departements"], "Part en TI min.": groups["part_min"],
                         "Part en TI max.": groups["part_max"], "Population": groups["population"],
                         f"Valeur ({indicator.unite_courte})": groups["valeur"],
                         "Pour 10 000 habitants": groups["taux_10000"].round(2)})
    terciles = export.chart(figure, data, f"tiers-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                            phase=phase)
    departements = run("departements_couverture", phase=phase, indicateur=indicator.id, date=day)
    title = f"Taux pour 10 000 habitants : {fmt.minuscule(indicator.libelle_court)}, par département"
    figure = charts.coverage_scatter(departements, title, indicator.unite_courte, phase, source, subtitle=subtitle)
    data = pd.DataFrame({"Code": departements["code"], "Département": departements["nom"],
                         "Population": departements["population"], "Part en TI": departements["part_ti"],
                         f"Valeur ({indicator.unite_courte})": departements["valeur"],
                         "Pour 10 000 habitants": departements["taux_10000"].round(2)})
    scatter = export.chart(figure, data, f"departements-{indicator.libelle_court}", indicator.libelle, subtitle,
                           source, phase=phase)
    return terciles, scatter


def friches_regions(run: Runner) -> pd.DataFrame:
    """Fonds friches by région: France Relance applications, laureates located or not; the Fonds vert apart."""
    rows = run("fonds_friches_regions")
    france_relance = rows[rows["france_relance"]].groupby("region_nom", as_index=False)[
        ["candidatures", "laureats", "laureats_situes", "laureats_non_situes"]].sum()
    vert = rows[~rows["france_relance"]].groupby("region_nom")[["candidatures", "laureats"]].sum()
    return france_relance.assign(
        fonds_vert_candidatures=france_relance["region_nom"].map(vert["candidatures"]).fillna(0).astype(int),
        fonds_vert_laureats=france_relance["region_nom"].map(vert["laureats"]).fillna(0).astype(int))


def friches_chart(run: Runner) -> export.Chart:
    """France Relance Fonds friches laureates by région, located or not."""
    regions = friches_regions(run)
    source = common.source_friches(run)
    figure = charts.friches_chart(regions, source)
    data = pd.DataFrame({"Région": regions["region_nom"], "Candidatures France Relance": regions["candidatures"],
                         "Lauréates France Relance": regions["laureats"],
                         "Dont situées": regions["laureats_situes"], "Dont sans site": regions["laureats_non_situes"],
                         "Fonds vert 2023 : candidatures": regions["fonds_vert_candidatures"],
                         "Fonds vert 2023 : lauréates": regions["fonds_vert_laureats"]})
    return export.chart(figure, data, "fonds-friches-par-region",
                        "Fonds friches (France Relance) : lauréates par région, situées ou non",
                        "Trois éditions France Relance ; le Fonds vert 2023 à part", source,
                        method="Drapeau laureat_fv du fichier des candidatures du Cerema ; une lauréate est située "
                               "quand Cartofriches lui donne un site et une commune.")


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
                 "friches_table": lambda: tables.friches_table(friches_regions(run)) if friches else None},
    )
