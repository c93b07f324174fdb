"""Database access: one read-only connection, a cursor per query, queries read from queries/*.sql."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from relance import config

_PARAM_RE = re.compile(r"\$(\w+)\s+(\w+)")


@dataclass(frozen=True)
class Query:
    """A query file: its SQL, the parameters and columns its header documents."""

    name: str
    sql: str
    description: str
    params: dict[str, str]
    columns: list[str]


class DatabaseMissing(Exception):
    """The database file does not exist yet (run `python -m relance build`)."""


def parse_query(path: Path) -> Query:
    """Read a query file and its header (`-- params:` and `-- columns:` lines)."""
    sql = path.read_text(encoding="utf-8")
    description, params, columns = [], {}, []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        if text.startswith("params:"):
            body = text[len("params:"):].strip()
            if body.lower() != "none":
                params = {name: kind.upper() for name, kind in _PARAM_RE.findall(body)}
        elif text.startswith("columns:"):
            columns = [c.strip() for c in text[len("columns:"):].split(",") if c.strip()]
        else:
            description.append(text)
    if not columns:
        raise ValueError(f"{path}: header has no `-- columns:` line")
    return Query(path.stem, sql, " ".join(description), params, columns)


@cache
def query(name: str) -> Query:
    """The query named `name` (file queries/<name>.sql)."""
    path = config.QUERY_DIR / f"{name}.sql"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise KeyError(f"requête inconnue : {name}")
    return parse_query(path)


def all_queries() -> list[Query]:
    """Every query file, sorted by name."""
    return [query(p.stem) for p in sorted(config.QUERY_DIR.glob("*.sql"))]


def connect(db: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the built database."""
    path = config.db_path(db)
    if not path.exists():
        raise DatabaseMissing(f"base absente : {path} (lancer `python -m relance build`)")
    return duckdb.connect(str(path), read_only=True)


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run a query file with bound parameters, on its own cursor; return its documented columns."""
    q = query(name)
    unknown = set(params) - set(q.params)
    missing = set(q.params) - set(params)
    if unknown or missing:
        raise TypeError(f"{name}: paramètres attendus {sorted(q.params)}, reçus {sorted(params)}")
    cursor = con.cursor()
    try:
        frame = cursor.execute(q.sql, params or None).df()
    finally:
        cursor.close()
    return frame[q.columns]
