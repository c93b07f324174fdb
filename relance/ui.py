"""Streamlit glue for the entry and the pages: cached database access, address-bound values, charts with
their downloads, and the commands that change the project lists.

Nothing here builds the database: saving or removing a list runs `python -m relance import` (or
`imports --remove`) in a child process, the one place where a list and the database change together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from relance import charts, config, db, export, fmt, interface, placement, tables

MESSAGES_KEY = "_messages_url"
WRITTEN_KEY = "_url_ecrite"


def _db_stamp() -> tuple[str, str]:
    """The database file actually read (each build is a new version behind the link) and its identity: inode,
    size and modification time. Every cache of the server is keyed on both, so a file changed under the server (a
    copy over it, a restored backup) is noticed on the next run, never served from what was read before."""
    real = os.path.realpath(config.db_path())
    try:
        found = os.stat(real)
    except OSError:
        return real, "absent"
    return real, f"{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"


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
        path, identity = _db_stamp()
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


READER = db.Reader(run, load, layer_url)  # for pages: layers served by URL
INLINE_READER = db.Reader(run, load)  # for documents built on a click (fiche): layers inline


LOG = logging.getLogger("relance")
DATABASE_UNREADABLE = ("La base de données ne s'ouvre pas (fichier abîmé, incomplet ou remplacé). Reconstruisez-la "
                       "avec `python -m relance build` ; la version précédente est gardée à côté d'elle dans `data/`.")


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


@contextlib.contextmanager
def no_traceback():
    """Any unexpected error of a page becomes a short French message with a way out; the details go to the log."""
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    try:
        yield
    except ScriptControlException:
        raise  # st.stop() and st.rerun() are how Streamlit runs, not errors
    except duckdb.Error:
        LOG.exception("base illisible %s", config.db_path())
        st.error(DATABASE_UNREADABLE)
    except OSError as exc:
        LOG.exception("erreur système")
        full = getattr(exc, "errno", None) == 28
        st.error("Le disque du serveur est plein : rien n'a été enregistré. Libérez de la place puis rechargez la "
                 "page." if full else "Le serveur n'a pas pu lire ou écrire un fichier. Rechargez la page ; si "
                 "cela persiste, reconstruisez la base (`python -m relance build`).")
    except Exception:
        LOG.exception("erreur inattendue")
        st.error("Une erreur inattendue est survenue ; elle est consignée dans le journal du serveur. Rechargez la "
                 "page, ou revenez à la vue par défaut (lien « Carte » à gauche).")


# --- Values bound to the address ---------------------------------------------------------------------------


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


TAB_KEY = "onglet"  # the open tab's name in the address (a link reopens it; absent for the first tab)


def tabs(labels) -> list:
    """A page's tabs, only the open one computed and sent (test `.open` before filling a tab): the browser draws
    a page's charts all at once, even in a hidden tab, so a page opens as fast as its first tab. The open tab is
    bound to the address; an unknown name there opens the first tab."""
    return list(st.tabs(list(labels), key=TAB_KEY, bind="query-params"))


SESSION_KEY = "_session_id"  # a random name for this session (never a secret)
_FAILED_EXPORTS: dict[str, list[str]] = {}  # session token -> failed downloads, said on its next run
_FAILED_LOCK = threading.Lock()


def _export_failed(what: str) -> Callable[[str], None]:
    """What a download that failed tells this session (the file is built on click, in another thread: the page
    says it on its next run)."""
    token = st.session_state.setdefault(SESSION_KEY, os.urandom(8).hex())

    def failed(reason: str) -> None:
        with _FAILED_LOCK:
            _FAILED_EXPORTS.setdefault(token, []).append(f"{what} : {reason}")

    return failed


def show_export_failures() -> None:
    """Say (once) which downloads of this session failed, why, and what to do."""
    token = st.session_state.get(SESSION_KEY)
    with _FAILED_LOCK:
        failures = _FAILED_EXPORTS.pop(token, []) if token else []
    for failure in failures:
        st.warning(f"Le téléchargement {fmt.escape_markdown(failure)} a échoué. Le fichier reçu le dit ; rechargez la "
                   "page et réessayez, ou téléchargez les données en CSV. Le détail est dans le journal du serveur.",
                   icon=":material/warning:")


def show_url_messages() -> None:
    """Show (once) the messages about address values that were not understood."""
    for message in st.session_state.pop(MESSAGES_KEY, []):
        st.warning(message, icon=":material/warning:")


# --- Charts and downloads ----------------------------------------------------------------------------------

# No chart toolbar: the export row under each chart offers its images and data (and the toolbar spoke English).
PLOTLY_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False, "displayModeBar": False}
# Maps keep their zoom buttons (translated in the page by relance.interface).
MAP_CONFIG = {**PLOTLY_CONFIG, "displayModeBar": True, "scrollZoom": False,
              "modeBarButtons": [["zoomInGeo", "zoomOutGeo", "resetGeo"]]}
EXPORT_FORMATS = [
    ("png", "PNG", "image/png"),
    ("svg", "SVG", "image/svg+xml"),
    ("pdf", "PDF", "application/pdf"),
    ("csv", "CSV", "text/csv"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]


def show_chart(chart: export.Chart, key: str, **plotly_kwargs):
    """A chart and, under it, its downloads (built only when a button is clicked)."""
    is_map = any(t.type in ("choropleth", "scattergeo") for t in chart.figure.data)
    figure = charts.for_phone(chart.figure) if interface.narrow_screen() else chart.figure
    event = st.plotly_chart(figure, key=key, config=MAP_CONFIG if is_map else PLOTLY_CONFIG, **plotly_kwargs)
    export_buttons(chart, key)
    return event


def show_frame(frame: pd.DataFrame, key: str | None = None, height: int | str = "auto") -> None:
    """A dataframe as the staff see it: cells a spreadsheet would read as a formula shown (and downloaded from the
    table's own toolbar) with a leading apostrophe, missing texts empty (never "None"), amounts in euros."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].astype(object).where(safe[column].notna(), "").map(export.neutralised)
    # Numbers in the reader's locale (the staff's French browsers: « 1,09 », « 138 181 »), amounts in euros;
    # the table's own data stay numbers (sorting, CSV).
    config = {c: st.column_config.NumberColumn(format="euro" if str(c).endswith("(€)") else "localized")
              for c in safe.columns
              if pd.api.types.is_numeric_dtype(safe[c]) and not pd.api.types.is_bool_dtype(safe[c])}
    st.dataframe(safe, hide_index=True, key=key, height=height, column_config=config)


def show_table(table: export.Table, key: str, height: int | None = None) -> None:
    """A table (formulas neutralised, also in the toolbar's download) and its CSV and XLSX downloads."""
    show_frame(table.data, key, height or "auto")
    _table_downloads(table, key)


def show_small_table(table: export.Table, key: str) -> None:
    """A few rows as a plain table, numbers written the French way (whatever the browser's language), and its CSV
    and XLSX downloads (numbers as numbers)."""
    st.table(tables.french(table.data), hide_index=True)
    _table_downloads(table, key)


def _table_downloads(table: export.Table, key: str) -> None:
    row = st.container(horizontal=True, gap="small")
    for fmt_key, label, mime in EXPORT_FORMATS[3:]:
        row.download_button(label, data=export.deferred(table.csv if fmt_key == "csv" else table.xlsx, fmt_key,
                                                        _export_failed(table.name(fmt_key))),
                            file_name=table.name(fmt_key),
                            mime=mime, key=f"{key}-{fmt_key}", on_click="ignore", icon=":material/download:",
                            help=f"Télécharger {table.name(fmt_key)}")


SYNTHESE_TABLE = ["Indicateur", "Date", "Estimation pour le territoire", "Taux pour 10 000 habitants",
                  "France, pour 10 000 habitants", "Rang du taux"]


def show_synthese(synthese, compact: bool = False) -> None:
    """A territory's readings under the priority (views.synthese), the lead first: each reading's title and role,
    its sentence, its figures, its further facts and, in full, what it leaves out. Texts are shown, never rendered
    (they may hold names from staff lists)."""
    for bloc in synthese.blocs:
        st.markdown(f"**{fmt.escape_markdown(bloc.titre)}** · {bloc.role}")
        st.markdown(fmt.escape_markdown(bloc.phrase))
        # beside the lead reading, on the map's panel: its sentence says it all
        items = [] if compact and not bloc.lecture.principale else list(bloc.chiffres.items())
        width = 2 if compact else 4
        for start in range(0, len(items), width):
            for column, (label, value) in zip(st.columns(width), items[start:start + width], strict=False):
                column.metric(label, value)
        for line in bloc.lignes:
            st.caption(fmt.escape_markdown(line))
        if bloc.tableau is not None and len(bloc.tableau):
            st.table(bloc.tableau[SYNTHESE_TABLE[:4] + ([] if compact else SYNTHESE_TABLE[4:])], hide_index=True)
        if not compact:
            st.caption(fmt.escape_markdown(f"Ce que cette lecture laisse de côté : {bloc.lecture.laisse_de_cote}"))
    if synthese.somme:
        st.caption(fmt.escape_markdown(synthese.somme))


def show_figure(figure, key: str) -> None:
    """A static figure without toolbar or downloads (the locator map)."""
    st.plotly_chart(figure, key=key, config={**PLOTLY_CONFIG, "displayModeBar": False, "staticPlot": True})


def export_buttons(chart: export.Chart, key: str) -> None:
    """PNG, SVG, PDF of the chart and CSV, XLSX of its data, as download buttons."""
    try:
        export.chromium()
        images = True
    except export.ExportError:
        images = False
    row = st.container(horizontal=True, gap="small")
    for fmt_key, label, mime in EXPORT_FORMATS:
        if fmt_key in ("png", "svg", "pdf"):
            if not images:
                row.button(label, key=f"{key}-{fmt_key}", disabled=True,
                           help="Export d'image indisponible : Chromium introuvable sur le serveur.")
                continue
            data = functools.partial(chart.image, fmt_key)
        else:
            data = chart.csv if fmt_key == "csv" else chart.xlsx
        row.download_button(label, data=export.deferred(data, fmt_key, _export_failed(chart.name(fmt_key))),
                            file_name=chart.name(fmt_key), mime=mime,
                            key=f"{key}-{fmt_key}",
                            on_click="ignore", icon=":material/download:",
                            help=f"Télécharger {chart.name(fmt_key)}")


@st.cache_data(show_spinner=False, max_entries=8)
def _document(path: str, identity: str, key: str, day: dt.date, _make: Callable, _args: tuple):
    return _make(*_args, day=day)


def fiche_buttons(make: Callable, phase: int, ti: str, *args) -> None:
    """Download buttons for the fiche territoire (PDF, Word, ZIP), built by `make(*args, day=…)` on the first
    click and kept for the day (same database version, same arguments)."""
    try:
        export.chromium()
    except export.ExportError as exc:
        st.caption(f"Fiche territoire indisponible : {exc}")
        return
    stamp, day = _db_stamp(), dt.date.today()

    def build():
        return _document(*stamp, repr(args[1:]), day, make, args)

    pdf, word, archive = st.columns(3)
    failed = _export_failed(f"de la fiche territoire {ti}")
    pdf.download_button("Fiche territoire (PDF)", data=export.deferred(lambda: build().pdf, "pdf", failed),
                        type="primary",
                        file_name=export.file_name("fiche-territoire", "pdf", phase, ti, day),
                        mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                        key="fiche-pdf", width="stretch")
    word.download_button("Fiche modifiable (Word)", data=export.deferred(lambda: build().docx, "docx", failed),
                         file_name=export.file_name("fiche-territoire", "docx", phase, ti, day),
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         on_click="ignore", icon=":material/description:", key="fiche-docx", width="stretch")
    archive.download_button("Graphiques et données (ZIP)",
                            data=export.deferred(lambda: build().zip, "zip", failed),
                            file_name=export.file_name("fiche-territoire", "zip", phase, ti, day),
                            mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="fiche-zip",
                            width="stretch")


def session_cached(slot: str, key, make: Callable, *args):
    """`make(*args)` once per `key` in this session (an uploaded file is parsed once, not on every rerun);
    a failure is cached too, and raised again."""
    held = st.session_state.get(f"_cache_{slot}")
    if held is None or held[0] != key:
        try:
            held = (key, make(*args), None)
        except Exception as exc:  # kept to be raised again on the next rerun, without parsing again
            held = (key, None, exc)
        st.session_state[f"_cache_{slot}"] = held
    if held[2] is not None:
        raise held[2]
    return held[1]


# --- Project lists ----------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def _reference(path: str, identity: str) -> placement.Reference:
    return placement.Reference.from_database(_connection(path, identity), config.raw_dir())


def placement_reference() -> placement.Reference:
    """What placement needs, from the current database (and the raw commune polygons when present)."""
    return _reference(*_db_stamp())


class CommandFailed(Exception):
    """A list command failed; the message (French) says why, the previous database stays."""


def _command(args: list[str]) -> dict:
    """Run `python -m relance …` with `--json` in a child process; its result, or CommandFailed."""
    result = subprocess.run([sys.executable, "-m", "relance", *args, "--json"], capture_output=True, text=True,
                            timeout=900, cwd=config.REPO_ROOT, env={**os.environ}, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    outcome = json.loads(lines[-1]) if lines else {}
    if result.returncode != 0 or "erreur" in outcome:
        raise CommandFailed(outcome.get("erreur") or (result.stderr.strip().splitlines() or ["erreur inconnue"])[-1])
    return outcome


def save_list(content: bytes, name: str) -> tuple[str, bool]:
    """Keep an uploaded list and rebuild the database with it (import id, False when it was there already)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("liste.xlsx" if content[:4] == b"PK\x03\x04" else "liste.csv")
        path.write_bytes(content)
        outcome = _command(["import", str(path), f"--nom={name}"])  # a name starting with « - » is no option
    return outcome["import_id"], outcome["nouveau"]


def remove_list(import_id: str) -> None:
    """Forget a list and rebuild the database without it."""
    _command(["imports", "--remove", import_id])
