"""Raw open data -> validated DuckDB database, written atomically; project lists imported or removed with it.

The build reads every source (`sources`), resolves the territories, prepares the geometry (`geo`), places the
projects of every list (`imports`), writes a new database file, runs every data check (queries/controles) on
it, and only then points `data/relance.duckdb` at it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from relance import __version__, db, listes
from relance.construction import geo, imports, sources
from relance.errors import BuildError, ListeError, SourceError

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
SCHEMA = Path(__file__).resolve().parent.parent / "schema.sql"
PHASE_SOURCE = {1: "ti_phase1", 2: "ti_phase2"}


def _resolve_members(phase: int, territories: pd.DataFrame, ref: dict, path: Path) -> pd.DataFrame:
    """One row per member SIREN: its kind (epci, ept, commune), name, and member communes."""
    rows = []
    seen: dict[str, str] = {}
    for index, territory in enumerate(territories.itertuples()):
        for siren in territory.sirens:
            if siren in seen:
                raise SourceError(
                    path,
                    f"le SIREN {siren} est membre de {seen[siren]} et de {territory.ti_id} (phase {phase})",
                    f"entité {index + 1}",
                )
            seen[siren] = territory.ti_id
            if siren in ref["epci_nom"]:
                kind, nom, communes = "epci", ref["epci_nom"][siren], ref["epci_communes"][siren]
            elif siren in ref["ept_nom"]:
                kind, nom, communes = "ept", ref["ept_nom"][siren], ref["ept_communes"][siren]
            elif siren in ref["commune_by_siren"]:
                code = ref["commune_by_siren"][siren]
                kind, nom, communes = "commune", ref["commune_nom"][code], [code]
            else:
                raise SourceError(
                    path,
                    f"SIREN membre inconnu : {siren} (territoire {territory.ti_id}) — ni EPCI, ni EPT, ni commune",
                    f"entité {index + 1}",
                )
            rows.append({"phase": phase, "ti_id": territory.ti_id, "siren": siren, "kind": kind, "nom": nom,
                         "communes": communes})
    return pd.DataFrame(rows)


def _reference(raw: Path) -> dict:
    """Administrative tables and the lookups the territories are resolved against."""
    regions = sources.read_regions(raw)
    departements = sources.read_departements(raw)
    communes = sources.read_communes(raw)
    epci, epci_members = sources.read_epci(raw)
    ept, ept_members = sources.read_ept(raw)
    known = set(communes["code"])
    for name, members in (("epci", epci_members), ("ept", ept_members)):
        unknown = members[~members["commune_code"].isin(known)]
        if not unknown.empty:
            row = unknown.iloc[0]
            raise SourceError(sources.source_path(raw, name),
                              f"commune {row['commune_code']} du groupement {row['siren']} absente de communes.json")
    bad_dep = communes[~communes["departement_code"].isin(set(departements["code"]))]
    if not bad_dep.empty:
        row = bad_dep.iloc[0]
        raise SourceError(sources.source_path(raw, "communes"),
                          f"département inconnu {row['departement_code']!r}", f"commune {row['code']}")
    commune_epci = epci_members.drop_duplicates("commune_code").set_index("commune_code")["siren"]
    communes["epci_siren"] = communes["code"].map(commune_epci)
    population = communes.set_index("code")["population"]
    for groups, members in ((epci, epci_members), (ept, ept_members)):
        stats = members.assign(population=members["commune_code"].map(population)).groupby("siren").agg(
            population=("population", "sum"), nb_communes=("commune_code", "count"))
        groups["population"] = groups["siren"].map(stats["population"]).astype("int64")
        groups["nb_communes"] = groups["siren"].map(stats["nb_communes"]).astype("int64")
    dep_pop = communes.groupby("departement_code")["population"].sum()
    departements["population"] = departements["code"].map(dep_pop).fillna(0).astype("int64")
    return {
        "regions": regions,
        "departements": departements,
        "communes": communes,
        "epci": epci,
        "ept": ept,
        "epci_nom": dict(zip(epci["siren"], epci["nom"], strict=True)),
        "ept_nom": dict(zip(ept["siren"], ept["nom"], strict=True)),
        "epci_communes": epci_members.groupby("siren")["commune_code"].apply(list).to_dict(),
        "ept_communes": ept_members.groupby("siren")["commune_code"].apply(list).to_dict(),
        "commune_by_siren": dict(zip(communes["siren"], communes["code"], strict=True)),
        "commune_nom": dict(zip(communes["code"], communes["nom"], strict=True)),
    }


def _territory_tables(phase: int, territories: pd.DataFrame, members: pd.DataFrame, ref: dict, path: Path):
    """territoire, territoire_membre, territoire_commune, territoire_departement for one phase."""
    communes = ref["communes"].set_index("code")
    tc = (members[["phase", "ti_id", "siren", "communes"]].explode("communes")
          .rename(columns={"communes": "commune_code", "siren": "membre_siren"}))
    dup = tc[tc["commune_code"].duplicated(keep=False)]
    if not dup.empty:
        row = dup.sort_values("commune_code").iloc[0]
        others = sorted(set(dup[dup["commune_code"] == row["commune_code"]]["ti_id"]))
        raise SourceError(path, f"la commune {row['commune_code']} appartient à plusieurs territoires : "
                                f"{', '.join(others)}")
    tc = tc.reset_index(drop=True)
    tc["population"] = tc["commune_code"].map(communes["population"]).astype("int64")
    tc["departement_code"] = tc["commune_code"].map(communes["departement_code"])

    per_member = members[["siren", "communes"]].explode("communes")
    per_member["population"] = per_member["communes"].map(communes["population"])
    members = members.assign(
        population=members["siren"].map(per_member.groupby("siren")["population"].sum()).astype("int64"),
        nb_communes=members["communes"].map(len),
    )
    by_dep = tc.groupby(["ti_id", "departement_code"], as_index=False)["population"].sum()
    ti_pop = tc.groupby("ti_id")["population"].sum()
    dep_pop = ref["departements"].set_index("code")["population"]
    by_dep["phase"] = phase
    by_dep["part_territoire"] = by_dep["population"] / by_dep["ti_id"].map(ti_pop)
    by_dep["part_departement"] = by_dep["population"] / by_dep["departement_code"].map(dep_pop)

    regions = set(ref["regions"]["code"])
    rows = []
    for territory in territories.itertuples():
        region_code = territory.ti_id[3:5]
        if region_code not in regions:
            raise SourceError(path, f"code région {region_code!r} de l'identifiant {territory.ti_id} inconnu")
        own = members[members["ti_id"] == territory.ti_id]
        deps = by_dep[by_dep["ti_id"] == territory.ti_id].sort_values("population", ascending=False)
        rows.append({
            "phase": phase,
            "ti_id": territory.ti_id,
            "nom": territory.nom,
            "region_code": region_code,
            "departements": ",".join(deps["departement_code"]),
            "population": int(ti_pop.get(territory.ti_id, 0)),
            "nb_membres": len(own),
            "nb_intercommunalites": int(own["kind"].isin(["epci", "ept"]).sum()),
            "nb_communes": int((tc["ti_id"] == territory.ti_id).sum()),
            "geometrie_source": "publiée (ANCT)",
        })
    territoire = pd.DataFrame(rows)
    membre = members[["phase", "ti_id", "siren", "kind", "nom", "population", "nb_communes"]]
    commune = tc[["phase", "ti_id", "commune_code", "membre_siren"]]
    departement = by_dep[["phase", "ti_id", "departement_code", "population", "part_territoire", "part_departement"]]
    return territoire, membre, commune, departement


def _territory_geometry(phase: int, raw: Path, territories: pd.DataFrame, members: pd.DataFrame,
                        territoire: pd.DataFrame, polygons: gpd.GeoDataFrame) -> list:
    """True-position polygons; territories published as points are rebuilt from their communes."""
    geoms = list(territories["geometry"])
    rebuilt: set[int] = set()
    need: dict[int, list[str]] = {}
    for index, (ti_id, geom) in enumerate(zip(territories["ti_id"], geoms, strict=True)):
        if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)) and geom.area > 0:
            continue
        own = members[(members["ti_id"] == ti_id) & (members["kind"] == "commune")]
        need[index] = [code for codes in own["communes"] for code in codes]
        if not need[index] and geo.polygonal_part(geom).is_empty:
            raise SourceError(sources.source_path(raw, PHASE_SOURCE[phase]),
                              f"territoire {ti_id} sans polygone ni commune pour le reconstruire")
    if need:
        for index, codes_needed in need.items():
            missing = [c for c in codes_needed if c not in set(polygons["code"])]
            if missing:
                raise SourceError(sources.source_path(raw, "communes_2018"),
                                  f"commune(s) sans contour : {', '.join(missing)} "
                                  f"(territoire {territories['ti_id'].iloc[index]})")
            communes = polygons[polygons["code"].isin(codes_needed)].dissolve()
            geoms[index] = geo.rebuild_from_communes(geoms[index], communes.geometry.iloc[0])
            rebuilt.add(index)
            territoire.loc[territoire["ti_id"] == territories["ti_id"].iloc[index], "geometrie_source"] = (
                "reconstruite depuis les contours des communes membres (IGN 2018)")
    geoms = [shapely.make_valid(g) if not g.is_valid else g for g in geoms]
    return geo.remove_overlaps(geoms, rebuilt)


def _indicators(raw: Path, ref: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """indicateur and indicateur_valeur from the Baromètre files and the reviewed priority table."""
    values = sources.read_barometre(raw, set(ref["departements"]["code"]), set(ref["regions"]["code"]))
    mapping_path = REFERENCE_DIR / "indicateurs_priorites.csv"
    mapping = sources.read_csv_checked(mapping_path, ["id_indicateur", "priorite", "libelle_court", "justification"],
                                       sep=";")
    priorities = sources.read_csv_checked(REFERENCE_DIR / "priorites.csv",
                                          ["priorite", "libelle", "description", "programme", "couleur", "motif",
                                           "symbole"], sep=";")
    bad = priorities[~priorities["programme"].isin(["oui", "non"])]
    if not bad.empty:
        raise SourceError(REFERENCE_DIR / "priorites.csv", f"programme : « oui » ou « non » attendu, lu "
                                                           f"{bad.iloc[0]['programme']!r}", f"ligne {bad.index[0] + 2}")
    priorities["programme"] = priorities["programme"] == "oui"
    bad = mapping[~mapping["priorite"].isin(priorities["priorite"])]
    if not bad.empty:
        raise SourceError(mapping_path, f"priorité inconnue {bad.iloc[0]['priorite']!r}", f"ligne {bad.index[0] + 2}")
    labels = (values.sort_values("date").groupby("id_indicateur", as_index=False)
              .agg(mesure=("mesure", "last"), libelle=("indicateur", "last"), unite=("unite", "last")))
    unmapped = sorted(set(labels["id_indicateur"]) - set(mapping["id_indicateur"]))
    if unmapped:
        raise SourceError(mapping_path, f"indicateur(s) sans priorité : {', '.join(unmapped)}")
    labels["unite"] = labels["unite"].str.rstrip(" *")
    indicateur = labels.merge(mapping, on="id_indicateur", how="left").merge(_readings(values, labels),
                                                                           on="id_indicateur", how="left")
    valeur = values[["id_indicateur", "maille", "code", "date", "valeur"]]
    return indicateur, valeur, priorities


def _readings(values: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The reviewed reading of each indicator (relance/reference/indicateurs_lecture.csv): its nature and the date
    read by default, which must be a date the départements (or, for région-only series, the régions) publish."""
    path = REFERENCE_DIR / "indicateurs_lecture.csv"
    readings = sources.read_csv_checked(path, ["id_indicateur", "nature", "date_lecture", "raison"], sep=";")
    missing = sorted(set(labels["id_indicateur"]) - set(readings["id_indicateur"]))
    if missing:
        raise SourceError(path, f"indicateur(s) sans lecture : {', '.join(missing)}")
    for index, row in readings.iterrows():
        where = f"ligne {index + 2}"
        if row["nature"] not in ("cumul", "stock", "annuel", "campagne"):
            raise SourceError(path, f"nature inconnue {row['nature']!r}", where)
        try:
            day = dt.date.fromisoformat(row["date_lecture"])
        except ValueError as exc:
            raise SourceError(path, f"date de lecture illisible {row['date_lecture']!r}", where) from exc
        published = values[(values["id_indicateur"] == row["id_indicateur"]) & (values["date"] == day)
                           & values["maille"].isin(["departement", "region"])]
        if published.empty:
            raise SourceError(path, f"date de lecture {day} non publiée pour {row['id_indicateur']}", where)
    readings["date_lecture"] = pd.to_datetime(readings["date_lecture"]).dt.date
    return readings.rename(columns={"raison": "raison_lecture"})


LECTURE_VALUES = {"source": ("dge", "friches", "barometre", "equipe"), "niveau": ("territoire", "departement"),
                  "role": ("principale", "a_cote", "equipe")}


def _lectures(priorities: pd.DataFrame) -> pd.DataFrame:
    """The reviewed reading model (relance/reference/lectures.csv): for each priority (and « toutes »), which
    sources answer it, at which level, as the lead reading or beside it, and what each leaves out. Each value is
    checked here; every priority of the programme has a lead reading."""
    from relance.filtres import ALL_PRIORITIES

    path = REFERENCE_DIR / "lectures.csv"
    frame = sources.read_csv_checked(path, ["priorite", "source", "niveau", "role", "ordre", "libelle",
                                            "libelle_court", "laisse_de_cote"], sep=";")
    known = {*priorities.loc[priorities["programme"], "priorite"], ALL_PRIORITIES}
    for index, row in frame.iterrows():
        where = f"ligne {index + 2}"
        if row["priorite"] not in known:
            raise SourceError(path, f"priorité inconnue {row['priorite']!r}", where)
        for column, allowed in LECTURE_VALUES.items():
            if row[column] not in allowed:
                raise SourceError(path, f"{column} : {', '.join(allowed)} attendu, lu {row[column]!r}", where)
        if (row["niveau"] == "territoire") != (row["source"] != "barometre"):
            raise SourceError(path, "les listes de projets (dge, friches, equipe) se lisent au territoire, le "
                                    "Baromètre par département", where)
        if not row["ordre"].isdigit() or not row["libelle"].strip() or not row["libelle_court"].strip():
            raise SourceError(path, "ordre entier, libellé et libellé court attendus", where)
    doubled = frame[frame.duplicated(["priorite", "source"])]
    if not doubled.empty:
        raise SourceError(path, f"lecture en double : {doubled.iloc[0]['priorite']} / {doubled.iloc[0]['source']}",
                          f"ligne {doubled.index[0] + 2}")
    leads = set(frame.loc[frame["role"] == "principale", "priorite"])
    if known - leads:
        raise SourceError(path, f"priorité sans lecture principale : {', '.join(sorted(known - leads))}")
    return frame.assign(ordre=frame["ordre"].astype(int))


def _industry(raw: Path, ref: dict, membre: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Industrial share of jobs per EPCI, and per territory weighted by its members' private jobs.

    A member's share is its own (RP 2022, per EPCI or EPT); a commune member has none (the source has no
    commune rows: its EPCI's share is not its own). A territory's share is the mean of its members' shares
    weighted by their private salaried jobs (URSSAF 2022; an EPT's are the sum of its communes'), over the
    members that have both; NULL when none has. Its private jobs are the sum over every member the URSSAF
    series covers (NULL when none is).
    """
    shares = sources.read_industry_share(raw)
    jobs = sources.read_private_jobs(raw)
    epci_jobs = jobs[jobs["echelon"] == "epci"].set_index("code")["emplois"]
    commune_jobs = jobs[jobs["echelon"] == "communes"].set_index("code")["emplois"]
    share = shares.set_index("siren")["part_industrie"]
    ept_jobs = {siren: int(commune_jobs.reindex(codes).fillna(0).sum()) for siren, codes in ref["ept_communes"].items()}
    rows = []
    for member in membre.itertuples():
        if member.kind == "commune":
            member_share, weight = None, commune_jobs.get(ref["commune_by_siren"][member.siren])
        elif member.kind == "ept":
            member_share, weight = share.get(member.siren), ept_jobs.get(member.siren)
        else:
            member_share, weight = share.get(member.siren), epci_jobs.get(member.siren)
        covered = member_share is not None and weight is not None and weight > 0
        rows.append({"phase": member.phase, "ti_id": member.ti_id, "part": member_share if covered else None,
                     "poids": float(weight) if covered else 0.0,
                     "emplois": float(weight) if weight is not None else None})
    frame = pd.DataFrame(rows)
    frame["produit"] = frame["part"].fillna(0) * frame["poids"]
    grouped = frame.groupby(["phase", "ti_id"], as_index=False).agg(
        produit=("produit", "sum"), poids=("poids", "sum"), emplois_salaries_prives=("emplois", "sum"),
        avec_emplois=("emplois", "count"), membres_couverts=("part", "count"), membres=("part", "size"))
    grouped["part_industrie"] = (grouped["produit"] / grouped["poids"]).where(grouped["poids"] > 0)
    grouped["emplois_salaries_prives"] = grouped["emplois_salaries_prives"].where(
        grouped["avec_emplois"] > 0).round().astype("Int64")
    epci = shares[shares["siren"].isin(set(ref["epci"]["siren"]) | set(ref["ept"]["siren"]))].copy()
    epci["emplois_salaries_prives"] = [epci_jobs.get(s, ept_jobs.get(s)) for s in epci["siren"]]
    epci["emplois_salaries_prives"] = epci["emplois_salaries_prives"].astype("Int64")
    territoire = grouped[["phase", "ti_id", "part_industrie", "emplois_salaries_prives", "membres_couverts",
                          "membres"]]
    return epci[["siren", "part_industrie", "emplois_salaries_prives"]], territoire, epci_jobs


def _former_codes(communes: pd.DataFrame) -> pd.DataFrame:
    """Former commune codes (merged communes) -> current commune, for 2018 polygons and old addresses."""
    frame = communes[["code", "anciens_codes"]].explode("anciens_codes").dropna()
    frame = frame[~frame["anciens_codes"].isin(set(communes["code"]))]
    return (frame.rename(columns={"anciens_codes": "ancien_code", "code": "commune_code"})
            .drop_duplicates("ancien_code")[["ancien_code", "commune_code"]])


def _current_codes(codes, communes: pd.DataFrame) -> list[str | None]:
    """Each commune code as it is now: itself when current, else the commune it merged into (None if neither)."""
    current = set(communes["code"])
    former = _former_codes(communes).set_index("ancien_code")["commune_code"]
    return [c if c in current else former.get(c) for c in codes]


def _member_geometry(polygons: gpd.GeoDataFrame, communes: pd.DataFrame, territoire_commune: pd.DataFrame
                     ) -> tuple[pd.DataFrame, int]:
    """membre_geometrie: the contour of each member of each territory, dissolved from the 2018 contours of its
    current communes (a commune merged since 2018 is its former communes' contours together), simplified per
    territory so that shared borders stay shared. A commune re-established since 2018 has no 2018 contour of its
    own (its ground lies in the contour of the commune nouvelle it left, which stays with its member here):
    counted in `communes_sans_contour`. Also how many of the territories' communes have a 2018 contour."""
    located = polygons.assign(commune=_current_codes(polygons["code"], communes)).dropna(subset=["commune"])
    several = located["commune"].duplicated(keep=False)  # the communes merged since 2018: their pieces together
    commune_shapes = pd.concat([located[~several].set_index("commune")["geometry"],
                                located[several].groupby("commune")["geometry"].agg(geo.merge)])
    members = territoire_commune.groupby(["phase", "ti_id", "membre_siren"], sort=True)["commune_code"].agg(
        lambda codes: tuple(sorted(codes)))
    merged: dict[tuple[str, ...], object] = {}  # a member's communes, often the same in both phases: merged once
    for codes in set(members):
        found = commune_shapes.reindex(list(codes)).dropna()
        merged[codes] = geo.merge(found) if len(found) else None
    rows = []
    for (phase, ti_id), own in members.groupby(level=["phase", "ti_id"]):
        drawn = [(siren, codes) for (_, _, siren), codes in own.items() if merged[codes] is not None]
        if not drawn:  # no member with a contour: the data check membre_contour names the territory's members
            continue
        whole = [merged[codes] for _, codes in drawn]
        shapes = geo.simplify_coverage(whole, geo.member_tolerance(whole), geo.MEMBER_PRECISION)
        for (siren, codes), shape in zip(drawn, shapes, strict=True):
            centre = shape.representative_point()
            rows.append({"phase": phase, "ti_id": ti_id, "siren": siren,
                         "geojson": shapely.to_geojson(geo.oriented(shape)), "centre_lon": centre.x,
                         "centre_lat": centre.y, "communes": len(codes),
                         "communes_sans_contour": int(sum(c not in commune_shapes.index for c in codes))})
    drawn = int(territoire_commune["commune_code"].drop_duplicates().isin(commune_shapes.index).sum())
    return pd.DataFrame(rows), drawn


def _map_layers(phase_geoms: dict[int, tuple[list[str], list, list[str]]], dep_polygons: pd.DataFrame,
                departements: pd.DataFrame) -> tuple[list[dict], dict]:
    """Simplified map layers in display position (overseas in insets), and per-territory display geometry."""
    region_of_dep = departements.set_index("code")["region_code"]
    dep_regions = [region_of_dep.get(c, "") for c in dep_polygons["code"]]
    regions = dep_polygons.assign(region=dep_regions).dissolve("region")
    transforms = {region: geo.inset_transform(region, regions.geometry[region].bounds)
                  for region in geo.INSETS if region in regions.index}
    dep_display = geo.simplify_coverage(geo.to_display(list(dep_polygons["geometry"]), dep_regions, transforms),
                                        tolerance=geo.BACKGROUND_TOLERANCE)
    layers = [
        {"couche": "departements", "phase": None,
         "geojson": json.dumps(geo.feature_collection(list(dep_polygons["code"]), dep_display, "code"),
                               separators=(",", ":"))},
        {"couche": "encarts", "phase": None, "geojson": json.dumps(geo.inset_frames(), separators=(",", ":"))},
        {"couche": "transformations_outre_mer", "phase": None, "geojson": json.dumps(transforms)},
    ]
    display = {}
    for phase, (ids, geoms, regions) in phase_geoms.items():
        simplified = geo.simplify_coverage(geo.to_display(geoms, regions, transforms))
        layers.append({"couche": "territoires", "phase": phase,
                       "geojson": json.dumps(geo.feature_collection(ids, simplified, "ti_id"), separators=(",", ":"))})
        display[phase] = simplified
    return layers, display


def assemble(raw: Path) -> dict[str, pd.DataFrame]:
    """Read, resolve and check every source; return the tables to write."""
    ref = _reference(raw)
    tables: dict[str, list] = {k: [] for k in ["territoire", "territoire_membre", "territoire_commune",
                                                "territoire_departement", "territoire_geometrie"]}
    phase_geoms = {}
    commune_polygons = sources.read_commune_polygons(raw)
    readers = {1: sources.read_ti_phase1, 2: sources.read_ti_phase2}
    for phase, reader in readers.items():
        path = sources.source_path(raw, PHASE_SOURCE[phase])
        territories = reader(raw)
        members = _resolve_members(phase, territories, ref, path)
        territoire, membre, commune, departement = _territory_tables(phase, territories, members, ref, path)
        geoms = _territory_geometry(phase, raw, territories, members, territoire, commune_polygons)
        for ti_id, geom in zip(territories["ti_id"], geoms, strict=True):
            if geom.is_empty or geom.area <= 0:
                raise BuildError(f"{path} : le territoire {ti_id} n'a pas de polygone non vide")
        for name, table in (("territoire", territoire), ("territoire_membre", membre),
                            ("territoire_commune", commune), ("territoire_departement", departement)):
            tables[name].append(table)
        phase_geoms[phase] = (list(territories["ti_id"]), geoms, list(territoire["region_code"]))
    dep_polygons = sources.read_departement_polygons(raw)
    unknown = set(dep_polygons["code"]) ^ set(ref["departements"]["code"])
    if unknown:
        raise SourceError(sources.source_path(raw, "dep_polygones"),
                          f"départements sans correspondance : {', '.join(sorted(unknown))}")
    layers, display = _map_layers(phase_geoms, dep_polygons, ref["departements"])
    for phase, (ids, geoms, _) in phase_geoms.items():
        for ti_id, geom, shown in zip(ids, geoms, display[phase], strict=True):
            if shown.is_empty:
                raise BuildError(f"le territoire {ti_id} (phase {phase}) n'a plus de polygone après simplification")
            centre = shown.representative_point()
            ouest, sud, est, nord = shown.bounds
            tables["territoire_geometrie"].append(pd.DataFrame([{
                "phase": phase, "ti_id": ti_id, "geojson": shapely.to_geojson(shapely.set_precision(geom, 0.0001)),
                "centre_lon": centre.x, "centre_lat": centre.y, "ouest": ouest, "sud": sud, "est": est, "nord": nord}]))
    member_shapes, communes_drawn = _member_geometry(commune_polygons, ref["communes"],
                                                     pd.concat(tables["territoire_commune"]))
    tables["membre_geometrie"] = [member_shapes]
    indicateur, valeur, priorites = _indicators(raw, ref)
    epci_industrie, territoire_industrie, epci_jobs = _industry(raw, ref, pd.concat(tables["territoire_membre"]))
    ref["epci"]["emplois_salaries_prives"] = ref["epci"]["siren"].map(epci_jobs).round().astype("Int64")
    fonds_friches = sources.read_fonds_friches(raw, ref["regions"])
    friche, friche_rejets = _friches(sources.read_friche_sites(raw), fonds_friches, ref["communes"])
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
    out.update({
        "region": ref["regions"],
        "departement": ref["departements"],
        "commune": ref["communes"][["code", "nom", "departement_code", "epci_siren", "population"]],
        "commune_code_postal": ref["communes"][["code", "codes_postaux"]].explode("codes_postaux").dropna()
        .rename(columns={"code": "commune_code", "codes_postaux": "code_postal"}).drop_duplicates(),
        "commune_ancien_code": _former_codes(ref["communes"]),
        "epci": ref["epci"][["siren", "nom", "type", "population", "nb_communes", "emplois_salaries_prives"]],
        "ept": ref["ept"][["siren", "nom", "population", "nb_communes"]],
        "carte_couche": pd.DataFrame(layers),
        "indicateur": indicateur[["id_indicateur", "mesure", "libelle", "libelle_court", "unite", "priorite",
                                  "justification", "nature", "date_lecture", "raison_lecture"]],
        "indicateur_valeur": valeur,
        "priorite": priorites,
        "epci_industrie": epci_industrie,
        "territoire_industrie": territoire_industrie,
        "fonds_friches": fonds_friches,
        "friche": friche,
        "friche_rejet": friche_rejets,
        "controle_attendu": _expected_counts(sources.perimeter(raw)),
        "mesure_priorite": imports.measure_priorities(),
        "lecture": _lectures(priorites),
    })
    out["source"] = _source_rows(out, valeur, raw, communes_drawn)
    return out


def _friches(sites: pd.DataFrame | None, applications: pd.DataFrame, communes: pd.DataFrame
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every located Fonds friches application (Cartofriches site joined to its file by `num_dossier`): edition,
    France Relance or not, laureate flag, current commune, point, site name; and the sites that cannot be
    joined, with their reason (the build goes on without them)."""
    columns = ["num_dossier", "edition", "france_relance", "laureat", "commune_code", "lat", "lon", "site_nom"]
    if sites is None:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["ligne", "motif"])
    joined = sites.merge(applications[["num_dossier", "num_demarche", "laureat"]], on="num_dossier", how="left")
    rejects = []
    unknown = joined["num_demarche"].isna()
    rejects += [{"ligne": r.ligne, "motif": f"dossier {r.num_dossier} absent du fichier des candidatures "
                 "(fondsfriches_light.rds) : édition et lauréat inconnus"} for r in joined[unknown].itertuples()]
    joined = joined[~unknown]
    duplicated = joined["num_dossier"].duplicated()
    rejects += [{"ligne": r.ligne, "motif": f"dossier {r.num_dossier} en double (premier site gardé)"}
                for r in joined[duplicated].itertuples()]
    joined = joined[~duplicated].copy()
    editions = joined["num_demarche"].map(sources.FRICHES_EDITIONS)
    unnamed = editions.isna()
    rejects += [{"ligne": r.ligne, "motif": f"procédure {r.num_demarche} inconnue (dossier {r.num_dossier})"}
                for r in joined[unnamed].itertuples()]
    joined, editions = joined[~unnamed], editions[~unnamed]
    joined["commune_code"] = _current_codes(joined["commune_code"], communes)
    joined["edition"] = [e[0] for e in editions]
    joined["france_relance"] = [e[1] for e in editions]
    return joined[columns].reset_index(drop=True), pd.DataFrame(rejects, columns=["ligne", "motif"])


def _expected_counts(perimetre: str) -> pd.DataFrame:
    """Known facts of the published lists (PROVENANCE.md) that the data checks compare with, for the whole of
    France or for the extract of the tests' fast tier (column `perimetre`)."""
    frame = sources.read_csv_checked(REFERENCE_DIR / "controles_attendus.csv",
                                     ["perimetre", "cle", "phase", "valeur", "justification"], sep=";")
    frame = frame[frame["perimetre"] == perimetre]
    return frame.assign(phase=pd.to_numeric(frame["phase"]).astype("Int64"), valeur=frame["valeur"].astype("int64"))


def _source_rows(tables: dict[str, pd.DataFrame], valeur: pd.DataFrame, raw: Path, communes_drawn: int
                 ) -> pd.DataFrame:
    """Provenance of each source with the rows it contributed, counted from the built tables."""
    territoire = tables["territoire"]
    counts = {
        "ti_phase1": int((territoire["phase"] == 1).sum()),
        "ti_phase2": int((territoire["phase"] == 2).sum()),
        "communes": len(tables["commune"]),
        "epci": len(tables["epci"]),
        "ept": len(tables["ept"]),
        "departements": len(tables["departement"]),
        "regions": len(tables["region"]),
        "dep_polygones": len(tables["departement"]),
        # communes drawn from their 2018 polygons: the members' contours (and the territories published as points)
        "communes_2018": communes_drawn,
        "barometre_dep": int((valeur["maille"] == "departement").sum()),
        "barometre_reg": int((valeur["maille"] == "region").sum()),
        "barometre_nat": int((valeur["maille"] == "national").sum()),
        "ptod_epci": len(tables["epci_industrie"]),
        "urssaf_serie": int(tables["epci_industrie"]["emplois_salaries_prives"].notna().sum()),
        "fonds_friches": len(tables["fonds_friches"]),
        "cartofriches_sites": len(tables["friche"]),
        "dge_liste": 0,  # projects placed from the list, counted when they are written
    }
    return pd.DataFrame([
        {"cle": s.key, "fichier": s.path, "titre": s.titre, "editeur": s.editeur, "licence": s.licence,
         "millesime": s.millesime, "lignes": counts[s.key], "present": (raw / s.path).exists()}
        for s in sources.SOURCES.values()
    ])


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Every data check (queries/controles/*.sql) on the database being written; the first that finds rows stops
    the build with its rule and an offending row."""
    for check in db.checks():
        found = db.execute(con, check)
        if len(found):
            example = ", ".join(f"{k} = {v}" for k, v in found.iloc[0].items())
            raise BuildError(f"contrôle « {check.name} » en défaut ({check.description.removeprefix('Contrôle : ')})"
                             f" : {len(found)} ligne(s), par exemple {example}")


KEEP_VERSIONS = 2


def _version_key(link: Path, path: Path) -> tuple[int, int, str] | None:
    """Where a version file stands, oldest first: the names of earlier releases (`relance.<local time>.duckdb`)
    before every numbered one (`relance.v<number>.<UTC time>.duckdb`), numbered ones by their number, which only
    grows (never the clock: a time-zone change or the autumn hour must not make the newest look oldest)."""
    stem = re.escape(link.stem)
    numbered = re.fullmatch(rf"{stem}\.v(\d{{8}})\.\d{{8}}T\d{{6}}Z", path.stem)
    if numbered:
        return (1, int(numbered.group(1)), path.name)
    if re.fullmatch(rf"{stem}\.\d{{14,20}}", path.stem):
        return (0, 0, path.name)
    return None


def _versions(link: Path) -> list[Path]:
    """The version files of a database link, oldest first (see `_version_key`)."""
    found = [(key, p) for p in link.parent.glob(f"{link.stem}.*{link.suffix}")
             if not p.is_symlink() and (key := _version_key(link, p)) is not None]
    return [p for _, p in sorted(found)]


def in_use(path: Path) -> bool:
    """Whether another process reads this database file: DuckDB holds a shared lock on the files it has open, so
    an exclusive lock is refused (the probe never waits). A file that cannot be opened counts as in use."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing the descriptor releases the probe's lock
    return False


def _swap_in(complete: Path, link: Path) -> None:
    """Give the complete file its version name and point `link` (a symbolic link) at it, atomically.

    Each build is its own file (`relance.v<number>.<UTC time>.duckdb`, named from the link's own name, the number
    one more than the last): a running dashboard keeps reading the version it opened while it opens the new one
    (DuckDB shares one instance per path within a process, so a file replaced in place would keep showing the old
    data). Versions older than the last KEEP_VERSIONS are removed, except the link's target and any version
    another process still reads.
    """
    existing = _versions(link)
    last = _version_key(link, existing[-1]) if existing else None
    number = (last[1] if last else 0) + 1
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    version = link.with_name(f"{link.stem}.v{number:08d}.{stamp}{link.suffix}")
    os.replace(complete, version)
    pointer = link.with_name(f".{link.name}.v{number:08d}.lien")
    pointer.symlink_to(version.name)
    os.replace(pointer, link)
    target = Path(os.path.realpath(link))
    for old in _versions(link)[:-KEEP_VERSIONS]:
        if old.resolve() == target or in_use(old):
            continue
        old.unlink(missing_ok=True)
        Path(str(old) + ".wal").unlink(missing_ok=True)


def repair_link(link: Path) -> str | None:
    """A link that no longer resolves is pointed at the newest version present; what was done, in French (None
    when the link resolves or is not a link). BuildError when no version is left."""
    if not link.is_symlink() or link.exists():
        return None
    versions = _versions(link)
    if not versions:
        raise BuildError(f"le lien {link.name} désigne un fichier absent ({os.readlink(link)}) et aucune version "
                         "n'est présente : reconstruisez la base (python -m relance build)")
    pointer = link.with_name(f".{link.name}.reparation.lien")
    pointer.unlink(missing_ok=True)
    pointer.symlink_to(versions[-1].name)
    os.replace(pointer, link)
    return f"le lien {link.name} désignait un fichier absent : il désigne maintenant {versions[-1].name}"


def _perimeter_label(raw: Path) -> str:
    """`france`, or `extrait` with its départements (`extrait 18,58,76`): the pages say when the base is an extract."""
    mark = sources.extract_mark(raw)
    return "france" if mark is None else "extrait " + ",".join(mark.get("departements", []))


def write(tables: dict[str, pd.DataFrame], link: Path, raw: Path, seconds: float) -> None:
    """Write a new database next to `link`, check it, and swap it in only when complete."""
    link.parent.mkdir(parents=True, exist_ok=True)
    with _new_version(link) as con:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        info = pd.DataFrame([
            {"cle": "construit_le", "valeur": dt.datetime.now().astimezone().isoformat(timespec="seconds")},
            {"cle": "version", "valeur": __version__},
            {"cle": "donnees_brutes", "valeur": str(raw)},
            {"cle": "duree_s", "valeur": f"{seconds:.1f}"},
            {"cle": "perimetre", "valeur": _perimeter_label(raw)},
        ])
        written = {name: frame for name, frame in tables.items() if name != "friche_rejet"}
        for name, frame in {**written, "build_info": info}.items():
            con.from_df(frame[con.table(name).columns]).insert_into(name)
        db.write(con, "methodes")
        # Projects are placed against the tables just written (communes, territories, polygons).
        projects = imports.tables(con, raw, imports.lists(raw, imports.imports_dir(link)))
        _insert(con, projects)
        _insert(con, imports.friche_tables(con, raw, tables["friche"], tables["friche_rejet"]))
        db.write(con, "lignes_listes")
        db.write(con, "laureats")


def _insert(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        if len(frame):
            con.from_df(frame[con.table(name).columns]).insert_into(name)


def _amend(link: Path, change) -> None:
    """A new database version made from a copy of the current one changed by `change(con)`, checked, then swapped
    in; the current version is never touched."""
    with _new_version(link, copy_of=Path(os.path.realpath(link))) as con:
        change(con)
        db.write(con, "laureats")  # the projects changed: their laureates are made again


@contextlib.contextmanager
def _new_version(link: Path, copy_of: Path | None = None):
    """A new database version beside `link`, empty or a copy of `copy_of`: the block fills it through the connection
    it is given, then the data checks run and the version is swapped in; on any error it is removed, and the current
    version (never touched) stays in service."""
    fd, tmp_name = tempfile.mkstemp(prefix=link.name + ".", suffix=".tmp", dir=link.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if copy_of is None:
            tmp.unlink()  # DuckDB makes its own file
        else:
            shutil.copyfile(copy_of, tmp)
            tmp.chmod(0o644)
        con = duckdb.connect(str(tmp))
        try:
            yield con
            run_checks(con)
            con.execute("checkpoint")
        finally:
            con.close()
        _swap_in(tmp, link)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)


def build(raw: Path, link: Path) -> dict[str, int]:
    """Build the database from the raw directory; return row counts per table (one build or import at a time)."""
    with _one_rebuild_at_a_time(Path(link)):
        return _build(Path(raw), Path(link))


def _build(raw: Path, link: Path) -> dict[str, int]:
    start = time.perf_counter()
    if not Path(raw).is_dir():
        raise SourceError(raw, "répertoire des données brutes introuvable (option --raw ou variable RELANCE_RAW)")
    sources.check_expected(raw)
    tables = assemble(raw)
    write(tables, link, raw, time.perf_counter() - start)
    return {name: len(frame) for name, frame in tables.items()}


def clean_leftovers(link: Path) -> list[Path]:
    """Files an interrupted build or import left beside the database (temporary copies, their journals, link
    pointers); removed under the rebuild lock, when no build is writing them."""
    found = [*link.parent.glob(f"{link.name}.*.tmp"), *link.parent.glob(f"{link.name}.*.tmp.wal"),
             *link.parent.glob(f".{link.name}.*.lien")]
    for path in found:
        path.unlink(missing_ok=True)
    return found


@contextlib.contextmanager
def _one_rebuild_at_a_time(link: Path):
    """A lock file beside the database: one build, import or removal at a time, across processes; the leftovers
    of an interrupted one are cleaned first."""
    link.parent.mkdir(parents=True, exist_ok=True)
    with open(link.parent / f".{link.name}.verrou", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            clean_leftovers(link)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _loaded_rows(link: Path) -> pd.DataFrame:
    """The lists the database holds (query projet_imports)."""
    con = duckdb.connect(str(link), read_only=True)
    try:
        return db.run(con, "projet_imports")
    finally:
        con.close()


def _loaded(link: Path) -> dict[str, str]:
    """The lists the database holds: import id -> reading (dge, friches, equipe)."""
    if not link.exists():
        return {}
    return dict(_loaded_rows(link)[["import_id", "lecture"]].itertuples(index=False))


def _repair_metadata(folder: Path, link: Path) -> list[str]:
    """Metadata files an interruption left empty or unreadable: remade from the database when it holds the list
    (and its file is kept), otherwise set aside (`.illisible`) so that nothing else is blocked."""
    done = []
    broken = imports.unreadable(folder)
    if not broken:
        return done
    rows = _loaded_rows(link).set_index("import_id") if link.exists() else pd.DataFrame()
    for meta in broken:
        import_id = meta.name.split(".")[0]
        data = next((p for p in (folder / f"{import_id}.csv", folder / f"{import_id}.xlsx") if p.exists()), None)
        if import_id in rows.index and data is not None:
            row = rows.loc[import_id]
            imports.write_atomic(folder / f"{import_id}.json", imports.metadata(
                row["fichier"], row["format"], row["importe_le"], row["sha256"], data.name))
            if meta.name.endswith(imports.PENDING):
                meta.unlink(missing_ok=True)
            done.append(f"métadonnées illisibles de la liste {import_id} refaites depuis la base")
        else:
            meta.rename(meta.with_name(meta.name + ".illisible"))
            done.append(f"métadonnées illisibles de l'import {import_id} mises de côté ({meta.name}.illisible) : "
                        "rechargez la liste")
    return done


def import_list(content: bytes, name: str, raw: Path, link: Path) -> tuple[listes.Parsed, str, bool]:
    """Keep a project list and a new database version with its projects, or neither: on any failure the list is
    forgotten and the previous database stays. The new version is a copy of the current one with the list's
    projects added (a full build when there is no database yet). Returns the parsed list, its import id, and
    False when it was there already."""
    parsed = listes.parse(content, name)
    if not parsed.rows:
        raise ListeError(f"{name} : aucun projet lisible")
    folder = imports.imports_dir(link)
    with _one_rebuild_at_a_time(link):
        import_id, new = imports.store(parsed, content, folder, dt.date.today().isoformat())
        if not new and import_id in _loaded(link):
            return parsed, import_id, False
        # new, or kept by an import that did not finish: the database gets its projects now
        item = next(i for i in [*imports.pending(folder), *imports.stored(folder)] if i["import_id"] == import_id)
        try:
            if link.exists():
                _amend(link, lambda con: _insert(con, imports.tables(con, raw, [item])))
            else:
                _build(raw, link)
        except BaseException:
            if new:
                imports.remove(folder, import_id)
            raise
        imports.finalise(folder, import_id)
    return parsed, import_id, True


def remove_list(import_id: str, raw: Path, link: Path) -> None:
    """Forget a project list and make a database version without its projects, or neither (the list stays when
    that fails)."""
    folder = imports.imports_dir(link)
    with _one_rebuild_at_a_time(link):
        kept = imports.set_aside(folder, import_id)
        try:
            if link.exists():
                _amend(link, lambda con: _delete_list(con, import_id))
            else:
                _build(raw, link)
        except BaseException:
            imports.restore(kept)
            raise
        imports.discard(kept)


def _delete_list(con: duckdb.DuckDBPyConnection, import_id: str) -> None:
    db.write(con, "retirer_liste", import_id=import_id)


def reconcile(raw: Path, link: Path) -> list[str]:
    """Make the kept lists and the database agree after an interruption (run at start by `./run.sh`): leftovers
    removed, a list the database holds but whose import did not finish is finalised, a pending list the database
    does not hold is dropped, a kept list missing from the database is added, a staff list the database holds
    without its file is removed. Returns what was done, in French."""
    folder = imports.imports_dir(link)
    done = []
    with _one_rebuild_at_a_time(link):
        repaired = repair_link(link)
        if repaired:
            done.append(repaired)
        done += _repair_metadata(folder, link)
        if not link.exists():
            return done
        loaded = _loaded(link)
        for aside in folder.glob("*.retire"):  # a removal that did not finish: the database decides
            import_id = aside.name.split(".")[0]
            if import_id in loaded:
                aside.rename(aside.with_name(aside.name.removesuffix(".retire")))
            else:
                aside.unlink()
            done.append(f"retrait interrompu de {import_id} terminé")
        for item in imports.pending(folder):
            if item["import_id"] in loaded:
                imports.finalise(folder, item["import_id"])
                done.append(f"import {item['import_id']} terminé (la base l'avait)")
            else:
                imports.remove(folder, item["import_id"])
                done.append(f"import interrompu {item['import_id']} abandonné (rechargez la liste)")
        kept = {i["import_id"]: i for i in imports.stored(folder)}
        missing = [item for import_id, item in kept.items() if import_id not in loaded]
        orphans = [i for i, kind in loaded.items() if kind == "equipe" and i not in kept]
        if missing or orphans:
            def change(con):
                for import_id in orphans:
                    _delete_list(con, import_id)
                _insert(con, imports.tables(con, raw, missing))
            _amend(link, change)
            done += [f"liste {i['import_id']} ajoutée à la base" for i in missing]
            done += [f"liste {i} retirée de la base (fichier absent)" for i in orphans]
    return done
