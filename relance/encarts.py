"""Overseas insets: the affine move of an overseas région into its box west of metropolitan France.

The build computes each région's parameters and stores them (map layer `transformations_outre_mer`); the
dashboard applies them to project points so that they land on the moved polygons.
"""

from __future__ import annotations

import numpy as np
import shapely


def apply_transform(geom, params):
    """Apply an inset transform (cx_src, cy_src, sx, sy, cx_dst, cy_dst) to a geometry."""
    cx_src, cy_src, sx, sy, cx_dst, cy_dst = params

    def move(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        out[:, 0] = cx_dst + (coords[:, 0] - cx_src) * sx
        out[:, 1] = cy_dst + (coords[:, 1] - cy_src) * sy
        return out

    return shapely.transform(geom, move)
