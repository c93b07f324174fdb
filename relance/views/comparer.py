"""The Comparer page: two to six territories side by side, one chart per indicator of the priority."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from relance import charts, export
from relance.db import Runner
from relance.filtres import PHASES, Filtres, Indicateur
from relance.metriques import METHOD_ESTIMATE, METHOD_RATE
from relance.views import common, laureats

# The page's tabs (ui.tabs); a tab's name is its value in the address: renaming one breaks the links to it.
ONGLETS = ("Lauréats France Relance", "Baromètre")

READING = ("Indicateurs du Baromètre, valeurs départementales. À gauche, le taux pour 10 000 habitants des "
           "départements de chaque territoire (moyenne pondérée par la "
           "population) ; à droite, l'estimation pour le territoire (valeur de chaque département × part de sa "
           "population dans le territoire). Mêmes échelles pour tous les territoires.")


def comparison_chart(run: Runner, filtres: Filtres, chosen: list[str], names: dict[str, str],
                     indicator: Indicateur) -> export.Chart:
    """Territories side by side for one indicator."""
    data = run("comparaison", phase=filtres.phase, tis=chosen, indicateur=indicator.id)
    subtitle = common.reading_subtitle(filtres, indicator, ", ".join(names[t] for t in chosen))
    source = common.source_relance(run)
    title = f"{indicator.libelle_court} : taux pour 10 000 habitants et estimation (valeurs départementales)"
    figure = charts.comparison_chart(data, title, indicator.unite_courte, source, subtitle=subtitle)
    table = pd.DataFrame({"Identifiant": data["ti_id"], "Territoire": data["nom"], "Date": pd.to_datetime(data["date"]),
                          "Taux pour 10 000 habitants": data["taux_10000"].round(2),
                          f"Estimation ({indicator.unite_courte})": data["estimation"].round(0)})
    return export.chart(figure, table, f"comparaison-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                        phase=filtres.phase, ti="-".join(chosen) if len(chosen) <= 2 else None,
                        method=f"{METHOD_RATE} {METHOD_ESTIMATE}")


@dataclass(frozen=True)
class Comparaison:
    """What the page shows for the chosen territories: the laureates at once, the Baromètre charts when the page
    first reads them (after the laureates are on screen)."""

    message: str | None  # why nothing is compared
    lecture: str = ""
    laureats: export.Chart | None = None
    laureats_tableau: export.Table | None = None
    avertissements: list[str] = field(default_factory=list)
    calculs: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)

    charts = common.later("charts", ())  # export.Chart per Baromètre indicator (département values)
    par_mesure = common.later("par_mesure")  # export.Table: the laureates of each territory by measure


def comparaison(run: Runner, filtres: Filtres, chosen: Sequence[str]) -> Comparaison:
    """One chart per indicator of the priority for the chosen territories (a tuple from the page: shared views
    take hashable arguments)."""
    chosen = list(chosen)
    if len(chosen) < 2:
        if chosen:  # e.g. the territory being read, put there on arrival: say what is missing
            name = common.territory_names(run, filtres.phase).get(chosen[0], chosen[0])
            return Comparaison(f"{name} est choisi : ajoutez au moins un autre territoire de la "
                               f"{PHASES[filtres.phase].lower()} ; tapez quelques lettres de son nom puis Entrée.")
        return Comparaison(f"Choisissez au moins deux territoires de la {PHASES[filtres.phase].lower()}.")
    chart, table = laureats.compared(run, filtres, chosen)

    def charts() -> list[export.Chart]:
        names = common.territory_names(run, filtres.phase)
        return [comparison_chart(run, filtres, chosen, names, i) for i in common.indicateurs(run, filtres.priorite)]

    return Comparaison(None, READING, chart, table, same_departements(run, filtres.phase, chosen),
                       {"charts": charts, "par_mesure": lambda: laureats.compared_by_measure(run, filtres, chosen)})


def same_departements(run: Runner, phase: int, chosen: list[str]) -> list[str]:
    """A warning for each group of chosen territories that lie in the same départements: their Baromètre rates are
    the same (the Baromètre publishes by département), only their laureates tell them apart."""
    territories = run("territoires", phase=phase, ti=None).set_index("ti_id").loc[chosen]
    warnings = []
    for departements, group in territories.groupby("departements_noms", sort=False):
        if len(group) > 1:
            warnings.append(f"{' et '.join(group['nom'])} ont les mêmes départements ({departements}) : leurs "
                            "taux du Baromètre sont identiques, par construction. Leurs lauréats (plus haut) les "
                            "distinguent.")
    return warnings
