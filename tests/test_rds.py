"""The `.rds` reader (relance/construction/rds.py) checked against oracles other than itself: files written by
`pyreadr.write_rds` (librdata, an independent writer) and read back by pyreadr, and the counts PROVENANCE gives for
the Cartofriches sites (section 4b)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyreadr
import pytest

from relance.construction import rds


def _same(ours, theirs) -> bool:
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return ours is None or (isinstance(ours, float) and math.isnan(ours)) or ours == rds.NA_INTEGER
    return ours == theirs


@pytest.mark.parametrize("compress", [None, "gzip"])
def test_reader_reads_what_an_independent_writer_wrote(tmp_path, compress):
    """Strings (accents, NA, long), doubles (NaN, large), integers and logicals with NA: each value equals what
    pyreadr reads back from the same file; an integer NA comes out as R's NA_integer_ (`rds.NA_INTEGER`)."""
    frame = pd.DataFrame({
        "site_nom": ["Friche SNCF", "Usine « Électrolyse » à Saint-Étienne", None, "x" * 300],
        "surface": [1.5, np.nan, -2.25, 1e10],
        "bati_nombre": pd.array([1, None, 3, -5], dtype="Int32"),
        "pollution": [True, False, None, True],
    })
    path = tmp_path / "sites.rds"
    pyreadr.write_rds(str(path), frame, compress=compress)
    theirs = pyreadr.read_r(str(path))[None]
    ours = rds.data_frame(rds.read_rds(path))
    assert list(ours) == list(theirs.columns)
    for column in theirs.columns:
        mine = ours[column].tolist() if hasattr(ours[column], "tolist") else list(ours[column])
        expected = [None if pd.isna(v) else v for v in theirs[column].tolist()]
        assert len(mine) == len(expected), column
        for a, b in zip(mine, expected, strict=True):
            assert _same(a, b), (column, a, b)
    assert ours["bati_nombre"][1] == rds.NA_INTEGER


def test_reader_refuses_what_it_does_not_know(tmp_path):
    path = tmp_path / "pas-un-rds.rds"
    path.write_bytes(b"RDX3\nX\n\x00\x00")  # an .RData workspace, not one saved object
    with pytest.raises(rds.RdsError, match="XDR"):
        rds.read_rds(path)


@pytest.mark.france_entiere
def test_cartofriches_sites_have_the_counts_of_provenance(raw_dir):
    """PROVENANCE 4b: 22,852 sites; 3,531 rows « Appel à projet Fonds Friches »; every site a point (x, y)."""
    sites = rds.data_frame(rds.read_rds(raw_dir / "cerema-cartofriches-sites" / "f.xy.rds"))
    assert len(sites["site_id"]) == 22_852
    assert sum(1 for s in sites["source_nom"] if s == "Appel à projet Fonds Friches") == 3_531
    assert {"site_id", "id_from_file", "site_nom", "comm_insee", "dep", "source_nom", "geom"} <= set(sites)
    assert len(sites["geom"]) == 22_852
    assert all(len(point.value) == 2 for point in sites["geom"])
