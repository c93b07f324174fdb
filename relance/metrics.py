"""Allow-list of what the map can colour: a vetted column name, a label, a unit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A territory metric shown on the map."""

    key: str  # URL value and column of the `territoires` query
    libelle: str
    unite: str
    decimales: int = 0
    legende: str = ""  # colour-bar title; defaults to "libellé (unité)"

    @property
    def titre_legende(self) -> str:
        return self.legende or f"{self.libelle} ({self.unite})"


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("population", "Population", "habitants"),
        Metric("nb_intercommunalites", "Intercommunalités membres", "intercommunalités",
               legende="Intercommunalités membres (EPCI, EPT)"),
        Metric("nb_communes", "Communes", "communes", legende="Nombre de communes"),
    ]
}
DEFAULT_METRIC = "population"

PHASES = {1: "Phase 1 (2018-2022)", 2: "Phase 2 (2023-2027)"}
DEFAULT_PHASE = 1
