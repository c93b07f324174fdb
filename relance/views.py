"""What each page shows, assembled from query results: frames, metrics and titles (no Streamlit here).

Every function takes `run(name, **params) -> DataFrame` so that pages pass their cached runner and
tests pass `functools.partial(db.run, con)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from relance import fmt
from relance.metrics import (
    ALL_PRIORITIES,
    METHOD_DEPARTEMENT,
    METHOD_ESTIMATE,
    METHOD_RATE,
    METRICS,
    PHASES,
    PRIORITIES,
    Metric,
)

Runner = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Indicator:
    """A Baromètre indicator as offered to users."""

    id: str
    libelle: str
    libelle_court: str
    mesure: str
    unite: str
    priorite: str
    priorite_libelle: str
    derniere_date: dt.date

    @property
    def unite_courte(self) -> str:
        """The unit without the Baromètre's long qualifiers (`Recrutements depuis le mois d'août précédent`)."""
        return self.unite.split(" depuis ")[0].lower()


def indicators(run: Runner, priorite: str) -> list[Indicator]:
    """Indicators of a priority (all priorities for `toutes`), the main France Relance one first."""
    frame = run("indicateurs", priorite=None if priorite == ALL_PRIORITIES else priorite)
    return [Indicator(r.id_indicateur, r.libelle, r.libelle_court, r.mesure, r.unite, r.priorite, r.priorite_libelle,
                      pd.Timestamp(r.derniere_date).date()) for r in frame.itertuples()]


def indicator_metric(indicator: Indicator, mode: str) -> Metric:
    """How an indicator is drawn in one of the map modes."""
    unit, short = indicator.unite_courte, indicator.libelle_court
    if mode == "estimation":
        return Metric("estimation", short, unit, 1, legende=f"{short} ({unit})", estimation=True,
                      methode=METHOD_ESTIMATE)
    if mode == "departement":
        return Metric("valeur", short, unit, 0, legende=f"{short} ({unit})", methode=METHOD_DEPARTEMENT)
    return Metric("taux_10000", short, f"{unit} pour 10\u00a0000 hab.", 2,
                  legende=f"{short}<br>({unit} pour 10\u00a0000 habitants)", methode=METHOD_RATE)


def filters_subtitle(phase: int, priorite: str, ti_nom: str | None = None, date: dt.date | None = None) -> str:
    """The active filters, written into every chart so that an exported image stands alone."""
    parts = [PHASES[phase], PRIORITIES[priorite]]
    if ti_nom:
        parts.append(ti_nom)
    if date:
        parts.append(f"au {fmt.date_longue(date)}")
    return " · ".join(parts)


def map_territories(run: Runner, phase: int, metric_key: str, indicator: Indicator | None, mode: str
                    ) -> tuple[pd.DataFrame, Metric]:
    """Territories of a phase with the column to colour, and the metric describing it."""
    territories = run("territoires", phase=phase)
    if metric_key in METRICS:
        metric = METRICS[metric_key]
        if metric_key == "part_industrie":
            industry = run("territoire_industrie", phase=phase)[["ti_id", "part_industrie", "rang",
                                                                  "nb_territoires"]]
            territories = territories.merge(industry, on="ti_id", how="left")
            territories["detail"] = [
                f"<br>Rang : {int(r.rang)}<sup>e</sup> sur {int(r.nb_territoires)}" if pd.notna(r.rang)
                else "<br>Non disponible outre-mer (source métropolitaine)" for r in territories.itertuples()]
        return territories, metric
    if indicator is None:
        raise ValueError("un indicateur est nécessaire pour la carte de la relance")
    metric = indicator_metric(indicator, mode)
    values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
    territories = territories.merge(values, on="ti_id", how="left")
    territories["detail"] = [
        f"<br>Valeurs des départements : {r.departements_valeurs}"
        + (f"<br>Rang : {int(r.rang)}<sup>e</sup> sur {int(r.nb_territoires)} (taux)" if pd.notna(r.rang) else "")
        for r in territories.itertuples()]
    return territories, metric


@dataclass(frozen=True)
class Profile:
    """Everything the territory profile shows about one territory."""

    info: pd.Series
    members: pd.DataFrame
    departements: pd.DataFrame
    industry: pd.Series
    peers: pd.DataFrame


def profile(run: Runner, phase: int, ti: str) -> Profile | None:
    """Identity, members, départements, industrial weight and peers of a territory; None if unknown."""
    info = run("territoire", phase=phase, ti=ti)
    if info.empty:
        return None
    industry = run("territoire_industrie", phase=phase)
    return Profile(
        info=info.iloc[0],
        members=run("territoire_membres", phase=phase, ti=ti),
        departements=run("territoire_departements", phase=phase, ti=ti),
        industry=industry[industry["ti_id"] == ti].iloc[0],
        peers=run("territoire_pairs", phase=phase, ti=ti),
    )


def indicator_ranks(run: Runner, phase: int, ti: str, items: list[Indicator]) -> pd.DataFrame:
    """For each indicator: the territory's rate, estimate and rank among the territories of its phase."""
    rows = []
    for indicator in items:
        values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
        row = values[values["ti_id"] == ti]
        if row.empty:
            continue
        row = row.iloc[0]
        rows.append({
            "Indicateur": indicator.libelle_court,
            "Priorité": indicator.priorite_libelle,
            "Date": fmt.date_longue(indicator.derniere_date),
            "Pour 10 000 habitants": fmt.nombre(row["taux_10000"], 2),
            "Estimation pour le territoire": fmt.nombre(row["estimation"], 1) + " (estimation)",
            "Rang (taux)": (f"{int(row['rang'])}e sur {int(row['nb_territoires'])}" if pd.notna(row["rang"])
                            else "non disponible"),
            "Valeurs des départements": row["departements_valeurs"],
        })
    return pd.DataFrame(rows)


def coverage_summary(run: Runner, phase: int, items: list[Indicator]) -> pd.DataFrame:
    """Per indicator and tercile of départements (by population share in a territory): rate and index (all = 100)."""
    frames = []
    for indicator in items:
        groups = run("territoires_vs_france", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
        overall = groups["valeur"].sum() / groups["population"].sum() * 10000
        frames.append(groups.assign(indicateur=indicator.libelle_court, date=indicator.derniere_date,
                                    indice=groups["taux_10000"] / overall * 100))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
