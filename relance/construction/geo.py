"""Geometry prepared at build time: repair, overseas insets, coverage simplification.

Layers are read and dissolved with geopandas (sources, build); what stays in plain shapely here works on
arrays of geometries that geopandas would only wrap: coverage simplification (`shapely.coverage_simplify`),
snapping, overlaps removal through an STRtree, and affine moves of the insets.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, box, mapping
from shapely.geometry.polygon import orient

from relance.encarts import apply_transform

# Overseas régions drawn as insets in the Bay of Biscay, where the map has no land:
# région code -> (label, département code: the label on a phone, centre longitude, centre latitude) of the inset box.
INSETS: dict[str, tuple[str, str, float, float]] = {
    "01": ("Guadeloupe", "971", -9.4, 46.2),
    "02": ("Martinique", "972", -6.9, 46.2),
    "03": ("Guyane", "973", -9.4, 44.1),
    "04": ("La Réunion", "974", -6.9, 44.1),
    "06": ("Mayotte", "976", -9.4, 42.0),
}
INSET_HALF_WIDTH = 1.05  # degrees of longitude
INSET_HALF_HEIGHT = 0.75  # degrees of latitude

# Coverage simplification tolerance (degrees, Visvalingam-Whyatt area scale) and
# the coordinate grid of the map geometry (degrees; 0.001 deg is about 100 m).
MAP_TOLERANCE = 0.012
MAP_PRECISION = 0.001
# Départements are drawn as thin orientation lines: a coarser simplification keeps the map light.
BACKGROUND_TOLERANCE = 0.025
# The members' map inside one territory is drawn closer: a finer tolerance, at most about 200 m and a 400th of the
# territory's larger side (a small territory fills the same drawing), a finer grid (about 10 m).
MEMBER_TOLERANCE = 0.002
MEMBER_TOLERANCE_SHARE = 1 / 400
MEMBER_PRECISION = 0.0001

# Distance (degrees, about 500 m) within which a rebuilt territory's vertices snap to its neighbours.
SNAP_TOLERANCE = 0.005


def member_tolerance(shapes: list) -> float:
    """The simplification tolerance of one territory's members' contours (see MEMBER_TOLERANCE)."""
    west, south, east, north = shapely.total_bounds(np.asarray(shapes, dtype=object))
    return min(MEMBER_TOLERANCE, max(east - west, north - south) * MEMBER_TOLERANCE_SHARE)


def polygonal_part(geom):
    """The polygons of a geometry (points and lines dropped); empty if none."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return shapely.make_valid(geom)
    if isinstance(geom, GeometryCollection):
        parts = [g for g in geom.geoms if isinstance(g, (Polygon, MultiPolygon))]
        if parts:
            return shapely.make_valid(shapely.union_all(parts))
    return Polygon()


def only_polygons(geom):
    """Keep the polygonal part of a (possibly mixed) result of an overlay."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = []
    for part in getattr(geom, "geoms", []):
        if isinstance(part, Polygon):
            parts.append(part)
        elif isinstance(part, MultiPolygon):
            parts.extend(part.geoms)
    return MultiPolygon(parts) if parts else Polygon()


def merge(geoms) -> object:
    """One polygon from pieces that tile (communes into a commune nouvelle, communes into a member): their coverage
    union, fast because shared edges are dropped as they are; a general union when the pieces do not tile."""
    pieces = np.asarray(list(geoms), dtype=object)
    merged = shapely.coverage_union_all(pieces)
    return merged if merged.is_valid and not merged.is_empty else only_polygons(
        shapely.make_valid(shapely.union_all(pieces)))


def rebuild_from_communes(published, communes) -> object:
    """A territory whose published geometry is points: its polygons plus its communes' (dissolved) polygon."""
    parts = [polygonal_part(published), communes]
    parts = [p for p in parts if not p.is_empty]
    return only_polygons(shapely.make_valid(shapely.union_all(parts)))


def remove_overlaps(geoms: list, rebuilt: set[int]) -> list:
    """Make polygons a coverage: each one loses what earlier ones hold (rebuilt ones yield last)."""
    out = list(geoms)
    order = [i for i in range(len(geoms)) if i not in rebuilt] + sorted(rebuilt)
    tree = shapely.STRtree(geoms)
    placed: set[int] = set()
    for index in order:
        overlapping = [j for j in tree.query(geoms[index], predicate="intersects") if j in placed]
        if overlapping:
            others = shapely.union_all([out[j] for j in overlapping])
            if index in rebuilt:
                # Rebuilt shapes come from another generalisation: snap them onto their neighbours' edges.
                out[index] = shapely.make_valid(shapely.snap(out[index], others, SNAP_TOLERANCE))
            if shapely.area(shapely.intersection(out[index], others)) > 0:
                out[index] = only_polygons(shapely.make_valid(out[index].difference(others)))
        placed.add(index)
    return out


def inset_transform(region_code: str, bounds: tuple[float, float, float, float]):
    """Affine parameters moving an overseas région into its inset box, keeping its shape."""
    _, _, cx_dst, cy_dst = INSETS[region_code]
    minx, miny, maxx, maxy = bounds
    cx_src, cy_src = (minx + maxx) / 2, (miny + maxy) / 2
    k = math.cos(math.radians(cy_dst)) / math.cos(math.radians(cy_src))
    scale_x = min(2 * INSET_HALF_WIDTH / (maxx - minx), 2 * INSET_HALF_HEIGHT / ((maxy - miny) * k))
    return (cx_src, cy_src, scale_x, scale_x * k, cx_dst, cy_dst)


def to_display(geoms: list, region_codes: list[str], transforms: dict[str, tuple]) -> list:
    """Geometries in map position: overseas ones moved into their insets."""
    return [
        apply_transform(g, transforms[r]) if r in transforms else g for g, r in zip(geoms, region_codes, strict=True)
    ]


def simplify_coverage(geoms: list, tolerance: float = MAP_TOLERANCE, precision: float = MAP_PRECISION) -> list:
    """Simplify polygons together so shared borders stay shared, then snap to a grid."""
    simplified = shapely.coverage_simplify(np.array(geoms, dtype=object), tolerance)
    snapped = shapely.set_precision(simplified, precision)
    # Snapping can turn a tiny sliver into an empty geometry: keep the unsimplified shape then.
    return [s if not s.is_empty else shapely.set_precision(g, precision) for s, g in zip(snapped, geoms, strict=True)]


def oriented(geom):
    """Exterior rings clockwise, as plotly's geo maps expect (else the world fills)."""
    if isinstance(geom, Polygon):
        return orient(geom, sign=-1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    return geom


def feature_collection(ids: list[str], geoms: list, key: str) -> dict:
    """A GeoJSON FeatureCollection keyed by `properties.<key>`, rings oriented for plotly."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {key: i}, "geometry": mapping(oriented(g))}
            for i, g in zip(ids, geoms, strict=True)
        ],
    }


def inset_frames() -> list[dict]:
    """Frames and labels of the overseas insets."""
    frames = []
    for code, (label, short, cx, cy) in INSETS.items():
        frame = box(cx - INSET_HALF_WIDTH - 0.1, cy - INSET_HALF_HEIGHT - 0.1, cx + INSET_HALF_WIDTH + 0.1,
                    cy + INSET_HALF_HEIGHT + 0.1)
        lon, lat = (list(c) for c in zip(*frame.exterior.coords, strict=True))
        frames.append({"region_code": code, "label": label, "label_court": short, "lon": lon, "lat": lat,
                       "label_lon": cx, "label_lat": cy + INSET_HALF_HEIGHT + 0.3})
    return frames
