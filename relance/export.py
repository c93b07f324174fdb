"""Exports for notes: PNG, SVG and PDF through kaleido and the system Chromium; CSV and XLSX in French settings.

Nothing here runs on a page rerun: pages hand these functions to download buttons, which call them on click.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import io
import logging
import os
import re
import shutil
import textwrap
import threading
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from relance import compat, config, fmt
from relance.charts import fit_size

LOG = logging.getLogger("relance")

# A note-friendly size: drawn 760 px wide (every text at least 12 px, so at least 7 pt once the image is pasted
# 16 cm wide), at scale 3: a 2,280 px wide PNG.
WIDTH = 760
SCALE = 3
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_KALEIDO_LOCK = threading.Lock()
_KALEIDO = None  # (event loop, kaleido.Kaleido) of this process, started on the first image
IMAGE_TIMEOUT = 90  # seconds


class ExportError(Exception):
    """An export cannot be made (no Chromium, kaleido failure); the message is in French."""


def chromium() -> str:
    """The Chromium kaleido drives: $BROWSER_PATH, else Debian's `chromium` on the PATH."""
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.path.exists(path):
        raise ExportError("Chromium est introuvable : installez le paquet Debian « chromium » "
                          "(./run.sh test le fait) ou indiquez son chemin dans BROWSER_PATH.")
    return path


def _kaleido():
    """One kaleido per process, in a thread of its own: a browser start costs seconds, an image then about half a
    second. Kaleido reloads its tab after every image; here the reload runs after the image is handed back, not
    before, so a click does not pay for it (an image asked sooner waits for it). One tab: a second one would make
    the first export of a process (a fiche from the command line) two seconds longer for ~50 ms on later ones."""
    global _KALEIDO
    if _KALEIDO is not None:
        return _KALEIDO
    import kaleido

    reloads: set[asyncio.Task] = set()  # kept until done (the loop holds tasks weakly)
    Kaleido = compat.kaleido_reloading_after(kaleido.Kaleido, reloads)

    os.environ["BROWSER_PATH"] = chromium()
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()
    browser = Kaleido(n=1, timeout=IMAGE_TIMEOUT)
    asyncio.run_coroutine_threadsafe(browser.open(), loop).result(IMAGE_TIMEOUT)
    atexit.register(_close, loop, browser)
    _KALEIDO = loop, browser
    return _KALEIDO


def _close(loop, browser) -> None:
    with contextlib.suppress(Exception):  # the browser may be gone already
        asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)


def render(figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    """A figure (a plotly dict) drawn by Chromium: PNG, SVG or PDF bytes."""
    loop, browser = _kaleido()
    # Plotly's geo maps need a topojson file: the empty local one, never a download.
    job = browser.calc_fig(figure, opts={"format": fmt, "width": width, "height": height, "scale": scale},
                           topojson=(config.REPO_ROOT / "static").as_uri())
    return asyncio.run_coroutine_threadsafe(job, loop).result(IMAGE_TIMEOUT + 5)


def figure_bytes(fig: go.Figure, fmt: str, width: int = WIDTH, height: int | None = None,
                 layers: dict[str, Callable[[], dict]] | None = None) -> bytes:
    """The figure as PNG (at SCALE), SVG or PDF, sized for a note, title and source inside."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"format d'image inconnu : {fmt}")
    # to_dict copies (the caller's figure is left as it was); the figure was checked when built: validating its
    # geometry again would cost a third of a map's export
    figure = compat.plotly_copy(fig)
    height = height or int(figure.layout.height or 600)
    for annotation in figure.layout.annotations:
        if annotation.name == "source" and "exporté le" not in (annotation.text or ""):
            annotation.text = f"{annotation.text} · exporté le {dt.date.today():%d/%m/%Y}"
    fit_size(figure, width, height)
    with _KALEIDO_LOCK:
        try:
            return render(fill_geometry(figure.to_dict(), layers or {}), fmt, width, height,
                          SCALE if fmt == "png" else 1)
        except ExportError:
            raise
        except Exception as exc:  # kaleido and choreographer raise many types
            raise ExportError(f"l'export {fmt.upper()} a échoué ({exc})") from exc


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # characters a spreadsheet skips before reading a formula


def neutralised(value):
    """A text cell that a spreadsheet would read as a formula (even behind zero-width characters or a byte-order
    mark) gets a leading apostrophe."""
    if isinstance(value, str) and value.lstrip(INVISIBLE).startswith(FORMULA_START):
        return "'" + value
    return value


def _xlsx_cell(value):
    """A value as openpyxl takes it: missing values (None, NaN, pd.NA, NaT) empty, numpy scalars as Python, dates
    as dates, texts without the control characters XML refuses, formulas neutralised."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        value = fmt.sans_controle(value)
    return neutralised(value)


def csv_bytes(data: pd.DataFrame) -> bytes:
    """CSV for Excel in French: UTF-8 with BOM, `;` separator, decimal comma; formulas neutralised."""
    safe = data.map(neutralised) if len(data) else data
    text = safe.to_csv(sep=";", decimal=",", index=False, date_format="%d/%m/%Y")
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(data: pd.DataFrame, meta: dict[str, str]) -> bytes:
    """XLSX: typed cells under a header row, and a second sheet with title, filters, source and method."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    sheet.append([str(c) for c in data.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data.itertuples(index=False):
        sheet.append([_xlsx_cell(value) for value in row])
    for index, column in enumerate(data.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(12, len(str(column)) + 2))
        if pd.api.types.is_float_dtype(data[column]):
            for cell in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell[0].number_format = "#,##0.00"
        elif pd.api.types.is_integer_dtype(data[column]):
            for cell in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell[0].number_format = "#,##0"
    about = book.create_sheet("Sources")
    for key, value in meta.items():
        about.append([key, _xlsx_cell(value)])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 110
    for cell in about["A"]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def slug(text: str, limit: int = 60) -> str:
    """ASCII, lower case, hyphens: safe in a file name whatever the territory name holds."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:limit].strip("-") or "export"


def file_name(what: str, ext: str, phase: int | None = None, ti: str | None = None,
              day: dt.date | None = None) -> str:
    """`ti-0101_phase1_projets-par-priorite_2026-11-23.png`; `france_…` when no territory."""
    parts = [slug(ti) if ti else "france"]
    if phase is not None:
        parts.append(f"phase{int(phase)}")
    parts.append(slug(what))
    parts.append((day or dt.date.today()).isoformat())
    return "_".join(parts) + "." + ext


@dataclass
class Table:
    """A table as shown, with what its exports (CSV, XLSX) need: data, file names, filters and source."""

    data: pd.DataFrame
    what: str  # file-name part, e.g. "projets-du-territoire"
    title: str
    filters: str
    source: str
    phase: int | None = None
    ti: str | None = None
    method: str = ""

    def meta(self) -> dict[str, str]:
        out = {"Titre": self.title, "Filtres": self.filters, "Source": self.source.replace("<br>", " ")}
        if self.method:
            out["Méthode"] = self.method
        out["Exporté le"] = dt.datetime.now().strftime("%d/%m/%Y %H:%M")
        out["Outil"] = "Relance & Territoires"
        return out

    def name(self, ext: str) -> str:
        return file_name(self.what, ext, self.phase, self.ti)

    def csv(self) -> bytes:
        return csv_bytes(self.data)

    def xlsx(self) -> bytes:
        return xlsx_bytes(self.data, self.meta())


@dataclass
class Chart(Table):
    """A chart as shown, with its data: the figure's images (PNG, SVG, PDF) besides the table's exports."""

    figure: go.Figure | None = None
    export_figure: Callable[[], go.Figure] | None = None  # maps: the figure to export (all of France)
    layers: dict[str, Callable[[], dict]] | None = None  # maps: the GeoJSON of each layer the figure names by URL
    height: int | None = None  # export height in px (maps are taller than on the page)

    def image(self, fmt: str) -> bytes:
        figure = self.export_figure() if self.export_figure else self.figure
        return figure_bytes(figure, fmt, height=self.height, layers=self.layers)


def fill_geometry(data: dict, layers: dict[str, Callable[[], dict]]) -> dict:
    """A map's figure as a dict, each layer given by URL replaced by its GeoJSON cut to the features the trace
    draws (exports are drawn without the server). Filling the dict last spares plotly copying and checking the
    geometry feature by feature: two thirds of a map's export time."""
    loaded: dict[str, dict] = {}
    for trace in data["data"]:
        url = trace.get("geojson")
        if not isinstance(url, str) or url not in layers:
            continue
        if url not in loaded:
            loaded[url] = layers[url]()
        key = (trace.get("featureidkey") or "id").removeprefix("properties.")
        locations = trace.get("locations")
        wanted = set(locations.tolist() if hasattr(locations, "tolist") else locations or [])
        features = [f for f in loaded[url]["features"] if f.get("properties", {}).get(key, f.get("id")) in wanted]
        trace["geojson"] = {"type": "FeatureCollection", "features": features}
    return data


def chart(figure: go.Figure, data: pd.DataFrame, what: str, title: str, filters: str, source: str, **options
          ) -> Chart:
    """A Chart, its figure first."""
    return Chart(data=data, what=what, title=title, filters=filters, source=source, figure=figure, **options)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A ZIP archive of named files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


FAILURE_TEXT = ("Export impossible : {raison}. Rien n'est perdu : rechargez la page et réessayez ; les données du "
                "graphique restent téléchargeables en CSV. Si l'échec se répète, signalez-le avec l'heure ({heure}) : "
                "le détail est dans le journal du serveur.")


def failure_file(kind: str, reason: str) -> bytes:
    """A file of the kind asked for (png, svg, pdf, csv, xlsx, docx, zip) that says, in French, why the export
    failed and what to do: a click on a download button always gives the user an answer."""
    text = FAILURE_TEXT.format(raison=reason, heure=dt.datetime.now().strftime("%d/%m/%Y %H:%M"))
    if kind == "csv":
        return ("\ufeff" + text + "\n").encode("utf-8")
    if kind == "xlsx":
        return xlsx_bytes(pd.DataFrame({"Export impossible": [text]}), {"Titre": "Export impossible"})
    if kind == "svg":
        from xml.sax.saxutils import escape

        lines = "".join(f'<tspan x="20" dy="22">{escape(line)}</tspan>' for line in textwrap.wrap(text, 90))
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="760" height="200"><rect width="100%" height="100%" '
                f'fill="white"/><text y="20" font-family="sans-serif" font-size="15">{lines}</text></svg>'
                ).encode()
    if kind == "png":
        from PIL import Image, ImageDraw, ImageFont

        image = Image.new("RGB", (1520, 300), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=26)
        for number, line in enumerate(textwrap.wrap(text, 95)):
            draw.text((30, 30 + 36 * number), line, fill="black", font=font)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
    if kind == "pdf":
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen.canvas import Canvas

        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        for number, line in enumerate(textwrap.wrap(text, 90)):
            canvas.drawString(56, A4[1] - 80 - 16 * number, line)
        canvas.save()
        return buffer.getvalue()
    if kind == "docx":
        from docx import Document

        document = Document()
        document.add_paragraph(text)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    return zip_bytes({"export-impossible.txt": text.encode("utf-8")})


def deferred(make: Callable[[], bytes], kind: str, failed: Callable[[str], None] | None = None
             ) -> Callable[[], bytes]:
    """A download built on click that never fails silently: on any error the user receives a file of the same kind
    saying why, in French, `failed(reason)` is told (the page says it on its next run), and the details go to the
    server's log."""
    def build() -> bytes:
        try:
            return make()
        except ExportError as exc:
            LOG.warning("export %s impossible : %s", kind, exc)
            reason = str(exc)
        except Exception as exc:  # the user gets a file that says so, never an empty click
            LOG.exception("export %s impossible", kind)
            reason = f"erreur inattendue ({type(exc).__name__})"
        if failed is not None:
            failed(reason)
        return failure_file(kind, reason)

    return build
