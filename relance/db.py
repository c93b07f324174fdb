"""Database access: query files (queries/*.sql) run with bound parameters, on a cursor of their own.

Views, the dashboard and the command line reach the data through a `Reader`: its `run` returns a query's
frame, its `load` a JSON layer stored as text (parsed), its `url` the address of a layer served to the
browser (None when the geometry goes inline, as in exports).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import duckdb
import pandas as pd

from relance import config
from relance.errors import DatabaseMissing

_PARAM_RE = re.compile(r"\$(\w+)\s+(\w+)")
CHECK_DIR = config.QUERY_DIR / "controles"

Runner = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Query:
    """A query file: its SQL, the parameters and columns its header documents."""

    name: str
    sql: str
    description: str
    params: dict[str, str]
    columns: list[str]


@dataclass(frozen=True)
class Reader:
    """How views reach the data (see the module docstring)."""

    run: Runner
    load: Callable[..., object]
    url: Callable[..., str] | None = None

    def layer(self, name: str, **params):
        """A map layer: its URL when the page serves layers, else the parsed GeoJSON (exports)."""
        return self.url(name, **params) if self.url else self.load(name, **params)


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


def checks() -> list[Query]:
    """The data checks (queries/controles/*.sql): each returns the rows that break its rule, none when it holds."""
    return [parse_query(p) for p in sorted(CHECK_DIR.glob("*.sql"))]


WRITE_DIR = config.QUERY_DIR / "ecritures"


def write(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run the statements of queries/ecritures/<name>.sql in order, each with the bound parameters it uses."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise KeyError(f"écriture inconnue : {name}")
    text = (WRITE_DIR / f"{name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    for statement in (s.strip() for s in body.split(";")):
        if statement:
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used or None)


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the built database."""
    path = config.db_path(path)
    if not path.exists():
        raise DatabaseMissing(f"base absente : {path} (lancer `python -m relance build`)")
    return duckdb.connect(str(path), read_only=True)


def execute(con: duckdb.DuckDBPyConnection, q: Query, **params) -> pd.DataFrame:
    """Run a parsed query with bound parameters, on its own cursor; return its documented columns."""
    unknown = set(params) - set(q.params)
    missing = set(q.params) - set(params)
    if unknown or missing:
        raise TypeError(f"{q.name}: paramètres attendus {sorted(q.params)}, reçus {sorted(params)}")
    cursor = con.cursor()
    try:
        frame = cursor.execute(q.sql, params or None).df()
    finally:
        cursor.close()
    return frame[q.columns]


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run the query file `name` with bound parameters."""
    return execute(con, query(name), **params)


def runner(con: duckdb.DuckDBPyConnection) -> Runner:
    """`run` bound to a connection."""
    return partial(run, con)


def reader(con: duckdb.DuckDBPyConnection) -> Reader:
    """A Reader on a connection, layers inline (tests, command line, exports)."""
    run_con = runner(con)

    def load(name: str, **params):
        frame = run_con(name, **params)
        return json.loads(frame.iloc[0, 0]) if len(frame) else None

    return Reader(run_con, load)
