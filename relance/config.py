"""Where the raw data and the database live (settings, overridable)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"
DEFAULT_DB = REPO_ROOT / "data" / "relance.duckdb"
QUERY_DIR = REPO_ROOT / "queries"


def raw_dir(override: str | os.PathLike | None = None) -> Path:
    """Raw data directory: option, then $RELANCE_RAW, then ../shared/data/raw."""
    value = override or os.environ.get("RELANCE_RAW") or DEFAULT_RAW
    return Path(value).expanduser().resolve()


def db_path(override: str | os.PathLike | None = None) -> Path:
    """Database link: option, then $RELANCE_DB, then data/relance.duckdb.

    An absolute path that is not resolved: the name is the link's, never the version file it points at.
    """
    value = override or os.environ.get("RELANCE_DB") or DEFAULT_DB
    return Path(os.path.abspath(Path(value).expanduser()))


def cache_dir() -> Path:
    """Files derived from the raw data to read them faster ($RELANCE_CACHE, else data/cache); safe to delete."""
    return Path(os.environ.get("RELANCE_CACHE") or REPO_ROOT / "data" / "cache")


VIEW_CACHE_MB = 200  # the views shared by the sessions of a process (relance.ui.donnees.VuesPartagees)


def view_cache_bytes() -> int:
    """The bound of the shared views' cache: $RELANCE_CACHE_VUES_MO megabytes, else VIEW_CACHE_MB (0: no cache)."""
    try:
        megabytes = float(os.environ.get("RELANCE_CACHE_VUES_MO", VIEW_CACHE_MB))
    except ValueError:
        megabytes = VIEW_CACHE_MB
    return int(max(megabytes, 0) * 1024 * 1024)
