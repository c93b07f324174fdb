"""Where each project lands, and why: placement by the evidence that agrees.

Coordinates (the point in a 2018 commune polygon, mapped to the current commune, and in the territory
polygons), the postcode (leading zero restored) and the département decide; the commune name counts only
where it agrees with them (in the DGE file it often names another place). Every project records its method
and confidence. Points are placed in polygons by geopandas spatial joins, all rows of a list at once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from relance import config, db
from relance.listes import Row, plain

CRS = "EPSG:4326"


@dataclass
class Placement:
    """Where a project lands and why."""

    commune_code: str | None
    epci_siren: str | None
    departement_code: str | None
    territoires: dict[int, str | None]
    methode: str
    confiance: str  # "haute", "moyenne", "faible", "non placé"
    lat: float | None = None  # where the project is drawn
    lon: float | None = None
    position: str | None = None  # "point publié" or "centre de la commune" (no point given)


@dataclass
class Reference:
    """What placement needs: communes, postcodes and territories from the database; 2018 commune polygons from
    the raw directory (the folder the database's `source` table names), read by département when needed."""

    communes: pd.DataFrame  # index code: nom, departement_code, epci_siren
    postcodes: dict[str, list[str]]  # code postal -> commune codes
    former: dict[str, str]  # former commune code -> current
    territory_of_commune: dict[tuple[int, str], str]  # (phase, commune) -> ti_id
    territory_shapes: dict[int, gpd.GeoDataFrame]  # phase -> ti_id, geometry (true position)
    commune_folder: Path | None = None
    _polygons: gpd.GeoDataFrame | None = None

    def __post_init__(self) -> None:
        self.departement_of = self.communes["departement_code"].to_dict()
        self.nom_of = self.communes["nom"].to_dict()
        self.epci_of = self.communes["epci_siren"].to_dict()
        self.by_plain_name: dict[str, list[str]] = {}
        for code, nom in self.nom_of.items():
            self.by_plain_name.setdefault(plain(nom), []).append(code)

    @classmethod
    def from_database(cls, con, raw: Path | None) -> Reference:
        run = db.runner(con)
        communes = run("placement_communes")
        postcodes: dict[str, list[str]] = {}
        for row in run("placement_codes_postaux").itertuples():
            postcodes.setdefault(row.code_postal, []).append(row.commune_code)
        former_codes = run("placement_anciens_codes")
        former = dict(zip(former_codes["ancien_code"], former_codes["commune_code"], strict=True))
        membership = {(r.phase, r.commune_code): r.ti_id for r in run("placement_territoire_communes").itertuples()}
        shapes = {}
        for phase in (1, 2):
            rows = run("placement_contours", phase=phase)
            shapes[phase] = gpd.GeoDataFrame({"ti_id": list(rows["ti_id"])},
                                             geometry=shapely.from_geojson(list(rows["geojson"])), crs=CRS)
        folder = None
        sources = run("sources").set_index("cle")["fichier"]
        if raw is not None and "communes_2018" in sources and (Path(raw) / sources["communes_2018"]).is_dir():
            folder = Path(raw) / sources["communes_2018"]
        return cls(communes.set_index("code"), postcodes, former, membership, shapes, folder)

    def commune_polygons(self, departements: set[str]) -> gpd.GeoDataFrame:
        """2018 commune polygons of the given départements (code, departement, geometry)."""
        if self._polygons is None:
            self._polygons = all_commune_polygons(self.commune_folder) if self.commune_folder else (
                gpd.GeoDataFrame({"code": [], "departement": []}, geometry=[], crs=CRS))
        return self._polygons[self._polygons["departement"].isin(departements)]

    def centres(self, codes: set[str]) -> dict[str, tuple[float, float]]:
        """A point inside each current commune (from its 2018 polygons), to draw a project that has no point."""
        if not codes or self.commune_folder is None:
            return {}
        former = {old: new for old, new in self.former.items() if new in codes}
        polygons = self.commune_polygons({self.departement_of[c] for c in codes if c in self.departement_of})
        polygons = polygons.assign(commune=polygons["code"].map(lambda c: former.get(c, c)))
        polygons = polygons[polygons["commune"].isin(codes)]
        if polygons.empty:
            return {}
        points = polygons.dissolve("commune").representative_point()
        return {code: (point.y, point.x) for code, point in points.items()}

    def communes_at(self, points: pd.DataFrame) -> dict[int, str]:
        """For each point (index, lat, lon, candidates: départements to search, empty for all), the current commune
        whose 2018 polygon holds it, searching only its candidate départements."""
        if points.empty or self.commune_folder is None:
            return {}
        wanted = {d for ds in points["candidates"] for d in ds}
        if any(not ds for ds in points["candidates"]):
            wanted = set(self.departement_of.values())
        polygons = self.commune_polygons(wanted)
        located = gpd.GeoDataFrame(points[["candidates"]], geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                                   crs=CRS)
        joined = located.sjoin(polygons, predicate="within", how="inner")
        out: dict[int, str] = {}
        for index, row in joined.iterrows():
            if (not row["candidates"] or row["departement"] in row["candidates"]) and index not in out:
                code = self.former.get(row["code"], row["code"])
                if code in self.nom_of:
                    out[index] = code
        return out

    def territories_at(self, points: pd.DataFrame) -> dict[tuple[int, int], str]:
        """(phase, point index) -> the territory whose polygon holds the point."""
        out: dict[tuple[int, int], str] = {}
        if points.empty:
            return out
        located = gpd.GeoDataFrame(index=points.index, geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                                   crs=CRS)
        for phase, shapes in self.territory_shapes.items():
            joined = located.sjoin(shapes, predicate="within", how="inner")
            for index, ti_id in zip(joined.index, joined["ti_id"], strict=True):
                out.setdefault((phase, index), ti_id)
        return out


def all_commune_polygons(folder: Path, read: Callable[[list[Path]], gpd.GeoDataFrame] | None = None
                         ) -> gpd.GeoDataFrame:
    """Every 2018 commune polygon of the folder (one GeoJSON file per département: code, departement, geometry),
    read once and kept as GeoParquet in the cache directory, named by the files' names, sizes and dates (read again
    when they change). `read` is the build's checked reader (relance.construction.sources): what it reads is kept
    under a name of its own (`…-verifiees.parquet`), which the build alone writes and trusts, and which placement
    prefers; without it the files are read plainly (a polygon crossing itself mended as the build mends it)."""
    files = sorted(folder.glob("communes-*.geojson"))
    stamp = hashlib.sha256("".join(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns};" for f in files)
                           .encode()).hexdigest()[:16]
    checked = config.cache_dir() / f"communes-2018-{stamp}-verifiees.parquet"
    plain = config.cache_dir() / f"communes-2018-{stamp}.parquet"
    for cached in ([checked] if read else [checked, plain]):
        if cached.exists():
            try:
                return gpd.read_parquet(cached)
            except Exception:  # a damaged cache file is read again from the sources
                cached.unlink(missing_ok=True)
    cached = checked if read else plain
    polygons = (read or _read_plain)(files)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    polygons.to_parquet(tmp)
    os.replace(tmp, cached)
    return polygons


def mend(geometries):
    """Polygons that cross themselves, mended as polygons (a spike or a collapsed ring dropped, never turned into a
    line): the one rule of the build's checked reader (relance.construction.sources.read_layer) and of the plain one
    here."""
    return shapely.make_valid(geometries, method="structure", keep_collapsed=False)


def departement_of_file(path: Path) -> str:
    """The département code a commune file is named for (`communes-2a-corse-du-sud.geojson` -> `2A`)."""
    return path.name.split("-")[1].upper()


def _read_plain(files: list[Path]) -> gpd.GeoDataFrame:
    frames = []
    for path in files:
        frame = pyogrio.read_dataframe(path, columns=["code"])
        frame["departement"] = departement_of_file(path)
        frames.append(frame)
    polygons = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)
    invalid = ~polygons.geometry.is_valid
    polygons.loc[invalid, "geometry"] = mend(polygons.geometry[invalid].to_numpy())
    return polygons


def _departement_hint(row: Row) -> str | None:
    dep = row.departement_code or (row.code_postal[:2] if row.code_postal else None)
    if dep == "97" and row.code_postal:
        dep = row.code_postal[:3]
    if dep == "20" and row.code_postal:  # Corsica: the postcode does not tell 2A from 2B
        dep = None
    return dep


def place_all(rows: list[Row], ref: Reference) -> list[Placement]:
    """Place every row of a list (see the module docstring); points are joined to polygons in one pass."""
    hints, candidates = [], []
    for row in rows:
        dep = _departement_hint(row)
        by_postcode = ref.postcodes.get(row.code_postal, []) if row.code_postal else []
        searched = [dep] if dep else []
        searched += sorted({ref.departement_of[c] for c in by_postcode} - set(searched))
        hints.append(dep)
        candidates.append(searched)
    located = pd.DataFrame([
        {"index": i, "lat": row.lat, "lon": row.lon, "candidates": candidates[i]}
        for i, row in enumerate(rows) if row.lat is not None and row.lon is not None
    ], columns=["index", "lat", "lon", "candidates"]).set_index("index")
    at_point = ref.communes_at(located)
    # A point in no commune whose latitude and longitude, swapped, fall in one: written the other way round.
    lost = located[[i not in at_point for i in located.index]]
    if len(lost):
        swapped = ref.communes_at(lost.assign(lat=lost["lon"], lon=lost["lat"]))
        for index, code in swapped.items():
            row = rows[index]
            row.lat, row.lon = row.lon, row.lat
            row.problemes.append("latitude et longitude inversées dans le fichier : corrigées")
            located.loc[index, ["lat", "lon"]] = [row.lat, row.lon]
            at_point[index] = code
    in_territory = ref.territories_at(located)
    placed = [_place(row, ref, hints[i], at_point.get(i), {p: in_territory.get((p, i)) for p in (1, 2)})
              for i, row in enumerate(rows)]
    centres = ref.centres({p.commune_code for p, row in zip(placed, rows, strict=True)
                           if row.lat is None and p.commune_code})
    for where, row in zip(placed, rows, strict=True):
        if row.lat is not None:
            where.lat, where.lon, where.position = row.lat, row.lon, "point publié"
        elif where.commune_code in centres:
            where.lat, where.lon = centres[where.commune_code]
            where.position = "centre de la commune"
    return placed


def place(row: Row, ref: Reference) -> Placement:
    """Place one row (see `place_all`)."""
    return place_all([row], ref)[0]


def _place(row: Row, ref: Reference, dep: str | None, at_point: str | None,
           in_territory: dict[int, str | None]) -> Placement:
    by_postcode = ref.postcodes.get(row.code_postal, []) if row.code_postal else []
    commune, method, confidence = None, "", "non placé"

    if row.commune_code:
        code = ref.former.get(row.commune_code, row.commune_code)
        if code in ref.nom_of:
            commune, method, confidence = code, "code commune", "haute"
        else:
            row.problemes.append(f"code commune inconnu : {row.commune_code}")
    if commune is None and at_point:
        commune = at_point
        if row.code_postal and at_point in by_postcode:
            method, confidence = "coordonnées et code postal concordants", "haute"
        elif row.code_postal:
            method, confidence = "coordonnées (le code postal désigne une autre commune)", "moyenne"
        else:
            method, confidence = "coordonnées", "moyenne"
    if commune is None and by_postcode:
        named = [c for c in by_postcode if row.commune_nom and plain(ref.nom_of[c]) == plain(row.commune_nom)]
        if len(by_postcode) == 1:
            commune, method, confidence = by_postcode[0], "code postal (commune unique)", "moyenne"
        elif len(named) == 1:
            commune, method, confidence = named[0], "code postal et nom de commune concordants", "moyenne"
    if commune is None and row.commune_nom and row.lat is None:
        same_name = ref.by_plain_name.get(plain(row.commune_nom), [])
        named = [c for c in same_name if ref.departement_of[c] == dep] if dep else same_name
        if len(named) == 1:
            commune = named[0]
            method = "nom de commune et département" if dep else "nom de commune (unique en France)"
            confidence = "faible"
        elif len(named) > 1:
            row.problemes.append(f"nom de commune ambigu : {len(named)} communes « {row.commune_nom} »"
                                 + ("" if dep else " (donnez le code postal ou le code INSEE)"))
        elif not by_postcode:
            row.problemes.append(f"commune inconnue : « {row.commune_nom} »")

    territories: dict[int, str | None] = {}
    for phase in (1, 2):
        if commune is not None:
            territories[phase] = ref.territory_of_commune.get((phase, commune))
        elif row.lat is not None:
            territories[phase] = in_territory.get(phase)
        else:
            territories[phase] = None
    if commune is None and row.lat is not None and any(territories.values()):
        method, confidence = "coordonnées dans le contour du territoire (commune non décidée)", "faible"
    elif commune is None and not method:
        method = "code postal ambigu" if len(by_postcode) > 1 else "aucun indice concordant"
    if row.ti_id and row.ti_id not in territories.values():
        placed = ", ".join(t for t in territories.values() if t) or "hors territoire"
        row.problemes.append(f"territoire déclaré {row.ti_id}, placé : {placed}")
    epci = ref.epci_of.get(commune) if commune is not None else None
    if commune is not None:
        dep = ref.departement_of[commune]
        if row.departement_code and row.departement_code != dep:
            row.problemes.append(f"département {row.departement_code} publié, commune placée en {dep}")
            confidence = "faible"
    if row.commune_nom and commune is not None and plain(row.commune_nom) != plain(ref.nom_of[commune]):
        row.problemes.append(f"nom de commune publié « {row.commune_nom} » écarté (placée à "
                             f"{ref.nom_of[commune]})")
    return Placement(commune, epci if isinstance(epci, str) else None, dep, territories, method, confidence)

