"""Streamlit glue shared by the pages: cached database access and URL-bound state."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable

import duckdb
import pandas as pd
import streamlit as st

from relance import config, db

MESSAGES_KEY = "_messages_url"
WRITTEN_KEY = "_url_ecrite"


def _db_stamp() -> tuple[str, float]:
    """The database file actually read (each build is a new version behind the link) and its mtime."""
    path = config.db_path()
    real = os.path.realpath(path)
    return real, os.stat(real).st_mtime if os.path.exists(real) else 0.0


_CONNECTION_LOCK = threading.Lock()
_CONNECTIONS: dict[tuple[str, float], object] = {}
KEEP_CONNECTIONS = 2


def _connection(path: str, mtime: float):
    """One read-only connection per database version, shared by the sessions of this process.

    A rebuild is a new file: sessions still running a query on the previous version finish it there,
    new queries open the new one. Versions older than the last two are closed.
    """
    with _CONNECTION_LOCK:
        con = _CONNECTIONS.get((path, mtime))
        if con is None:
            con = db.connect(path)
            _CONNECTIONS[(path, mtime)] = con
            for stale in list(_CONNECTIONS)[:-KEEP_CONNECTIONS]:
                _CONNECTIONS.pop(stale).close()
        return con


def _run_with_retry(path: str, mtime: float, name: str, params: dict):
    try:
        return db.run(_connection(path, mtime), name, **params)
    except duckdb.Error:
        # The version this query started on was retired by a rebuild: run it on the current one.
        path, mtime = _db_stamp()
        return db.run(_connection(path, mtime), name, **params)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_run(path: str, mtime: float, name: str, params: tuple) -> pd.DataFrame:
    return _run_with_retry(path, mtime, name, dict(params))


def run(name: str, **params) -> pd.DataFrame:
    """Run a query through the per-process connection, results cached per parameters."""
    path, mtime = _db_stamp()
    return _cached_run(path, mtime, name, tuple(sorted(params.items())))


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_json(path: str, mtime: float, name: str, params: tuple):
    frame = _run_with_retry(path, mtime, name, dict(params))
    return json.loads(frame.iloc[0, 0]) if len(frame) else None


def run_json(name: str, **params):
    """A query returning one JSON text, parsed once per process."""
    path, mtime = _db_stamp()
    return _cached_json(path, mtime, name, tuple(sorted(params.items())))


STATIC_DIR = config.REPO_ROOT / "static" / "carte"
STATIC_URL = "app/static/carte"


@st.cache_data(show_spinner=False, max_entries=32)
def _layer_url(path: str, mtime: float, name: str, params: tuple) -> str:
    text = _run_with_retry(path, mtime, name, dict(params)).iloc[0, 0]
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
    path, mtime = _db_stamp()
    return _layer_url(path, mtime, name, tuple(sorted(params.items())))


def database_ready(stop: bool = True) -> bool:
    """False (with a French message, and the page stopped) when the database was never built."""
    if config.db_path().exists():
        return True
    if stop:
        st.error(f"La base de données n'est pas construite ({config.db_path()}). "
                 "Lancez `python -m relance build` (ou `./run.sh`, voir le README).")
        st.stop()
    return False


def current_indicator():
    """The indicator chosen in the sidebar (None when the priority has none)."""
    from relance import views

    offered = {i.id: i for i in views.indicators(run, st.session_state["priorite"])}
    return offered.get(st.session_state.get("indicateur"))


def url_state(key: str, parse: Callable[[str | None], tuple], serialize: Callable = str):
    """Seed `st.session_state[key]` from the query string; keep the URL in step with it.

    The URL value is read again whenever it differs from what this session last wrote (a pasted link,
    a page link with query parameters). Call it at the top of every run, before the widget keyed `key`:
    the URL is written here, in the script, because query-string changes made inside widget callbacks
    do not reach the browser.
    """
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    raw = st.query_params.get(key)
    if key not in st.session_state or (raw is not None and raw != written.get(key)):
        value, message = parse(raw)
        st.session_state[key] = value
        if message:
            st.session_state.setdefault(MESSAGES_KEY, []).append(message)
    else:
        # Re-assigning keeps the value when the widget holding it belongs to another page (Streamlit
        # otherwise resets a widget value created on one page and read by a widget of another).
        st.session_state[key] = st.session_state[key]
    sync_url(key, serialize)
    return st.session_state[key]


def sync_url(key: str, serialize: Callable = str) -> None:
    """Write the current value of `key` to the query string (removed when None or empty)."""
    value = st.session_state.get(key)
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    if value is None or (isinstance(value, list) and not value):
        if key in st.query_params:
            del st.query_params[key]
        written[key] = None
    else:
        text = serialize(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text
        written[key] = text


def show_url_messages() -> None:
    """Show (once) the messages about query-string values that were not understood."""
    for message in st.session_state.pop(MESSAGES_KEY, []):
        st.warning(message, icon=":material/warning:")


DASHBOARD_RAN = "_par_dashboard"


def require_navigation() -> None:
    """Run pages through dashboard.py's st.navigation, never as Streamlit's legacy `pages/` app.

    Streamlit treats an app with a `pages/` folder as a v1 multipage app until `st.navigation` is
    first called: a first request straight to a page URL would then run the page alone, without the
    shared filters. dashboard.py marks the session before running a page; a page run without that
    mark switches the legacy mode off and reruns through dashboard.py.
    """
    if st.session_state.get(DASHBOARD_RAN):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


PLOTLY_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False}
EXPORT_FORMATS = [
    ("png", "PNG", "image/png"),
    ("svg", "SVG", "image/svg+xml"),
    ("pdf", "PDF", "application/pdf"),
    ("csv", "CSV", "text/csv"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]


def show_chart(chart, key: str, **plotly_kwargs):
    """A chart and, under it, its downloads (built only when a button is clicked)."""
    event = st.plotly_chart(chart.figure, key=key, config=PLOTLY_CONFIG, **plotly_kwargs)
    export_buttons(chart, key)
    return event


def export_buttons(chart, key: str) -> None:
    """PNG, SVG, PDF of the chart and CSV, XLSX of its data, as download buttons."""
    from relance import export

    try:
        export.chromium()
        images = True
    except export.ExportError:
        images = False
    row = st.container(horizontal=True, gap="small")
    for fmt, label, mime in EXPORT_FORMATS:
        column = row
        if fmt in ("png", "svg", "pdf"):
            if not images:
                column.button(label, key=f"{key}-{fmt}", disabled=True,
                              help="Export d'image indisponible : Chromium introuvable sur le serveur.")
                continue
            data = functools.partial(chart.image, fmt)
        else:
            data = chart.csv if fmt == "csv" else chart.xlsx
        column.download_button(label, data=data, file_name=chart.name(fmt), mime=mime, key=f"{key}-{fmt}",
                               on_click="ignore", icon=":material/download:",
                               help=f"Télécharger {chart.name(fmt)}")


@st.cache_data(show_spinner=False, max_entries=8)
def _fiche(path: str, mtime: float, phase: int, ti: str, priorite: str, indicator_id: str | None, day):
    from relance import fiche

    return fiche.build(run, run_json, phase, ti, priorite=priorite, indicator_id=indicator_id, day=day)


def fiche_buttons(phase: int, ti: str, priorite: str, indicator_id: str | None) -> None:
    """Download buttons for the fiche territoire (PDF, ZIP), built on the first click and kept."""
    import datetime as dt

    from relance import export

    try:
        export.chromium()
    except export.ExportError as exc:
        st.caption(f"Fiche territoire indisponible : {exc}")
        return
    path, mtime = _db_stamp()
    day = dt.date.today()

    def build():
        return _fiche(path, mtime, phase, ti, priorite, indicator_id, day)

    left, right, _ = st.columns([2, 2, 3])
    left.download_button("Fiche territoire (PDF)", data=lambda: build().pdf, type="primary",
                         file_name=export.file_name("fiche-territoire", "pdf", phase, ti, day),
                         mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                         key="fiche-pdf")
    right.download_button("Graphiques et données (ZIP)", data=lambda: build().zip,
                          file_name=export.file_name("fiche-territoire", "zip", phase, ti, day),
                          mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="fiche-zip")


@st.cache_resource(show_spinner=False, max_entries=2)
def _reference(path: str, mtime: float):
    from relance import projets

    return projets.Reference.from_database(_connection(path, mtime), config.raw_dir())


def placement_reference():
    """What placement needs, from the current database (and the raw commune polygons when present)."""
    return _reference(*_db_stamp())


_REBUILD_LOCK = threading.Lock()


def save_projects(content: bytes, name: str) -> tuple[str, bool]:
    """Keep an uploaded list and rebuild the database with it; on failure nothing is kept.

    One rebuild at a time in this process, so that two sessions saving at once cannot drop each other's
    list. Raises SourceError, BuildError or ImportError_ with a French message.
    """
    import datetime as dt

    from relance import build, projets

    parsed = projets.parse(content, name)
    folder = projets.imports_dir(config.db_path())
    with _REBUILD_LOCK:
        import_id, new = projets.store(parsed, content, folder, dt.date.today().isoformat())
        if new:
            try:
                build.build(config.raw_dir(), config.db_path())
            except Exception:
                projets.remove(folder, import_id)
                raise
    return import_id, new


def remove_projects(import_id: str) -> None:
    """Forget an imported list and rebuild without it; on failure the list stays (file and database agree)."""
    from relance import build, projets

    folder = projets.imports_dir(config.db_path())
    with _REBUILD_LOCK:
        kept = projets.set_aside(folder, import_id)
        try:
            build.build(config.raw_dir(), config.db_path())
        except Exception:
            projets.restore(kept)
            raise
        projets.discard(kept)


PREVIOUS_PHASE_KEY = "_phase_precedente"


def _phase_changed() -> None:
    # Territory ids are reused across phases for different territories: a phase change clears the selection.
    st.session_state["ti"] = None
    st.session_state["comparer"] = []


def shared_filters() -> None:
    """The sidebar every page shares: phase, priority and the priority's France Relance indicator (in the URL)."""
    from relance import state, views
    from relance.metrics import ALL_PRIORITIES, DEFAULT_INDICATOR, DEFAULT_PHASE, PHASES, PRIORITIES

    require_navigation()
    url_state("phase", lambda raw: state.parse_phase(raw, PHASES, DEFAULT_PHASE))
    previous = st.session_state.get(PREVIOUS_PHASE_KEY)
    if previous is not None and previous != st.session_state["phase"]:
        _phase_changed()  # also when the phase changed in the address, not only with the radio button
    st.session_state[PREVIOUS_PHASE_KEY] = st.session_state["phase"]
    url_state("priorite", lambda raw: state.parse_choice(raw, PRIORITIES, ALL_PRIORITIES, "Priorité"))
    with st.sidebar:
        st.markdown("### Relance & Territoires")
        st.radio("Phase du programme", options=list(PHASES), format_func=PHASES.get, key="phase",
                 on_change=_phase_changed)
        st.selectbox("Priorité", options=list(PRIORITIES), format_func=PRIORITIES.get, key="priorite")
        if database_ready(stop=False):
            offered = views.indicators(run, st.session_state["priorite"])
            every = [i.id for i in views.indicators(run, ALL_PRIORITIES)]
            url_state("indicateur", lambda raw: state.parse_choice(raw, every, DEFAULT_INDICATOR, "Indicateur"))
            if offered:
                if st.session_state["indicateur"] not in {i.id for i in offered}:
                    st.session_state["indicateur"] = offered[0].id
                    sync_url("indicateur")
                labels = {i.id: i.libelle_court for i in offered}
                st.selectbox("Indicateur France Relance", options=list(labels), format_func=labels.get,
                             key="indicateur")
            else:
                st.caption("Aucun indicateur du Baromètre pour cette priorité : les Fonds friches (par région) "
                           "sont présentés sur la page « Territoires et reste de la France ».")
        st.caption("Les filtres sont gardés dans l'adresse de la page : copiez-la pour partager la vue.")
