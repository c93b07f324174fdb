"""Overseas insets: the affine move of an overseas région into its box west of metropolitan France.

The build computes each région's parameters and stores them (map layer `transformations_outre_mer`); the
dashboard applies them to project points so that they land on the moved polygons.
"""

from __future__ import annotations

import numpy as np
import shapely


def move(coords: np.ndarray, params) -> np.ndarray:
    """Coordinates (n × 2 array of lon, lat) moved by an inset transform (cx_src, cy_src, sx, sy, cx_dst, cy_dst)."""
    cx_src, cy_src, sx, sy, cx_dst, cy_dst = params
    out = np.empty_like(coords, dtype=float)
    out[:, 0] = cx_dst + (coords[:, 0] - cx_src) * sx
    out[:, 1] = cy_dst + (coords[:, 1] - cy_src) * sy
    return out


def apply_transform(geom, params):
    """Apply an inset transform to a geometry."""
    return shapely.transform(geom, lambda coords: move(coords, params))
