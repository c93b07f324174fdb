"""Pure chart builders: DataFrames in, plotly Figures out (titles, hover and source in French)."""

from __future__ import annotations

import math
import re
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from relance import compat, fmt, lectures
from relance.filtres import PHASES, Priorite
from relance.fmt import escape_html
from relance.lectures import CLASSES_MIN
from relance.metriques import Metrique

FONT = "Arial, Helvetica, sans-serif"
SOURCE_SIZE = 12  # px: at least 7 pt once an exported image (760 px drawn) is pasted 16 cm wide
# Single-hue scale whose lightness falls steadily, reading in black and white too; its low end is a visible blue
# (never white, which reads as "not a territory"); a territory without a value is drawn grey and said so.
COLORSCALE = [[0, "#c6dbef"], [0.25, "#9ecae1"], [0.5, "#6baed6"], [0.75, "#3182bd"], [1, "#08306b"]]
MISSING_COLOR = "#d9d9d9"
SELECTION_COLOR = "#d62728"
BORDER_COLOR = "#4d4d4d"
SUMMARY_TITLE = "La relance a-t-elle davantage touché les départements des Territoires d'industrie ?"
FRANCE_LON = (-10.8, 9.8)  # degrees: metropolitan France and the overseas insets west of it
FRANCE_LAT = (41.0, 51.3)


def _rows(*columns) -> np.ndarray:
    """Columns as a table of rows for a trace's customdata: a numpy object array, which plotly takes as it is (a
    list of tuples is checked cell by cell: 19 ms for the 149 territories on every map rerun, against 1 ms)."""
    return np.array(list(zip(*columns, strict=True)), dtype=object)


def wrap(text: str, width: int) -> str:
    """Break a plotly text into lines of at most `width` characters (plotly does not wrap by itself)."""
    lines = []
    for part in text.split("<br>"):
        lines.extend(textwrap.wrap(part, width) or [""])
    return "<br>".join(lines)


def _legend_rows(names: list[str], available: float) -> int:
    """Rows a horizontal legend takes: plotly packs items (symbol, gap and text at about 7 px a character) left
    to right and starts a new row when the next one does not fit."""
    rows, used = 1, 0.0
    for name in names:
        item = 46 + 7 * len(name)
        if used and used + item > available:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _layout(fig: go.Figure, title: str, subtitle: str, source: str, height: int, width: int = 80, left: int = 10,
            right: int = 10, bottom: int = 135, extra_top: int = 0, extra_bottom: int = 0) -> go.Figure:
    """Title, subtitle and source drawn inside the figure, so an exported image stands alone.

    `width` is the line length (characters) of the title; the source wraps at 1.5 times that and sits at
    the bottom of the figure whatever its size (see `fit_size`).

    Layout properties are assigned one by one (`layout.margin = …`): `update_layout` costs about ten times as
    much per call, which the map paid on every rerun.
    """
    layout = fig.layout
    # What a phone layout needs to lay the figure out again at its width (see for_phone).
    meta = layout.meta if isinstance(layout.meta, dict) else {}
    meta = {**meta, "mise_en_page": {
        "title": title, "subtitle": subtitle, "source": source, "height": height, "width": width, "left": left,
        "right": right, "bottom": bottom, "extra_top": extra_top}}
    title = wrap(title, int(width * 0.85)).replace("<br>", "</b><br><b>")
    subtitle = wrap(subtitle, int(width * 1.05))
    source = wrap(source, int(width * 1.15))
    # The source lines sit under the x axis (its ticks and title take about 60 px): a longer source gets a larger
    # bottom margin and the figure grows by as much, so the plot keeps its height and nothing overlaps.
    needed = 70 + 16 * (source.count("<br>") + 1)
    if needed > bottom:
        height += needed - bottom
        bottom = needed
    bottom += extra_bottom  # an axis title on two lines (phone)
    height += extra_bottom
    top = 72 + 20 * (title.count("<br>") + subtitle.count("<br>"))
    legend = layout.legend
    if legend.orientation == "h" and layout.showlegend is not False:
        # Legends sit between the subtitle and the plot: never over the axis labels or the source line.
        names = [t.name for t in fig.data if t.showlegend is not False and t.name]
        if names:
            if legend.entrywidthmode == "fraction" and legend.entrywidth:
                rows = math.ceil(len(names) / max(1, int(1 / legend.entrywidth)))
            else:
                rows = _legend_rows(names, width * 9.5 - left - right)
            meta["legende_px"] = top - 8
            top += 27 * rows + (22 if legend.title.text else 0)
    top += extra_top
    layout.meta = meta
    layout.title = {"text": f"<b>{title}</b><br><span style='font-size:13px'>{subtitle}</span>", "x": 0.01,
                    "xanchor": "left", "yanchor": "top"}
    layout.font = {"family": FONT, "size": 13, "color": "#222"}
    layout.separators = fmt.PLOTLY_SEPARATORS
    layout.margin = {"l": left, "r": right, "t": top, "b": bottom}
    layout.paper_bgcolor = "white"
    layout.plot_bgcolor = "white"
    # The source starts 8 px from the figure's left edge whatever the margin (xshift is in pixels).
    layout.annotations = [*layout.annotations, go.layout.Annotation(
        text=source, showarrow=False, xref="paper", yref="paper", x=0, xanchor="left", xshift=-(left - 8),
        yanchor="bottom", align="left", font={"size": SOURCE_SIZE, "color": "#444"}, name="source")]
    return fit_size(fig, None, height)


def fit_size(fig: go.Figure, width: int | None, height: int) -> go.Figure:
    """Size a figure and keep its title at the top and its source line at the bottom edge."""
    layout = fig.layout
    margin = layout.margin
    plot_height = height - margin.t - margin.b
    layout.height = height
    if width is not None or layout.width is not None:  # a map built unchecked would keep a `width: null`
        layout.width = width
    layout.title.y = 1 - 22 / height
    for trace in fig.data:
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.orientation == "h" and getattr(trace, "showscale", None) is not False:
            # A horizontal colour bar just under the map (its title above the bar), above the source line.
            colorbar.yref, colorbar.y, colorbar.yanchor = "paper", -12 / plot_height, "top"
    meta = layout.meta if isinstance(layout.meta, dict) else {}
    if "legende_px" in meta:
        # A legend under the subtitle, above the plot, at any size (its pixels are kept in the layout's meta).
        legend = layout.legend
        legend.yref, legend.y, legend.yanchor = "container", 1 - meta["legende_px"] / height, "top"
        legend.x, legend.xanchor = 0, "left"
    for annotation in layout.annotations:
        if annotation.name == "source":
            annotation.y = -(margin.b - 6) / plot_height
    return fig


# px: a map's figure on the page. Its drawing keeps France's proportions, so its size is set by the column's width
# (about 600 px at 1440 px, map column two thirds of the page) once the figure is tall enough: title, legend and
# sources around a drawing about 440 px tall.
MAP_HEIGHT = 860
PHONE_WIDTH = 40  # characters of a title line on a 390 px screen
PHONE_LABEL = 20  # characters of a bar's label on a phone
PHONE_MAP_HEIGHT = 330  # px of a map's drawing on a phone
PHONE_SYMBOLS = 0.6  # circles on a phone's map, against the page's


def for_phone(figure: go.Figure) -> go.Figure:
    """The same chart laid out for a phone (about 360 px): titles, legends and source wrapped at that width,
    side-by-side panels stacked, long bar labels wrapped, overseas insets labelled by their département code.
    The figure given is left as it is (exports keep their own layout)."""
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    args = meta.get("mise_en_page")
    if not args:
        return figure
    fig = compat.plotly_copy(figure)  # not checked again: the page's figure was
    old = fig.layout.margin
    plot_height = fig.layout.height - old.t - old.b
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "source"]
    fig.update_layout(meta={k: v for k, v in meta.items() if k != "legende_px"})
    left = args["left"]
    layout = fig.layout
    second = getattr(layout, "xaxis2", None)  # plotly raises AttributeError for a missing axis
    if second is not None and second.domain and second.domain[0] > 0.3:
        # Two panels side by side: one above the other, each with its title above it.
        layout.xaxis.domain, layout.xaxis2.domain = [0, 1], [0, 1]
        layout.yaxis.domain, layout.yaxis2.domain = [0.62, 1], [0, 0.38]
        for annotation in layout.annotations:
            if annotation.yref == "paper" and annotation.y and annotation.y >= 1:
                lower = annotation.x is not None and annotation.x > 0.5
                annotation.update(x=0, xanchor="left", y=0.4 if lower else 1.02,
                                  text=wrap(annotation.text.replace("<br>", " "), PHONE_WIDTH + 4))
        plot_height *= 2
    bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    if bars and left > 150:
        lines = 0
        for trace in bars:
            labels = [wrap(str(v).replace("<br>", " "), PHONE_LABEL) for v in trace.y]
            trace.y = labels
            lines = max(lines, sum(label.count("<br>") + 1 for label in dict.fromkeys(labels)))
        left = 30 + 7 * PHONE_LABEL
        plot_height = max(plot_height, 34 * lines)
    phone = meta.get("telephone")  # a map framed on one territory says how to frame it on a phone
    if any(t.type in ("choropleth", "scattergeo") for t in fig.data):
        plot_height = PHONE_MAP_HEIGHT  # France is wider than tall: a phone-wide map needs no more
    source = phone.get("source", args["source"]) if phone else args["source"]
    if phone:
        plot_height = phone["hauteur"]
        layout.geo.update(phone["geo"])
        for trace in fig.data:
            if trace.type == "scattergeo" and trace.text is not None:
                trace.text, trace.textposition = phone["texte"], phone["textposition"]
    for trace in fig.data:
        if trace.type == "scattergeo" and trace.marker and trace.marker.size is not None:
            # circles sized for a phone-wide France (areas stay proportional)
            size = trace.marker.size
            trace.marker.size = [v * PHONE_SYMBOLS for v in size] if isinstance(size, (list, tuple)) else \
                size * PHONE_SYMBOLS
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.title and colorbar.title.text:
            colorbar.title.text = wrap(colorbar.title.text.replace("<br>", " "), PHONE_WIDTH + 4)
        if trace.name == "Outre-mer" and trace.meta:
            trace.update(text=list(trace.meta), textfont_size=10)
    if layout.legend.title and layout.legend.title.text:  # a map's classes: their method over the keys
        layout.legend.title.text = wrap(layout.legend.title.text.replace("<br>", " "), PHONE_WIDTH + 8)
    extra_bottom = 0
    for axis in (layout.xaxis, layout.yaxis, getattr(layout, "xaxis2", None), getattr(layout, "yaxis2", None)):
        if axis is not None and axis.title and axis.title.text:
            axis.title.text = wrap(axis.title.text.replace("<br>", " "), PHONE_LABEL + 8)
            if axis.plotly_name.startswith("x"):
                extra_bottom = max(extra_bottom, 16 * axis.title.text.count("<br>"))
    _layout(fig, args["title"], args["subtitle"], source, height=args["height"], width=PHONE_WIDTH,
            left=left, right=args["right"], bottom=args["bottom"], extra_top=args["extra_top"],
            extra_bottom=extra_bottom)
    margin = fig.layout.margin
    return fit_size(fig, None, int(plot_height + margin.t + margin.b))


def _insets_traces(insets: list[dict], labels: bool = True) -> list[dict]:
    """Frames and labels of the overseas insets."""
    frame_lon, frame_lat = [], []
    for inset in insets:
        frame_lon += [*inset["lon"], None]
        frame_lat += [*inset["lat"], None]
    traces = [dict(type="scattergeo",
        lon=frame_lon, lat=frame_lat, mode="lines", line={"color": "#999", "width": 0.8}, hoverinfo="skip",
        showlegend=False, name="Encarts",
    )]
    if labels:
        traces.append(dict(type="scattergeo",
            lon=[i["label_lon"] for i in insets], lat=[i["label_lat"] for i in insets],
            text=[i["label"] for i in insets], mode="text", textfont={"size": 11, "color": "#444"}, hoverinfo="skip",
            showlegend=False, name="Outre-mer",
            meta=[i.get("label_court", i["label"]) for i in insets],  # the labels on a phone (see for_phone)
        ))
    return traces


# A fixed frame (metropolitan France and the insets) fills the figure better than fitbounds.
FRANCE_FRAME = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "white",
                "lonaxis": {"range": list(FRANCE_LON)}, "lataxis": {"range": list(FRANCE_LAT)}}


def _map_figure(traces: list, **layout) -> go.Figure:
    """A map's figure made at once from its traces, framed on France: plotly copies the figure on each
    `add_trace` (about 1 ms each, seven traces on every map rerun) and checks every value as it goes (half of
    what is left); the maps skip that check, and a test builds each of them again with it (tests/test_export.py)."""
    return compat.plotly_unchecked(traces, {"geo": FRANCE_FRAME, **layout})


ZOOM_MARGIN = 0.6  # of the territory's width and height, on each side: the neighbours stay in view
ZOOM_MIN_LON = 2.4  # degrees: the narrowest view, so that a small territory still shows its département


def zoom_to(fig: go.Figure, box: tuple[float, float, float, float] | None) -> go.Figure:
    """The same map framed on `box` (ouest, sud, est, nord, as drawn: overseas in their insets), or on France
    when `box` is None. The frame keeps the France view's proportions, so the map never jumps in size."""
    if box is None:
        return fig  # the builders frame France already
    ouest, sud, est, nord = box
    ratio = (FRANCE_LON[1] - FRANCE_LON[0]) / (FRANCE_LAT[1] - FRANCE_LAT[0])
    width = max((est - ouest) * (1 + 2 * ZOOM_MARGIN), (nord - sud) * (1 + 2 * ZOOM_MARGIN) * ratio, ZOOM_MIN_LON)
    height = width / ratio
    lon, lat = (ouest + est) / 2, (sud + nord) / 2
    geo = fig.layout.geo  # set property by property: update_geos costs ten times as much, on every map rerun
    geo.lonaxis.range = [lon - width / 2, lon + width / 2]
    geo.lataxis.range = [lat - height / 2, lat + height / 2]
    geo.center = {"lon": lon, "lat": lat}
    geo.showframe = False
    return fig


def _tick_decimals(values: pd.Series, decimales: int) -> int:
    """Decimals of the colour-bar ticks: the precision the range needs (`10`, not `10,00`)."""
    top = float(values.max()) if len(values) and values.notna().any() else 0.0
    return 0 if decimales == 0 or top >= 20 else min(decimales, 1 if top >= 2 else 2)


def _colorbar(metric: Metrique, values: pd.Series | None = None) -> dict:
    decimals = _tick_decimals(values, metric.decimales) if values is not None else metric.decimales
    return {"title": {"text": wrap(metric.titre_legende, 90), "side": "top"}, "orientation": "h",
            "thickness": 12, "len": 0.6, "x": 0.5, "xanchor": "center", "y": -0.02, "yanchor": "top",
            "tickformat": f",.{decimals}f", "nticks": 6}


def _missing_traces(geojson, territories: pd.DataFrame, values: pd.Series, key: str) -> list[dict]:
    """Territories without a value, in grey, named in the legend (never confused with a low value)."""
    missing = territories[values.isna()]
    if missing.empty:
        return []
    return [dict(type="choropleth",
        geojson=geojson, featureidkey=f"properties.{key}", locations=missing[key], z=np.zeros(len(missing)),
        colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]], showscale=False, showlegend=True,
        marker={"line": {"color": "white", "width": 0.6}}, name="Non disponible (gris)", hoverinfo="skip",
    )]


def _selected_trace(geojson, selected: str, customdata, hover: str) -> dict:
    """A red outline around the selected territory (only its feature when the geometry is inline)."""
    if isinstance(geojson, dict):
        geojson = {"type": "FeatureCollection",
                   "features": [f for f in geojson["features"] if f["properties"]["ti_id"] == selected]}
    return dict(type="choropleth",
        geojson=geojson, featureidkey="properties.ti_id", locations=[selected], z=[1],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"color": SELECTION_COLOR, "width": 2.5}},
        customdata=[customdata], hovertemplate=hover, name="Sélection",
    )


def _finish_traces(geojson, territories: pd.DataFrame, selected: str | None, customdata: list, hover: str,
                   insets: list[dict]) -> list:
    """Insets and the selected territory's outline, common to the maps."""
    traces = _insets_traces(insets)
    if selected is not None and selected in set(territories["ti_id"]):
        position = int(territories.index[territories["ti_id"] == selected][0])
        traces.append(_selected_trace(geojson, selected, customdata[position], hover))
    return traces


def _value_text(value, metric: Metrique) -> str:
    if metric.unite == "%":
        return fmt.pourcent(value, metric.decimales)
    if metric.estimation and value == value and value is not None:
        return "≈\u00a0" + fmt.unite(round(value), metric.unite, 0)
    return fmt.unite(value, metric.unite, metric.decimales)


def _territory_hover(territories: pd.DataFrame, metric: Metrique) -> tuple[np.ndarray, str]:
    """A territory's hover on the maps (name, id, région, départements, value and `detail`) and its data."""
    hover_values = [_value_text(v, metric) for v in territories[metric.key]]
    details = territories["detail"] if "detail" in territories else [""] * len(territories)
    customdata = _rows(territories["nom"], territories["ti_id"], territories["region_nom"],
                       territories["departements_noms"], hover_values, details)
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>Région : %{customdata[2]}<br>"
             "Département(s) : %{customdata[3]}<br>" + metric.libelle + " : %{customdata[4]}%{customdata[5]}"
             "<extra></extra>")
    return customdata, hover


def _departement_outlines(departements: dict | str, codes: list[str], **extra) -> dict:
    """Département outlines over the territories; left out of hover, so clicks reach the territory beneath."""
    return dict(type="choropleth",
        geojson=departements, featureidkey="properties.code", locations=codes, z=np.zeros(len(codes)),
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"color": BORDER_COLOR, "width": 0.5}}, hoverinfo="skip", name="Départements", **extra,
    )


def territory_map(
    geojson: dict | str,
    territories: pd.DataFrame,
    metric: Metrique,
    phase: int,
    departements: dict | str,
    departement_codes: list[str],
    insets: list[dict],
    selected: str | None = None,
    title: str = "",
    subtitle: str = "",
    source: str = "",
) -> go.Figure:
    """Choropleth of the territories of one phase coloured by `metric`, département borders on top.

    `territories` holds ti_id, nom, region_nom, departements_noms, the metric's column and optionally `detail`.
    `geojson` and `departements` are FeatureCollections (exports) or their URLs (the page: the browser
    fetches and caches them once, each rerun then sends only ids and values).
    """
    territories = territories.reset_index(drop=True)
    values = territories[metric.key].astype(float)
    if metric.unite == "%":
        values = values * 100
    customdata, hover = _territory_hover(territories, metric)
    missing = _missing_traces(geojson, territories, values, "ti_id")
    colours = {"z": values, "colorscale": COLORSCALE, "colorbar": _colorbar(metric, values)}
    legend, keys = {"orientation": "h", "x": 0, "y": -0.02}, []
    if metric.classes and (values > 0).sum() >= CLASSES_MIN:
        colours, keys = _classed(values, metric)
        legend = {**legend, "title": {"text": wrap(f"{metric.titre_legende} — {CLASSES_METHOD}", 90),
                                      "side": "top"}}
    fig = _map_figure([
        *missing,
        dict(type="choropleth",
            geojson=geojson, featureidkey="properties.ti_id", locations=territories["ti_id"], **colours,
            marker={"line": {"color": "white", "width": 0.6}},
            customdata=customdata, hovertemplate=hover, name="Territoires", showlegend=False,
        ),
        *keys,
        _departement_outlines(departements, departement_codes),
        *_finish_traces(geojson, territories, selected, customdata, hover, insets),
    ], **({"legend": legend} if missing or keys else {}))
    return _layout(fig, title or f"{metric.libelle} des Territoires d'industrie",
                   subtitle or f"{PHASES[phase]}, {len(territories)} territoires",
                   source, height=MAP_HEIGHT, bottom=190)


# The classes of a rate map (relance.lectures.classes, one definition): their colours, zero apart in a pale grey,
# an outlier apart in a colour of its own.
CLASS_COLORS = {0: "#efe6d8", 1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b", 5: "#7a0177"}
CLASSES_METHOD = ("classes : zéro à part, puis les quarts des territoires qui en comptent, une valeur extrême "
                  f"(au-delà du 3e quartile + {fmt.nombre(lectures.OUTLIER_IQR)} écarts interquartiles) à part")


def _classed(values: pd.Series, metric: Metrique) -> tuple[dict, list[dict]]:
    """A rate drawn in classes (zero, the four quarters of the non-zero values, an outlier): the choropleth's colours
    by class, and one legend key per class present, with its bounds (`plus de 0,85 à 1,40`)."""
    found = lectures.classes(values)
    classes = values.map(lambda v: found.classe(v) if v == v else None)
    present = sorted({int(k) for k in classes.dropna()})
    nonzero = values[values > 0]
    low = float(nonzero.min()) if len(nonzero) else 0.0

    def bound(v: float) -> str:
        return fmt.nombre(v, metric.decimales)

    def label(k: int) -> str:
        if k == 0:
            return "0"
        if k == 5:
            return f"plus de {bound(found.seuil_extreme)} (valeur extrême)"
        top = found.bornes[k - 1]
        return f"{bound(low)} à {bound(top)}" if k == 1 else f"plus de {bound(found.bornes[k - 2])} à {bound(top)}"

    position = {k: i for i, k in enumerate(present)}
    steps = max(len(present), 1)
    scale = []
    for i, k in enumerate(present):
        scale += [[i / steps, CLASS_COLORS[k]], [(i + 1) / steps, CLASS_COLORS[k]]]
    z = classes.map(lambda k: None if k is None or k != k else position[int(k)] + 0.5)
    colours = {"z": z.astype(float), "zmin": 0, "zmax": steps, "colorscale": scale or COLORSCALE,
               "showscale": False}
    keys = [dict(type="scattergeo", lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
                 name=label(k), marker={"symbol": "square", "size": 13, "color": CLASS_COLORS[k],
                                        "line": {"color": "#777", "width": 0.5}})
            for k in present]
    return colours, keys


SYMBOL_MAX = 34  # px: diameter of the largest territory's circle


def _symbol_sizes(values: np.ndarray, largest: float) -> np.ndarray:
    """Circle diameters whose areas are proportional to the counts (a count is not a colour area)."""
    return np.sqrt(np.clip(values, 0, None) / largest) * SYMBOL_MAX if largest > 0 else values * 0


def _round_steps(largest: float) -> list[int]:
    """Two or three round counts for the size legend, the largest close to the maximum."""
    if largest <= 0:
        return []
    magnitude = 10 ** math.floor(math.log10(largest))
    top = max(1, int(largest // magnitude * magnitude))
    return sorted({v for v in (max(1, top // 10), max(1, top // 3), top) if v > 0})


def territory_symbols(
    geojson: dict | str,
    territories: pd.DataFrame,
    metric: Metrique,
    phase: int,
    departements: dict | str,
    departement_codes: list[str],
    insets: list[dict],
    selected: str | None = None,
    title: str = "",
    subtitle: str = "",
    source: str = "",
) -> go.Figure:
    """The territories of one phase in a neutral tint, each with a circle whose area is its count of `metric`
    (drawn at `centre_lon`, `centre_lat`); hover and click go to the territory under the circle."""
    territories = territories.reset_index(drop=True)
    customdata, hover = _territory_hover(territories, metric)
    values = territories[metric.key].fillna(0).to_numpy(dtype=float)
    largest = float(values.max()) if len(values) else 0.0
    shown = values > 0
    steps = _round_steps(largest)
    fig = _map_figure([
        dict(type="choropleth",
            geojson=geojson, featureidkey="properties.ti_id", locations=territories["ti_id"],
            z=np.zeros(len(territories)), colorscale=[[0, "#dfe8f3"], [1, "#dfe8f3"]], showscale=False,
            marker={"line": {"color": "white", "width": 0.6}}, customdata=customdata, hovertemplate=hover,
            name="Territoires", showlegend=False,
        ),
        _departement_outlines(departements, departement_codes, showlegend=False),
        dict(type="scattergeo",
            lon=territories["centre_lon"].to_numpy()[shown], lat=territories["centre_lat"].to_numpy()[shown],
            mode="markers", hoverinfo="skip", showlegend=False,
            marker={"size": _symbol_sizes(values[shown], largest), "sizemode": "diameter", "color": "#08519c",
                    "opacity": 0.75, "line": {"color": "white", "width": 0.8}},
            name=metric.libelle,
        ),
        *[dict(type="scattergeo",
            lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
            name=f"{fmt.nombre(step)} {metric.unite}",
            marker={"size": float(size), "color": "#08519c", "opacity": 0.75,
                    "line": {"color": "white", "width": 0.8}},
        ) for step, size in zip(steps, _symbol_sizes(np.array(steps, dtype=float), largest), strict=True)],
        *_finish_traces(geojson, territories, selected, customdata, hover, insets),
    ], legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.02, "itemsizing": "trace",
               "title": {"text": f"{metric.legende or metric.libelle} (surface des cercles)", "side": "top"}})
    return _layout(fig, title or f"{metric.libelle} des Territoires d'industrie",
                   subtitle or f"{PHASES[phase]}, {len(territories)} territoires", source, height=MAP_HEIGHT,
                   bottom=190)


MEMBERS_NAMED = 12  # members named on the members' map (the most populous, as in the fiche's table); others by hover
PHONE_MEMBERS_NAMED = 6  # on a phone's narrower map
MEMBER_FILL = "#eef3fa"
MEMBER_LINE = "#6a7f99"
MEMBER_WIDTH = 740  # px: the members' map drawing's width in an export (760 px less the margins)
MEMBER_HEIGHTS = (240, 400)  # px: its drawing's height, from a wide territory to a tall one (≤ 16 cm printed)
PHONE_MEMBER_WIDTH = 340  # px: the same on a 390-px phone, where a tall territory may take more height
PHONE_MEMBER_HEIGHTS = (220, 440)
MEMBER_MARGIN = 0.06  # of the members' extent, on each side
LABEL_PAD = 10  # px around a name, kept clear of the others when there is room
LABEL_POSITIONS = ("bottom center", "top center", "middle right", "middle left", "bottom right", "top right",
                   "bottom left", "top left")


def _extent(geojson: dict) -> tuple[float, float, float, float]:
    """West, south, east, north of a FeatureCollection of polygons."""
    points = np.concatenate([np.asarray(ring, dtype=float).reshape(-1, 2)
                             for feature in geojson["features"]
                             for polygon in (feature["geometry"]["coordinates"]
                                             if feature["geometry"]["type"] == "MultiPolygon"
                                             else [feature["geometry"]["coordinates"]])
                             for ring in polygon])
    return (*points.min(axis=0), *points.max(axis=0))


def _mercator_y(lat):
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def _members_frame(extent: tuple[float, float, float, float], drawing: int = MEMBER_WIDTH,
                   heights: tuple[int, int] = MEMBER_HEIGHTS) -> tuple[dict, int, float]:
    """The members' map frame: the extent with a margin, widened in one direction so that it fills a drawing
    `drawing` px wide and between `heights` tall (plotly keeps a map's proportions: a frame of other proportions
    leaves blank bands); its axes, the drawing's height and its pixels per radian of longitude."""
    west, south, east, north = extent
    dx, dy = max(east - west, 0.01), max(north - south, 0.01)
    west, east, south, north = west - dx * MEMBER_MARGIN, east + dx * MEMBER_MARGIN, south - dy * MEMBER_MARGIN, \
        north + dy * MEMBER_MARGIN
    width = np.radians(east - west)
    height = float(_mercator_y(north) - _mercator_y(south))
    drawn = int(min(max(drawing * height / width, heights[0]), heights[1]))
    wanted = drawn / drawing
    if height / width > wanted:  # tall: widen the longitudes
        extra = np.degrees(height / wanted - width) / 2
        west, east = west - extra, east + extra
    else:  # wide: heighten the latitudes, around the middle (in Mercator's y)
        middle, half = (_mercator_y(north) + _mercator_y(south)) / 2, width * wanted / 2
        south, north = (float(np.degrees(2 * np.arctan(np.exp(v)) - np.pi / 2)) for v in (middle - half,
                                                                                           middle + half))
    geo = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "white",
           "lonaxis": {"range": [west, east]}, "lataxis": {"range": [south, north]},
           "center": {"lon": (west + east) / 2, "lat": (south + north) / 2}}
    return geo, drawn, drawing / np.radians(east - west)


def _label_positions(lon: np.ndarray, lat: np.ndarray, sizes: np.ndarray, labels: list[str], scale: float,
                     geo: dict | None = None) -> list[str | None]:
    """Where each name goes around its circle (under it, else above, right, left or at a corner): the first place
    that overlaps no name already placed nor another circle and stays inside the frame (`geo`'s axes), with room
    around it, in the order given (the most populous first), else the place that does least of either; None when
    even that place would cover a name already placed, a circle or the frame's edge (the name is then left out: the
    hover and the table give it). `scale`: the drawing's pixels per radian (Mercator); the boxes are estimated
    a little wide (Arial 12 px: 6,2 px a character, 15 px a line; Chromium draws 5,8 to 6 px and 14,8 px)."""
    x, y = np.radians(lon) * scale, -_mercator_y(lat) * scale
    inside = None
    if geo is not None:
        (west, east), (south, north) = geo["lonaxis"]["range"], geo["lataxis"]["range"]
        inside = (np.radians(west) * scale, -_mercator_y(north) * scale, np.radians(east) * scale,
                  -_mercator_y(south) * scale)
    circles = [(x[i] - sizes[i] / 2, y[i] - sizes[i] / 2, x[i] + sizes[i] / 2, y[i] + sizes[i] / 2)
               for i in range(len(lon))]
    placed: list[tuple[float, float, float, float]] = []
    tight: list[tuple[float, float, float, float]] = []  # the names placed, without their room
    out: list[str | None] = []

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    for i, label in enumerate(labels):
        if not label:
            out.append(None)
            continue
        lines = label.split("<br>")
        width = 6.2 * max(len(re.sub("<[^>]+>", "", line)) for line in lines) + LABEL_PAD
        height = 15.0 * len(lines) + LABEL_PAD
        gap = sizes[i] / 2 + 3
        boxes = {
            "bottom center": (x[i] - width / 2, y[i] + gap, x[i] + width / 2, y[i] + gap + height),
            "top center": (x[i] - width / 2, y[i] - gap - height, x[i] + width / 2, y[i] - gap),
            "middle right": (x[i] + gap, y[i] - height / 2, x[i] + gap + width, y[i] + height / 2),
            "middle left": (x[i] - gap - width, y[i] - height / 2, x[i] - gap, y[i] + height / 2),
            "bottom right": (x[i] + gap / 2, y[i] + gap / 2, x[i] + gap / 2 + width, y[i] + gap / 2 + height),
            "top right": (x[i] + gap / 2, y[i] - gap / 2 - height, x[i] + gap / 2 + width, y[i] - gap / 2),
            "bottom left": (x[i] - gap / 2 - width, y[i] + gap / 2, x[i] - gap / 2, y[i] + gap / 2 + height),
            "top left": (x[i] - gap / 2 - width, y[i] - gap / 2 - height, x[i] - gap / 2, y[i] - gap / 2),
        }
        others = placed + [c for j, c in enumerate(circles) if j != i]
        cost = {p: sum(overlap(boxes[p], o) for o in others) for p in LABEL_POSITIONS}
        if inside is not None:  # what would fall outside the drawing counts as covering
            cost = {p: c + (boxes[p][2] - boxes[p][0]) * (boxes[p][3] - boxes[p][1]) - overlap(boxes[p], inside)
                    for p, c in cost.items()}
        best = min(LABEL_POSITIONS, key=lambda p: (cost[p], LABEL_POSITIONS.index(p)))
        pad = LABEL_PAD / 2
        box = (boxes[best][0] + pad, boxes[best][1] + pad, boxes[best][2] - pad, boxes[best][3] - pad)
        if cost[best] and (any(overlap(box, o) for o in tight + [c for j, c in enumerate(circles) if j != i])
                           or (inside is not None and overlap(box, inside) < (box[2] - box[0]) * (box[3] - box[1]))):
            out.append(None)  # no place left for it: its hover and the table name it
            continue
        placed.append(boxes[best])
        tight.append(box)
        out.append(best)
    return out


MEMBERS_MAP_WHAT = "un cercle par membre, sa surface proportionnelle à ses lauréats"  # the map in a few words


def _names_note(named: int, members: int) -> str:
    """What the members' map says of the names it leaves out."""
    if named == members:
        return ""
    if named == 0:
        return "Aucun nom n'y tient sans en couvrir un autre : les membres sont au survol et dans le tableau."
    return (f"Noms écrits pour {fmt.compte(named, 'membre')} sur {fmt.nombre(members)} (les plus peuplés, sans "
            "qu'un nom en couvre un autre) ; les autres au survol et dans le tableau.")


def members_map(geojson: dict, members: pd.DataFrame, title: str, subtitle: str, source: str,
                note: str = "", bare: bool = False) -> go.Figure:
    """The members of one territory (their contours, `properties.siren`), each with a circle whose area is its count
    of laureates and its name and count beside it (the `MEMBERS_NAMED` most populous, `PHONE_MEMBERS_NAMED` on a
    phone, each where it covers no other name: `_label_positions`; the others in their hover and the table, said
    under the map), framed on the territory. `bare`: the drawing alone, without title nor source (the fiche's PDF
    and Word file set it under their own heading, its source written under it).

    `members` holds siren, membre, type, population, laureats, taux (per 10 000 inhabitants), detail (the count by
    priority, as text), centre_lon, centre_lat."""
    members = members.sort_values("population", ascending=False, na_position="last").reset_index(drop=True)
    values = members["laureats"].fillna(0).to_numpy(dtype=float)
    largest = float(values.max()) if len(values) else 0.0
    counts = [fmt.compte(int(v), "lauréat") for v in values]
    rates = [fmt.nombre(r, 2) + " pour 10\u00a0000 habitants" if not fmt.absent(r) else "population inconnue"
             for r in members["taux"].astype(float)]
    customdata = _rows(members["membre"].map(escape_html), members["type"].fillna(""),
                       [fmt.nombre(v) for v in members["population"].astype(float)], counts, rates,
                       members["detail"].fillna(""))
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]} habitants<br>%{customdata[3]}, "
             "%{customdata[4]}%{customdata[5]}<extra></extra>")
    named = np.arange(len(members)) < MEMBERS_NAMED
    labels = [f"{wrap(escape_html(m), 24)}<br><b>{c}</b>" if keep else ""
              for m, c, keep in zip(members["membre"], counts, named, strict=True)]
    sizes = _symbol_sizes(values, largest)
    lon, lat = members["centre_lon"].to_numpy(dtype=float), members["centre_lat"].to_numpy(dtype=float)
    extent = _extent(geojson)
    geo, drawn, scale = _members_frame(extent)
    positions = _label_positions(lon, lat, sizes, labels, scale, geo)
    labels = [label if place else "" for label, place in zip(labels, positions, strict=True)]
    names = _names_note(sum(bool(label) for label in labels), len(members))
    # a phone's frame and names' places, which for_phone applies (its circles are PHONE_SYMBOLS smaller)
    phone_geo, phone_drawn, phone_scale = _members_frame(extent, PHONE_MEMBER_WIDTH, PHONE_MEMBER_HEIGHTS)
    phone_labels = [label if i < PHONE_MEMBERS_NAMED else "" for i, label in enumerate(labels)]
    phone_positions = _label_positions(lon, lat, sizes * PHONE_SYMBOLS, phone_labels, phone_scale, phone_geo)
    phone_labels = [label if place else "" for label, place in zip(phone_labels, phone_positions, strict=True)]
    def with_notes(*notes: str) -> str:
        return source + "".join(f"<br>{n}" for n in notes if n)

    phone = {"geo": {k: phone_geo[k] for k in ("lonaxis", "lataxis", "center")}, "hauteur": phone_drawn,
             "texte": phone_labels, "textposition": [p or "bottom center" for p in phone_positions],
             "source": with_notes(note, _names_note(sum(bool(label) for label in phone_labels), len(members)))}
    positions = [p or "bottom center" for p in positions]
    traces = [
        dict(type="choropleth",
            geojson=geojson, featureidkey="properties.siren", locations=members["siren"], z=np.zeros(len(members)),
            colorscale=[[0, MEMBER_FILL], [1, MEMBER_FILL]], showscale=False,
            marker={"line": {"color": MEMBER_LINE, "width": 1.2}}, customdata=customdata, hovertemplate=hover,
            name="Membres", showlegend=False,
        ),
        dict(type="scattergeo",
            lon=lon, lat=lat, mode="markers+text", text=labels, textposition=positions,
            textfont={"size": 12, "color": "#222"}, showlegend=False, customdata=customdata, hovertemplate=hover,
            marker={"size": sizes, "sizemode": "diameter", "color": "#08519c", "opacity": 0.75,
                    "line": {"color": "white", "width": 0.8}},
            name="Lauréats",
        ),
    ]
    fig = compat.plotly_unchecked(traces, {
        "geo": geo, "showlegend": False,
        "meta": {"alt": f"{title} : carte des membres, {MEMBERS_MAP_WHAT}",
                 "telephone": phone, "noms": names}})
    if bare:
        fig.layout.margin = {"l": 10, "r": 10, "t": 0, "b": 0}
        fig.layout.font = {"family": FONT, "size": 13, "color": "#222"}
        fig.layout.paper_bgcolor = "white"
        return fit_size(fig, None, drawn)
    fig = _layout(fig, title, f"{subtitle} · surface des cercles proportionnelle aux lauréats", with_notes(note, names),
                  height=400, bottom=120)
    margin = fig.layout.margin
    return fit_size(fig, None, int(drawn + margin.t + margin.b))


def departement_map(
    departements_geojson: dict | str,
    departements: pd.DataFrame,
    metric: Metrique,
    phase: int,
    territories_geojson: dict | str,
    territories: pd.DataFrame,
    insets: list[dict],
    selected: str | None = None,
    title: str = "",
    subtitle: str = "",
    source: str = "",
) -> go.Figure:
    """Départements coloured by their value, with the territories of the phase outlined on top.

    `departements` holds code, nom and the metric's column (and taux_10000); `territories` ti_id, nom.
    """
    departements = departements.reset_index(drop=True)
    dep_values = [fmt.unite(v, metric.unite, metric.decimales) for v in departements[metric.key]]
    rates = [fmt.nombre(v, 1) for v in departements["taux_10000"]]
    territories = territories.reset_index(drop=True)
    customdata = _rows(territories["nom"], territories["ti_id"])
    hover = "<b>%{customdata[0]}</b> (%{customdata[1]})<br>Territoire d'industrie<extra></extra>"
    fig = _map_figure([
        dict(type="choropleth",
            geojson=departements_geojson, featureidkey="properties.code", locations=departements["code"],
            z=departements[metric.key].astype(float), colorscale=COLORSCALE,
            marker={"line": {"color": "white", "width": 0.5}},
            colorbar=_colorbar(metric, departements[metric.key].astype(float)),
            customdata=_rows(departements["nom"], departements["code"], dep_values, rates),
            hovertemplate=("<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + metric.libelle
                           + " : %{customdata[2]}<br>soit %{customdata[3]} pour 10 000 habitants<extra></extra>"),
            name="Départements",
        ),
        dict(type="choropleth",
            geojson=territories_geojson, featureidkey="properties.ti_id", locations=territories["ti_id"],
            z=np.zeros(len(territories)), colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False, marker={"line": {"color": "#111", "width": 0.8}}, customdata=customdata,
            hovertemplate=hover, name="Territoires",
        ),
        *_finish_traces(territories_geojson, territories, selected, customdata, hover, insets),
    ])
    return _layout(fig, title or f"{metric.libelle} par département",
                   subtitle or f"Territoires d'industrie {PHASES[phase].lower()} en contour",
                   source, height=MAP_HEIGHT, bottom=190)


def _campaigns(dates: pd.Series, values: pd.Series, restart_month: int | None):
    """x and y with a gap before each campaign restart, so that a counter that starts again is not drawn as a
    fall."""
    if restart_month is None:
        return list(dates), list(values)
    xs, ys = [], []
    for date, value in zip(dates, values, strict=True):
        if xs and pd.Timestamp(date).month == restart_month:
            xs.append(None)
            ys.append(None)
        xs.append(date)
        ys.append(value)
    return xs, ys


def series_chart(series: pd.DataFrame, libelle: str, unite: str, territory: str, source: str,
                 subtitle: str = "", nature: str = "cumul", restart_month: int | None = None) -> go.Figure:
    """Rate per 10,000 inhabitants of the territory (its départements) against its région and France, all three
    from département values, and the published national value beside them. Each nature is drawn as it is: a
    running total or a stock as lines (a fall in a running total marked as a revision), annual values as points,
    a campaign counter as one line per campaign."""
    fig = go.Figure()
    region = f"Région {series['region_nom'].iloc[0]}" if len(series) else "Région"
    styles = [("taux_territoire", f"{territory} (ses départements)", SELECTION_COLOR, "solid", 2.4),
              ("taux_region", f"{region} (ses départements)", "#6a6a6a", "dash", 1.6),
              ("taux_france", "France (somme des départements)", "#111111", "dot", 1.8),
              ("taux_france_publie", "France, valeur nationale publiée", "#9e9e9e", "dashdot", 1.2)]
    annual = nature == "annuel"
    for column, name, color, dash, width in styles:
        if column not in series or series[column].isna().all():
            continue
        xs, ys = _campaigns(series["date"], series[column], restart_month if nature == "campagne" else None)
        texts = [fmt.nombre(v, 2) if v is not None and v == v else "" for v in ys]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, name=name, mode="markers+text" if annual and column == "taux_territoire" else
            "markers" if annual else "lines", connectgaps=False,
            line={"color": color, "dash": dash, "width": width},
            marker={"color": color, "size": 11 if column == "taux_territoire" else 8,
                    "symbol": {"taux_territoire": "circle", "taux_region": "square", "taux_france": "diamond"}
                    .get(column, "x")},
            text=texts if annual and column == "taux_territoire" else None, textposition="top center",
            customdata=texts, hovertemplate="%{x|%m/%Y} : %{customdata}<extra>" + escape_html(name) + "</extra>",
        ))
    if nature == "cumul" and len(series) > 1:
        falls = series[series["taux_territoire"].diff() < -1e-12]
        if len(falls):
            fig.add_trace(go.Scatter(
                x=falls["date"], y=falls["taux_territoire"], mode="markers", name="Révision à la baisse de la série",
                marker={"symbol": "triangle-down", "size": 12, "color": "white",
                        "line": {"color": SELECTION_COLOR, "width": 2}},
                hovertemplate="%{x|%m/%Y} : série révisée à la baisse (un cumul ne diminue pas : c'est une "
                              "révision, pas un retrait)<extra></extra>",
            ))
    # The axis says the unit only (the title says what is counted): a long axis title outgrows the plot.
    fig.update_yaxes(title="pour 10 000 habitants", tickformat=",.2f", rangemode="tozero",
                     gridcolor="#e5e5e5")
    fig.update_xaxes(tickformat="%Y" if annual else "%m/%Y", dtick="M12" if annual else None, gridcolor="#f0f0f0")
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "x": 0}, hovermode="x unified")
    _layout(fig, libelle, subtitle or "Pour 10 000 habitants", source, height=520, left=60, right=20, bottom=110)
    return fig


def comparison_chart(data: pd.DataFrame, libelle: str, unite: str, source: str, subtitle: str = "") -> go.Figure:
    """Several territories over time: per 10,000 inhabitants (left) and estimated count (right), shared scales."""
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
    palette = ["#08306b", "#d62728", "#2ca02c", "#ff7f0e", "#6a3d9a", "#8c564b"]
    traces = []
    for index, (ti_id, group) in enumerate(data.groupby("ti_id", sort=True)):
        name = f"{group['nom'].iloc[0]} ({ti_id})"
        style = {"color": palette[index % 6], "dash": dashes[index % 6], "width": 2}
        traces.append(go.Scatter(x=group["date"], y=group["taux_10000"], name=name, legendgroup=ti_id, line=style,
                                 customdata=[fmt.nombre(v, 2) for v in group["taux_10000"]],
                                 hovertemplate="%{x|%m/%Y} : %{customdata}<extra>" + name + "</extra>"))
        traces.append(go.Scatter(x=group["date"], y=group["estimation"], name=name, legendgroup=ti_id, line=style,
                                 showlegend=False, xaxis="x2", yaxis="y2",
                                 customdata=["≈\u00a0" + fmt.nombre(round(v)) for v in group["estimation"]],
                                 hovertemplate="%{x|%m/%Y} : %{customdata} (estimation)<extra>" + name + "</extra>"))
    axis = {"tickformat": ",.1f", "rangemode": "tozero", "gridcolor": "#e5e5e5"}
    fig = go.Figure(traces, layout={
        "xaxis": {"domain": [0, 0.45], "tickformat": "%m/%Y"},
        "xaxis2": {"domain": [0.55, 1], "tickformat": "%m/%Y", "anchor": "y2"},
        "yaxis": axis, "yaxis2": {**axis, "anchor": "x2"},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
    })
    _layout(fig, libelle, subtitle, source, height=480, left=50, right=20, bottom=140, extra_top=28)
    for x, text in ((0.225, "Pour 10\u00a0000 habitants"), (0.775, f"Valeur estimée ({unite}) — estimation")):
        fig.add_annotation(text=text, x=x, y=1.02, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                           showarrow=False, font={"size": 14})
    return fig


def _rate_axis(unite: str) -> str:
    """A rate's vertical axis title, short enough to fit beside the plot (the chart's title names the indicator)."""
    return f"Pour 10\u00a0000 habitants ({unite})" if len(unite) <= 14 else "Pour 10\u00a0000 habitants"


def terciles_chart(groups: pd.DataFrame, libelle: str, unite: str, phase: int, source: str,
                   subtitle: str = "") -> go.Figure:
    """Rate per 10,000 inhabitants in the three groups of départements by their share of population in a territory."""
    labels = [f"{row.libelle_groupe}<br>{fmt.pourcent(row.part_min, 0)} à {fmt.pourcent(row.part_max, 0)} en TI"
              for row in groups.itertuples()]
    texts = [fmt.nombre(v, 2) for v in groups["taux_10000"]]
    details = [f"{fmt.compte(row.nb_departements, 'département')}, {fmt.compte(row.population, 'habitant')}"
               for row in groups.itertuples()]
    fig = go.Figure(go.Bar(
        x=labels, y=groups["taux_10000"], text=texts, textposition="outside", customdata=details,
        marker={"color": ["#c6dbef", "#6baed6", "#08519c"], "line": {"color": "#333", "width": 1}},
        marker_pattern_shape=["", "/", "x"],
        hovertemplate="%{x}<br>%{customdata}<br>%{text} pour 10\u00a0000 habitants<extra></extra>",
    ))
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title=_rate_axis(unite), tickformat=",.1f", rangemode="tozero",
                     gridcolor="#e5e5e5")
    _layout(fig, libelle, subtitle or f"Départements par part de leur population dans un territoire "
            f"{PHASES[phase].lower()}", source, height=470, width=55, left=60, right=20, bottom=120)
    return fig


def coverage_scatter(departements: pd.DataFrame, libelle: str, unite: str, phase: int, source: str,
                     subtitle: str = "") -> go.Figure:
    """Each département: share of its population in a territory (x) against the indicator's rate (y)."""
    fig = go.Figure(go.Scatter(
        x=departements["part_ti"] * 100, y=departements["taux_10000"], mode="markers",
        marker={"size": 8, "color": "#08519c", "line": {"color": "white", "width": 0.5}},
        customdata=_rows(departements["nom"], departements["code"],
                         [fmt.pourcent(v, 0) for v in departements["part_ti"]],
                         [fmt.nombre(v, 2) for v in departements["taux_10000"]]),
        hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>Population en TI : %{customdata[2]}<br>"
                      "%{customdata[3]} pour 10 000 habitants<extra></extra>",
    ))
    fig.update_xaxes(title=f"Part de la population dans un territoire {PHASES[phase].lower()} (%)",
                     ticksuffix=" %", range=[-2, 102], gridcolor="#eee")
    fig.update_yaxes(title=_rate_axis(unite), tickformat=",.1f", gridcolor="#eee",
                     rangemode="tozero")
    _layout(fig, libelle, f"Chaque point est un département · {subtitle}" if subtitle else
            "Chaque point est un département", source, height=480, width=55, left=60, right=20, bottom=140)
    return fig


def locator_map(departements: dict | str, departement_codes: list[str], territory: dict | str, ti_id: str,
                nom: str, insets: list[dict]) -> go.Figure:
    """A small map of France with one territory in red, to locate it."""
    return _map_figure([
        dict(type="choropleth",
            geojson=departements, featureidkey="properties.code", locations=departement_codes,
            z=np.zeros(len(departement_codes)), colorscale=[[0, "#f2f2f2"], [1, "#f2f2f2"]], showscale=False,
            marker={"line": {"color": "#9a9a9a", "width": 0.4}}, hoverinfo="skip", name="Départements",
        ),
        dict(type="choropleth",
            geojson=territory, featureidkey="properties.ti_id", locations=[ti_id], z=[1],
            colorscale=[[0, SELECTION_COLOR], [1, SELECTION_COLOR]], showscale=False,
            marker={"line": {"color": SELECTION_COLOR, "width": 1}}, hovertemplate=f"{nom}<extra></extra>",
            name=nom,
        ),
        *_insets_traces(insets, labels=False),
    ], height=170, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, paper_bgcolor="white",
        font={"family": FONT},
        meta={"alt": f"Carte de situation : {nom} en rouge sur la carte des départements de France"})


def friches_chart(regions: pd.DataFrame, source: str) -> go.Figure:
    """France Relance Fonds friches laureates by région: those the Cerema locates in a commune (placed in the
    territories) and those it does not (in no territory), stacked; the 2023 Fonds vert is never drawn with them."""
    frame = regions.sort_values("laureats")
    fig = go.Figure()
    for column, label, color, pattern in (
            ("laureats_situes", "Situées dans une commune (placées dans les territoires)", "#08519c", ""),
            ("laureats_non_situes", "Sans site : dans aucun territoire", "#bdbdbd", "x")):
        values = frame[column].astype(float)
        fig.add_trace(go.Bar(
            y=frame["region_nom"].map(escape_html), x=values, name=label, orientation="h",
            marker={"color": color, "pattern_shape": pattern, "line": {"color": "#333", "width": 0.5}},
            customdata=[fmt.nombre(v) for v in values],
            hovertemplate="%{y} : %{customdata} lauréates<extra>" + label + "</extra>",
        ))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.12, "x": 0})
    top = float(frame["laureats"].max()) if len(frame) else 1.0
    fig.update_xaxes(title="Lauréates France Relance (drapeau laureat_fv)", tickformat=",d", tick0=0,
                     dtick=integer_step(top), gridcolor="#e5e5e5")
    _layout(fig, "Fonds friches (France Relance) : lauréates par région, situées ou non",
            "Trois éditions France Relance ; région de la candidature ; le Fonds vert 2023 n'est pas dessiné", source,
            height=640, left=190, right=20, bottom=130)
    return fig


def coverage_summary_chart(summary: pd.DataFrame, phase: int, source: str, subtitle: str = "") -> go.Figure:
    """Every indicator at once: rate of each tercile of départements as an index (all départements = 100)."""
    fig = go.Figure()
    styles = {1: ("#c6dbef", ""), 2: ("#6baed6", "/"), 3: ("#08519c", "x")}
    for group, rows in summary.groupby("groupe", sort=True):
        color, pattern = styles[int(group)]
        fig.add_trace(go.Bar(
            y=rows["indicateur"], x=rows["indice"], orientation="h", name=rows["libelle_groupe"].iloc[0],
            marker={"color": color, "pattern_shape": pattern, "line": {"color": "#333", "width": 0.6}},
            text=[fmt.nombre(v, 0) for v in rows["indice"]], textposition="outside", cliponaxis=False,
            customdata=[fmt.nombre(v, 2) for v in rows["taux_10000"]],
            hovertemplate="%{y}<br>Indice %{text} (%{customdata} pour 10\u00a0000 habitants)<extra>"
                          + rows["libelle_groupe"].iloc[0] + "</extra>",
        ))
    fig.add_vline(x=100, line={"color": "#111", "dash": "dot", "width": 1})
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.12, "x": 0})
    # Room past the longest bar for its value, at any width (a phone's plot is a third of a note's).
    top = float(summary["indice"].max()) if len(summary) else 100.0
    fig.update_xaxes(title="Indice : taux du groupe / taux de l'ensemble des départements × 100", gridcolor="#eee",
                     range=[0, max(top, 100) * 1.18])
    fig.update_yaxes(autorange="reversed")
    _layout(fig, SUMMARY_TITLE,
            subtitle or f"Départements en trois tiers selon la part de leur population dans un territoire "
            f"{PHASES[phase].lower()}", source, height=200 + 70 * summary["indicateur"].nunique(), left=300,
            right=40, bottom=160)
    return fig


UNCLASSED = Priorite("non classée", "Mesure non classée", "", "#969696", ".", "x")


def _style(priorites: list[Priorite], code: str | None) -> Priorite:
    """How a priority is drawn (the reviewed table), unclassed projects in grey."""
    return next((p for p in priorites if p.code == code), UNCLASSED)


def projects_map(points: pd.DataFrame, territories_geojson: dict | str, territories: pd.DataFrame,
                 insets: list[dict], priorites: list[Priorite], selected: str | None, subtitle: str,
                 source: str) -> go.Figure:
    """Projects as points (shape and colour by priority) over the territory outlines of the phase."""
    traces = [dict(type="choropleth",
        geojson=territories_geojson, featureidkey="properties.ti_id", locations=territories["ti_id"],
        z=np.zeros(len(territories)), colorscale=[[0, "#eef3fa"], [1, "#eef3fa"]], showscale=False,
        marker={"line": {"color": "#6a7f99", "width": 0.6}}, name="Territoires",
        customdata=_rows(territories["nom"], territories["ti_id"]),
        hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<extra></extra>",
    )]
    codes = points["priorite"].fillna(UNCLASSED.code) if len(points) else pd.Series(dtype=str)
    for style in [*priorites, UNCLASSED]:
        group = points[codes == style.code]
        if group.empty:
            continue
        traces.append(dict(type="scattergeo",
            lon=group["x"], lat=group["y"], mode="markers", name=style.libelle,
            marker={"size": 8, "color": style.couleur, "symbol": style.symbole,
                    "line": {"color": "white", "width": 0.6}},
            customdata=_rows(group["entreprise"].fillna("").map(escape_html),
                             group["nom"].fillna("").str.slice(0, 80).map(escape_html),
                             group["commune_nom"].fillna("commune non décidée"),
                             group["ti_nom"].fillna("hors territoire"), group["confiance"],
                             group["position"].fillna("point publié") if "position" in group
                             else ["point publié"] * len(group)),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}"
                          "<br>Placement : %{customdata[4]} · %{customdata[5]}<extra></extra>",
        ))
    if selected is not None and selected in set(territories["ti_id"]):
        traces.append(_selected_trace(territories_geojson, selected, ("", selected), "%{location}<extra></extra>"))
    fig = _map_figure([*traces, *_insets_traces(insets)], legend={"orientation": "h", "y": -0.02, "x": 0})
    return _layout(fig, "Projets France Relance", subtitle, source, height=640, bottom=150)


def projects_count_chart(counts: pd.DataFrame, priorites: list[Priorite], subtitle: str, source: str) -> go.Figure:
    """Number of projects per measure, bars coloured (and patterned) by priority."""
    fig = go.Figure()
    for priority, group in counts.groupby("priorite", sort=False):
        style = _style(priorites, priority)
        fig.add_trace(go.Bar(
            y=group["mesure"].map(escape_html), x=group["projets"], orientation="h", name=style.libelle,
            marker={"color": style.couleur, "pattern_shape": style.motif, "line": {"color": "#333", "width": 0.5}},
            text=[fmt.nombre(v) for v in group["projets"]], textposition="outside", cliponaxis=False,
            hovertemplate="%{y} — lauréats : %{text}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.1, "x": 0})
    top = float(counts.groupby("mesure")["projets"].sum().max()) if len(counts) else 1.0
    fig.update_xaxes(title="Lauréats", tickformat=",d", tick0=0, dtick=integer_step(top), gridcolor="#e5e5e5")
    return _layout(fig, "Lauréats par mesure et priorité", subtitle, source,
                   height=220 + 38 * max(1, counts["mesure"].nunique()), left=330, right=30, bottom=140)


def integer_step(top: float) -> int:
    """A whole-number tick step giving about five ticks up to `top` (1, 2, 5, 10, 20, 50…)."""
    raw = max(1.0, top / 5)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


BAR_STYLES = [("#08519c", ""), ("#9ecae1", "/"), ("#e6550d", "x"), ("#31a354", ".")]


def count_bars(frame: pd.DataFrame, label: str, series: list[tuple[str, str]], title: str, subtitle: str,
               source: str, axis_title: str, horizontal: bool = True, decimals: int = 0,
               errors: dict[str, tuple[str, str]] | None = None, width: int = 70) -> go.Figure:
    """Bars of counts (or rates) per label, one bar per series (column, legend name), black-and-white readable
    (each series has its own pattern); integer ticks for counts; optional 95 % intervals per series
    (`errors[column] = (low column, high column)`)."""
    fig = go.Figure()
    labels = frame[label].astype(str).map(lambda t: wrap(escape_html(t), 38 if width < 60 else 60))
    for (column, name), (color, pattern) in zip(series, BAR_STYLES, strict=False):
        values = frame[column].astype(float)
        texts = [fmt.nombre(v, decimals) for v in values]
        error = None
        if errors and column in errors:
            low, high = errors[column]
            error = {"type": "data", "symmetric": False, "array": (frame[high] - values).tolist(),
                     "arrayminus": (values - frame[low]).tolist(), "color": "#333", "thickness": 1.2, "width": 4}
        bar = {"y": labels, "x": values, "orientation": "h"} if horizontal else {"x": labels, "y": values}
        fig.add_trace(go.Bar(
            **bar, name=name, text=texts, textposition="none" if error else "outside", cliponaxis=False,
            marker={"color": color, "pattern_shape": pattern, "line": {"color": "#333", "width": 0.6}},
            hovertemplate=("%{y}" if horizontal else "%{x}") + " : %{text}<extra>" + escape_html(name) + "</extra>",
            offsetgroup=column, alignmentgroup="barres",
            **({"error_x": error} if horizontal and error else {"error_y": error} if error else {}),
        ))
        if error:  # the value written past the interval's end, never across its whisker
            ends = frame[errors[column][1]].astype(float).fillna(values)
            end = {"y": labels, "x": ends, "orientation": "h"} if horizontal else {"x": labels, "y": ends}
            fig.add_trace(go.Scatter(
                **end, mode="text", text=texts, textposition="middle right" if horizontal else "top center",
                offsetgroup=column, alignmentgroup="barres", cliponaxis=False, showlegend=False, hoverinfo="skip"))
    value_axis = {"title": axis_title, "gridcolor": "#e5e5e5", "rangemode": "tozero",
                  "tickformat": ",d" if decimals == 0 else f",.{decimals}f"}
    if decimals == 0:  # counts: whole-number ticks only, never "0 1 1 2 2 3"
        top = max((float(frame[c].max()) for c, _ in series if len(frame)), default=1.0)
        value_axis.update(tick0=0, dtick=integer_step(top))
    if errors and len(frame):  # room for the values written past the intervals, each beside its own bar
        top = max(float(frame[high].max()) for _, high in errors.values())
        value_axis["range"] = [0, top * (1.12 if horizontal else 1.08)]
        fig.update_layout(scattermode="group")
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(autorange="reversed")
        lines = labels.str.count("<br>") + 1
        # Every bar at least about 16 px thick, whatever the number of series: its value stays legible.
        height = 290 + int(lines.sum()) * (10 + 16 * len(series))
        longest = max((len(part) for text in labels for part in text.split("<br>")), default=10)
        left = min(40 + 7 * longest, 300 if width >= 60 else 230)
    else:
        fig.update_yaxes(**value_axis)
        height, left = 420, 60
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15, "x": 0},
                      showlegend=len(series) > 1)
    return _layout(fig, title, subtitle, source, height=height, width=width, left=left, right=40, bottom=130)
