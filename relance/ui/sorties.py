"""What pages show and hand over: the error boundary of a page, charts and tables with their downloads (built on a
click, never failing silently), the fiche's buttons, and the readings of a territory."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
import threading
from collections.abc import Callable

import duckdb
import pandas as pd
import streamlit as st

from relance import charts, compat, config, export, fmt, interface, tables
from relance.ui.donnees import DATABASE_OLDER, DATABASE_UNREADABLE, cached_document, derivee, schema_missing

UNEXPECTED = ("Une erreur inattendue est survenue ; elle est consignée dans le journal du serveur. Rechargez la page, "
              "ou revenez à la vue par défaut (lien « Carte » à gauche).")

LOG = logging.getLogger("relance")


@contextlib.contextmanager
def no_traceback():
    """Any unexpected error of a page becomes a short French message with a way out; the details go to the log."""
    try:
        yield
    except compat.streamlit_script_control():
        raise  # st.stop() and st.rerun() are how Streamlit runs, not errors
    except (duckdb.CatalogException, duckdb.BinderException):
        missing = schema_missing()  # a query of this version on a base of an older one, or a fault of the query
        LOG.exception("base d'une version précédente %s (manque : %s)" if missing else "requête en faute %s%s",
                      config.db_path(), ", ".join(missing))
        st.error(DATABASE_OLDER if missing else UNEXPECTED)
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
        st.error(UNEXPECTED)


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


EMPTY_TABLE = "Aucune ligne à montrer ici."
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
    # a phone's layout made once per figure (the figure is a shared view's: every phone reuses it)
    figure = derivee(charts.for_phone, chart.figure) if interface.narrow_screen() else chart.figure
    event = st.plotly_chart(figure, key=key, config=MAP_CONFIG if is_map else PLOTLY_CONFIG, **plotly_kwargs)
    export_buttons(chart, key)
    return event


def show_frame(frame: pd.DataFrame, key: str | None = None, height: int | str = "auto") -> None:
    """A dataframe as the staff see it: cells a spreadsheet would read as a formula shown (and downloaded from the
    table's own toolbar) with a leading apostrophe, missing texts empty (never "None"), amounts in euros. An empty
    table is said in a sentence (Streamlit's grid would draw the English word « empty » on its canvas)."""
    if frame.empty:
        st.caption(EMPTY_TABLE)
        return
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
    if not table.data.empty:
        _table_downloads(table, key)


def show_small_table(table: export.Table, key: str) -> None:
    """A few rows as a plain table, numbers written the French way (whatever the browser's language), and its CSV
    and XLSX downloads (numbers as numbers)."""
    if table.data.empty:
        st.caption(EMPTY_TABLE)
        return
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
            show_light_table(bloc.tableau[SYNTHESE_TABLE[:4] + ([] if compact else SYNTHESE_TABLE[4:])])
        if not compact:
            st.caption(fmt.escape_markdown(f"Ce que cette lecture laisse de côté : {bloc.lecture.laisse_de_cote}"))
    if synthese.somme:
        st.caption(fmt.escape_markdown(synthese.somme))


_NUMBER = re.compile(r"^[-−+]?\d[\d\u202f\u00a0 ]*(,\d+)?( ?(%|€|M€))?$")


def markdown_table(frame: pd.DataFrame) -> str:
    """A small table as a Markdown table: cells as the staff read them (`tables.french`), made inert (names from
    staff lists are shown, never rendered), numbers aligned right."""
    shown = tables.french(frame)
    cells = [[fmt.escape_markdown(v) for v in row] for row in shown.itertuples(index=False)]
    right = [bool(values) and all(_NUMBER.match(str(v)) for v in values)
             for values in ([str(v) for v in shown[c] if str(v)] for c in shown.columns)]
    lines = ["| " + " | ".join(fmt.escape_markdown(c) for c in shown.columns) + " |",
             "|" + "|".join("---:" if r else ":---" for r in right) + "|",
             *("| " + " | ".join(row) + " |" for row in cells)]
    return "\n".join(lines)


def show_light_table(frame: pd.DataFrame) -> None:
    """A few rows on a page's first screen, as a Markdown table: `st.table` makes the browser load and run about
    1 MB of table code (Arrow decoding) while it loads Plotly's, which delayed the fiche's first chart by 0,2 s
    (bench/bench_browser.py). Tables further down keep `st.table`."""
    if frame.empty:
        st.caption(EMPTY_TABLE)
        return
    st.markdown(markdown_table(frame))


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


def fiche_buttons(make: Callable, phase: int, ti: str, *args) -> None:
    """Download buttons for the fiche territoire (PDF, Word, ZIP), built by `make(*args, day=…)` on the first
    click and kept for the day (same database version, same arguments)."""
    try:
        export.chromium()
    except export.ExportError as exc:
        st.caption(f"Fiche territoire indisponible : {exc}")
        return
    day = dt.date.today()

    def build():
        return cached_document(repr(args[1:]), day, make, args)

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
