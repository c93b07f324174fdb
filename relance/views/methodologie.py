"""The Méthodologie & sources page: sources with the rows they brought, the priority mapping, the build date."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from relance import tables
from relance.db import Runner


@dataclass(frozen=True)
class Methodologie:
    """The tables of the page, read from the database."""

    sources: pd.DataFrame
    priorites: pd.DataFrame
    construite_le: str


def methodologie(run: Runner) -> Methodologie:
    """Sources, priority mapping and build date."""
    info = run("build_info").set_index("cle")["valeur"]
    return Methodologie(tables.sources_table(run("sources")),
                        tables.priorities_table(run("priorites_indicateurs"), run("priorites_mesures")),
                        f"Base construite le {info['construit_le']}")
