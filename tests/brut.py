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

    from relance.construction import rds

    applications = pyreadr.read_r(str(raw / "cerema-fonds-friches" / "fondsfriches_light.rds"))["fr_g_fdfriche_r"]
    laureates = set(applications.loc[(applications["laureat_fv"] == "Oui")
                                     & applications["num_demarche"].astype(str).isin(FRANCE_RELANCE_EDITIONS),
                                     "num_dossier"].astype(str))
    sites = rds.data_frame(rds.read_rds(raw / "cerema-cartofriches-sites" / "f.xy.rds"))
    found = {str(d).strip() for d, s, c in zip(sites["id_from_file"], sites["source_nom"], sites["comm_insee"],
                                                strict=True)
             if s == "Appel à projet Fonds Friches" and c and str(d).strip() in laureates}
    return len(found)


def territory_communes(raw: Path, phase: int, ti: str) -> set[str]:
    """The INSEE codes of a territory's communes, from the ANCT file of its phase and the Etalab tables: each member
    SIREN is an EPCI (its member communes), an EPT, or a commune."""
    return set().union(*member_communes(raw, phase, ti).values())


def friches_in_communes(raw: Path, communes: set[str]) -> list[dict]:
    """The Fonds friches applications the Cerema locates in these communes (Cartofriches sites, f.xy.rds), each
    with its row of the applications file (fondsfriches_light.rds, read by pyreadr)."""
    import pyreadr

    from relance.construction import rds

    applications = pyreadr.read_r(str(raw / "cerema-fonds-friches" / "fondsfriches_light.rds"))["fr_g_fdfriche_r"]
    by_dossier = {str(r["num_dossier"]): r for r in applications.to_dict("records")}
    sites = rds.data_frame(rds.read_rds(raw / "cerema-cartofriches-sites" / "f.xy.rds"))
    found = []
    for dossier, source, commune in zip(sites["id_from_file"], sites["source_nom"], sites["comm_insee"], strict=True):
        dossier = str(dossier or "").strip()
        if source == "Appel à projet Fonds Friches" and (commune or "").strip() in communes and dossier in by_dossier:
            found.append(by_dossier[dossier])
    return found


def member_communes(raw: Path, phase: int, ti: str) -> dict[str, set[str]]:
    """Each member SIREN of a territory and its current communes, from the ANCT file of its phase and the Etalab
    tables: an EPCI or an EPT gives its member communes, a commune itself."""
    import json
    import re

    base = raw / "decoupage-administratif-6.0.0"
    if phase == 1:
        features = json.loads((raw / "anct-territoires-industrie-phase1" / "polygone-4326_ti.geojson")
                              .read_text(encoding="utf-8"))["features"]
        props = next(f["properties"] for f in features if f["properties"]["id_ti"] == ti)
        sirens = [s.strip() for s in props["siren_groupement"].split(",")]
    else:
        features = json.loads((raw / "anct-territoires-industrie-phase2" / "ti_geom.geojson")
                              .read_text(encoding="utf-8"))["features"]
        props = next(f["properties"] for f in features if f["properties"]["id_territoire"] == ti)
        sirens = re.findall(r"\((\d{9})\)", props["liste_geo"])
    groups = {e["code"]: {m["code"] for m in e["membres"]}
              for name in ("epci.json", "ept.json") for e in json.loads((base / name).read_text(encoding="utf-8"))}
    by_siren = {c["siren"]: c["code"] for c in json.loads((base / "communes.json").read_text(encoding="utf-8"))
                if c.get("siren") and c.get("type") == "commune-actuelle"}
    return {siren: groups.get(siren) or {by_siren[siren]} for siren in sirens}


def commune_polygons_2018(raw: Path, departements: list[str]) -> dict[str, list]:
    """The 2018 commune polygons (france-geojson) of the départements, read with json and shapely, grouped by the
    current commune they belong to: their own code, or the current commune that lists it among its former codes
    (`anciensCodes` of the Etalab table)."""
    import json

    import shapely.geometry

    base = raw / "decoupage-administratif-6.0.0"
    current = [c for c in json.loads((base / "communes.json").read_text(encoding="utf-8"))
               if c.get("type") == "commune-actuelle"]
    codes = {c["code"] for c in current}
    successor = {old: c["code"] for c in current for old in c.get("anciensCodes") or [] if old not in codes}
    out: dict[str, list] = {}
    for dep in departements:
        path = next((raw / "france-geojson-2018" / "communes").glob(f"communes-{dep.lower()}-*.geojson"))
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code = feature["properties"]["code"]
            owner = code if code in codes else successor.get(code)
            if owner:
                out.setdefault(owner, []).append(shapely.make_valid(shapely.geometry.shape(feature["geometry"])))
    return out
