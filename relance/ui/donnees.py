"""Data access for the pages, and every cache of the server keyed on one notion of the database's identity.

One read-only connection per database version, shared by the sessions of a process; query results, JSON layers,
static layer files, fiche documents and the placement reference are all cached per (path, identity). The identity
is the inode, size and modification time of the file behind the link: a rebuild (a new version) or a file changed
under the server is noticed on the next run.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import tempfile
import threading
import types
from collections.abc import Callable

import duckdb
import pandas as pd
import streamlit as st

from relance import config, db, placement


def _read_stamp() -> tuple[str, str]:
    """The database file actually read (each build is a new version behind the link) and its identity: inode,
    size and modification time. Every cache of the server is keyed on both, so a file changed under the server (a
    copy over it, a restored backup) is noticed on the next run, never served from what was read before."""
    real = os.path.realpath(config.db_path())
    try:
        found = os.stat(real)
    except OSError:
        return real, "absent"
    return real, f"{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"


_RUN = threading.local()  # the identity this thread's script run reads (`une_version`)


def _db_stamp() -> tuple[str, str]:
    """The identity this script run pinned, else (a download built on a click, a command) the file's now."""
    return getattr(_RUN, "stamp", None) or _read_stamp()


@contextlib.contextmanager
def une_version():
    """One script run reads one database version: its identity is read once at the start of the run (a rebuild is
    noticed on the next run), not on each of the 15 to 25 queries of a rerun. Each read was three system calls
    (the link resolved, the file's status); each gave up the interpreter's lock and waited to take it back behind
    the other sessions' runs: at 50 sessions, 15 % of the server's samples (py-spy, docs/echelle.md)."""
    _RUN.stamp = _read_stamp()
    try:
        yield
    finally:
        del _RUN.stamp


_CONNECTION_LOCK = threading.Lock()
_CONNECTIONS: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
KEEP_CONNECTIONS = 2


def _connection(path: str, identity: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per database version, shared by the sessions of this process.

    A rebuild is a new file: sessions still running a query on the previous version finish it there,
    new queries open the new one. Versions older than the last two are closed. A file whose identity changed at
    the same path has its old connections closed first: DuckDB shares one instance per path within a process, and
    would otherwise keep showing what it read of the old file.
    """
    with _CONNECTION_LOCK:
        con = _CONNECTIONS.get((path, identity))
        if con is None:
            for stale in [key for key in _CONNECTIONS if key[0] == path]:
                _CONNECTIONS.pop(stale).close()
            con = db.connect(path)
            _CONNECTIONS[(path, identity)] = con
            for stale in list(_CONNECTIONS)[:-KEEP_CONNECTIONS]:
                _CONNECTIONS.pop(stale).close()
        return con


def _run_with_retry(path: str, identity: str, name: str, params: dict) -> pd.DataFrame:
    try:
        return db.run(_connection(path, identity), name, **params)
    except duckdb.Error:
        # The version this query started on was retired by a rebuild: run it on the current one.
        path, identity = _read_stamp()
        return db.run(_connection(path, identity), name, **params)


@functools.lru_cache(maxsize=512)
def _cached_run(path: str, identity: str, name: str, params: tuple) -> pd.DataFrame:
    return _run_with_retry(path, identity, name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def run(name: str, **params) -> pd.DataFrame:
    """Run a query through the per-process connection, results cached per database version and parameters.

    Each caller gets its own copy (lazy: pandas copies on write). A process-wide LRU cache rather than
    st.cache_data, which pickles and unpickles each result: 0,2 ms a call instead of 0,8, for the 15 to 25 queries
    a map rerun asks for."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached_run(*_db_stamp(), name, key).copy()


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_json(path: str, identity: str, name: str, params: tuple):
    frame = _run_with_retry(path, identity, name, dict(params))
    return json.loads(frame.iloc[0, 0]) if len(frame) else None


def load(name: str, **params):
    """A query returning one JSON text, parsed once per process."""
    return _cached_json(*_db_stamp(), name, tuple(sorted(params.items())))


STATIC_DIR = config.REPO_ROOT / "static" / "carte"
STATIC_URL = "app/static/carte"


@st.cache_data(show_spinner=False, max_entries=32)
def _layer_url(path: str, identity: str, name: str, params: tuple) -> str:
    text = _run_with_retry(path, identity, name, dict(params)).iloc[0, 0]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    target = STATIC_DIR / f"{name}-{digest}.geojson"
    if not target.exists():
        STATIC_DIR.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=STATIC_DIR, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    return f"{STATIC_URL}/{target.name}"


def layer_url(name: str, **params) -> str:
    """URL of a map layer served by Streamlit's static serving, named by its content hash.

    The browser fetches (and caches) the geometry once; each rerun then sends only ids and values.
    """
    return _layer_url(*_db_stamp(), name, tuple(sorted(params.items())))


FRAME_OVERHEAD = 1500  # bytes a pandas column holds besides its values (block, index, dtype), measured


def _bytes(value: object, limit: int = 500_000) -> int:
    """About how many bytes `value` holds: frames, arrays, figures, texts and the containers, dataclasses,
    functions (their closures) and objects that hold them, each object counted once. Modules and classes are
    shared, never counted. Stops counting after `limit` objects (it is a bound, not an inventory)."""
    import sys

    import numpy as np

    seen, total, stack = set(), 0, [value]
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType | types.BuiltinFunctionType):
            continue
        seen.add(id(obj))
        if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):  # its values, its index, and its blocks' objects
            total += sys.getsizeof(obj) + FRAME_OVERHEAD * (obj.shape[1] if isinstance(obj, pd.DataFrame) else 1)
            continue
        if isinstance(obj, np.ndarray):
            total += obj.nbytes
            continue
        total += sys.getsizeof(obj)
        if isinstance(obj, str | bytes | int | float | bool | type(None)):
            continue
        if isinstance(obj, dict):
            stack += [*obj.keys(), *obj.values()]
        elif isinstance(obj, list | tuple | set | frozenset):
            stack += list(obj)
        elif isinstance(obj, functools.partial):
            stack += [obj.func, *obj.args, *obj.keywords.values()]
        elif isinstance(obj, types.FunctionType):
            stack += [cell.cell_contents for cell in obj.__closure__ or () if _filled(cell)]
        elif hasattr(obj, "__dict__"):
            stack.append(vars(obj))
    return total


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:  # a closure variable not yet assigned
        return False
    return True


def _parts(value: object) -> int:
    """How many attributes a view and the objects it holds directly hold: a part computed later (`common.later`,
    `functools.cached_property`), on the view or on one of its parts, adds one."""
    held = vars(value) if hasattr(value, "__dict__") else {}
    return len(held) + sum(len(vars(v)) for v in held.values()
                           if hasattr(v, "__dict__") and not isinstance(v, type | types.ModuleType))


class _Calcul:
    """A view being computed: who asks meanwhile waits for it, then takes its value (kept or not)."""

    def __init__(self) -> None:
        self.fini = threading.Event()
        self.valeur: object = None
        self.reussi = False


class VuesPartagees:
    """What a view returns for the same arguments and database version, computed once and shared by every session
    of the process: the database is read-only between builds, so a rerun that changes nothing (or that comes back
    to a state another session saw) reuses the figure, frames and texts instead of computing them again.

    Bounded (`limite` bytes, as `_bytes` counts them; the least recently used go first), dropped when the database's
    identity changes (the identity of `une_version`, part of each key), computed once when several sessions ask at
    the same time (they all take that value, kept or not). A view takes the address's values and the reader, never
    a session's widgets or state: what is shared is what any session would compute for that address. Values are
    shared, so nothing may change them (pages read them; a change goes through a copy, as `charts.for_phone`
    does)."""

    def __init__(self, limite: int) -> None:
        self.limite = limite
        self._lock = threading.Lock()
        # key -> (value, its size, how many parts it had computed when counted: `_parts`)
        self._valeurs: collections.OrderedDict[tuple, tuple[object, int, int]] = collections.OrderedDict()
        self._en_cours: dict[tuple, _Calcul] = {}
        self._stamp: tuple[str, str] | None = None
        self.total = self.trouvees = self.calculees = 0

    def get(self, key: tuple, compute: Callable[[], object]) -> object:
        stamp = _db_stamp()
        key = (stamp, *key)
        while True:
            with self._lock:
                if key in self._valeurs:
                    self._valeurs.move_to_end(key)
                    self.trouvees += 1
                    return self._valeurs[key][0]
                calcul = self._en_cours.get(key)
                if calcul is None:  # this session computes it
                    calcul = self._en_cours[key] = _Calcul()
                    break
            # another session computes it: take its value; if it failed, ask again (and compute it here)
            if calcul.fini.wait(timeout=120) and calcul.reussi:
                return calcul.valeur
            if not calcul.fini.is_set():  # still not done after two minutes: compute it here, without keeping it
                return compute()
        try:
            value = compute()
            calcul.valeur, calcul.reussi = value, True
            try:
                self._keep(stamp, key, value)
            except Exception:  # counting or keeping it failed: the page still gets its view
                LOG.exception("vue partagée non gardée")
            return value
        finally:
            with self._lock:
                self._en_cours.pop(key, None)
            calcul.fini.set()

    def _keep(self, stamp: tuple[str, str], key: tuple, value: object) -> None:
        size = _bytes(value)
        grown = self._grown()  # counted outside the lock: a fiche takes some 10 ms
        with self._lock:
            self.calculees += 1
            if stamp != self._stamp and stamp == _read_stamp():  # a new version: what was read of the others goes
                self._valeurs.clear()
                self.total, self._stamp = 0, stamp
            for old, (now, parts) in grown.items():
                if old in self._valeurs:
                    self.total += now - self._valeurs[old][1]
                    self._valeurs[old] = (self._valeurs[old][0], now, parts)
            if stamp == self._stamp and size <= self.limite // 8:
                self._valeurs[key] = (value, size, _parts(value))
                self.total += size
            while self.total > self.limite and self._valeurs:
                self.total -= self._valeurs.popitem(last=False)[1][1]

    def _grown(self) -> dict[tuple, tuple[int, int]]:
        """The views that have computed parts since they were counted (a view's long parts are computed when a
        page first reads them), counted again: key -> (size, parts)."""
        with self._lock:
            entries = list(self._valeurs.items())
        return {key: (_bytes(value), _parts(value)) for key, (value, _, parts) in entries if _parts(value) != parts}

    def vider(self) -> None:
        with self._lock:
            self._valeurs.clear()
            self.total, self._stamp = 0, None


# The views, and the phone layouts of their figures (`derivee`) apart: a layout made for a figure no view keeps (a
# Projets chart) is never asked again, and must not push views out.
VUES = VuesPartagees(config.view_cache_bytes() - config.view_cache_bytes() // 8)
DERIVEES = VuesPartagees(config.view_cache_bytes() // 8)


def vue(view: Callable, *args, **kwargs):
    """`view(*args, **kwargs)`, computed once per database version and arguments, shared by every session (see
    `VuesPartagees`). The arguments are the reader and the address's values (hashable: frozen dataclasses,
    texts, numbers, tuples)."""
    key = (view.__module__, view.__qualname__, args, tuple(sorted(kwargs.items())))
    return VUES.get(key, functools.partial(view, *args, **kwargs))


def derivee(make: Callable, value: object):
    """`make(value)` for a value a view returned (a chart laid out for a phone), computed once per value and kept
    as long as the value is (its key is the value's identity, the value kept beside the result)."""
    key = ("derivee", make.__module__, make.__qualname__, id(value))
    kept, result = DERIVEES.get(key, lambda: (value, make(value)))
    return result if kept is value else make(value)


READER = db.Reader(run, load, layer_url)  # for pages: layers served by URL
INLINE_READER = db.Reader(run, load)  # for documents built on a click (fiche): layers inline


LOG = logging.getLogger("relance")
DATABASE_UNREADABLE = ("La base de données ne s'ouvre pas (fichier abîmé, incomplet ou remplacé). Reconstruisez-la "
                       "avec `python -m relance build` ; la version précédente est gardée à côté d'elle dans `data/`.")
DATABASE_OLDER = ("La base de données a été construite par une version précédente du tableau de bord : une table ou "
                  "une colonne attendue y manque. Reconstruisez-la avec `python -m relance build` (ou relancez "
                  "`./run.sh`).")


SCHEMA = config.REPO_ROOT / "relance" / "schema.sql"  # what this version creates (the build's own, read not run)


def schema_missing() -> list[str]:
    """The tables and views this version's schema creates that the base lacks (a base built by an older version);
    empty when the base has them all, or cannot be read at all."""
    import re

    wanted = set(re.findall(r"^create (?:table|view) (\w+)", SCHEMA.read_text(encoding="utf-8"), re.MULTILINE))
    try:
        found = set(run("schema_objets")["nom"])
    except Exception:  # the base does not open: another message says so
        return []
    return sorted(wanted - found)


def database_ready() -> bool:
    """False, with a French message, when the database was never built or does not open."""
    if not config.db_path().exists():
        st.error("La base de données n'est pas construite. Lancez `python -m relance build` (ou `./run.sh`, voir "
                 "le README).")
        return False
    try:
        _connection(*_db_stamp())
    except (duckdb.Error, OSError) as exc:
        LOG.error("base illisible %s : %s", config.db_path(), exc)
        st.error(DATABASE_UNREADABLE)
        return False
    return True


@st.cache_data(show_spinner=False, max_entries=8)
def _document(path: str, identity: str, key: str, day: dt.date, _make: Callable, _args: tuple):
    return _make(*_args, day=day)


def cached_document(key: str, day: dt.date, make: Callable, args: tuple):
    """`make(*args, day=day)` once per database version, key and day (the fiche's files, built on a click)."""
    return _document(*_db_stamp(), key, day, make, args)


@st.cache_resource(show_spinner=False, max_entries=2)
def _reference(path: str, identity: str) -> placement.Reference:
    return placement.Reference.from_database(_connection(path, identity), config.raw_dir())


def placement_reference() -> placement.Reference:
    """What placement needs, from the current database (and the raw commune polygons when present)."""
    return _reference(*_db_stamp())
