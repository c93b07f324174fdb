"""Figures computed by the tests themselves from the raw files, independently of the build."""

from __future__ import annotations

import csv
from pathlib import Path

FRANCE_RELANCE_EDITIONS = {"36961", "46904", "54008"}  # PROVENANCE 4b; 68862 is the 2023 Fonds vert


def dge_records(raw: Path) -> list[dict]:
    """Every record of the whole DGE list, read with the csv module."""
    with open(raw / "dge-plan-de-relance" / "plan-de-relance.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def dge_located(raw: Path) -> int:
    """DGE records with a point, a postcode or a département (the others cannot be placed and are rejected)."""
    return sum(1 for r in dge_records(raw)
               if r["coordonnees_gps"].strip() or r["code_postal"].strip() or r["code_departement"].strip())


def friches_laureates_with_commune(raw: Path) -> int:
    """France Relance Fonds friches laureates (flag of fondsfriches_light.rds, read by pyreadr) whose Cartofriches
    site (f.xy.rds) gives a commune."""
    import pyreadr

    from relance import rds

    applications = pyreadr.read_r(str(raw / "cerema-fonds-friches" / "fondsfriches_light.rds"))["fr_g_fdfriche_r"]
    laureates = set(applications.loc[(applications["laureat_fv"] == "Oui")
                                     & applications["num_demarche"].astype(str).isin(FRANCE_RELANCE_EDITIONS),
                                     "num_dossier"].astype(str))
    sites = rds.data_frame(rds.read_rds(raw / "cerema-cartofriches-sites" / "f.xy.rds"))
    found = {str(d).strip() for d, s, c in zip(sites["id_from_file"], sites["source_nom"], sites["comm_insee"],
                                                strict=True)
             if s == "Appel à projet Fonds Friches" and c and str(d).strip() in laureates}
    return len(found)
