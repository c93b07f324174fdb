"""Pure chart builders: DataFrames in, plotly Figures out (titles, hover and source in French)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from relance import fmt
from relance.metrics import PHASES, Metric
from relance.sources import SOURCES

FONT = "Arial, Helvetica, sans-serif"
# Single-hue scale whose lightness rises steadily: it reads in black and white too.
COLORSCALE = "Blues"
SELECTION_COLOR = "#d62728"
BORDER_COLOR = "#4d4d4d"
FRANCE_LON = (-10.8, 9.8)  # degrees: metropolitan France and the overseas insets west of it
FRANCE_LAT = (41.0, 51.3)


def source_territoires(phase: int) -> str:
    """Source line of a territory map or table of one phase."""
    ti = SOURCES[f"ti_phase{phase}"]
    communes = SOURCES["communes"]
    return (f"Sources : {ti.editeur}, Territoires d'industrie {PHASES[phase].lower()}, {ti.millesime} ;<br>"
            f"{communes.editeur}, {communes.millesime} ; contours ANCT/IGN simplifiés.")


def _layout(fig: go.Figure, title: str, subtitle: str, source: str, height: int) -> go.Figure:
    """Title, subtitle and source drawn inside the figure, so an exported image stands alone."""
    fig.update_layout(
        title={"text": f"<b>{title}</b><br><span style='font-size:13px'>{subtitle}</span>", "x": 0.01,
               "xanchor": "left", "y": 0.98, "yanchor": "top"},
        font={"family": FONT, "size": 13, "color": "#222"},
        separators=fmt.PLOTLY_SEPARATORS,
        margin={"l": 10, "r": 10, "t": 70, "b": 120},
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        annotations=[{"text": source, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": -0.2,
                      "xanchor": "left", "yanchor": "top", "font": {"size": 10, "color": "#555"}}],
    )
    return fig


def territory_map(
    geojson: dict | str,
    territories: pd.DataFrame,
    metric: Metric,
    phase: int,
    departements: dict | str,
    departement_codes: list[str],
    insets: list[dict],
    selected: str | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Choropleth of the territories of one phase coloured by `metric`, département borders on top.

    `territories` holds ti_id, nom, region_nom, departements_noms and the metric's column.
    `geojson` and `departements` are FeatureCollections (exports) or their URLs (the page: the browser
    fetches and caches them once, each rerun then sends only ids and values).
    """
    values = territories[metric.key].astype(float)
    hover_values = [fmt.unite(v, metric.unite, metric.decimales) for v in values]
    customdata = list(zip(territories["nom"], territories["ti_id"], territories["region_nom"],
                          territories["departements_noms"], hover_values, strict=True))
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>Région : %{customdata[2]}<br>"
             "Département(s) : %{customdata[3]}<br>" + metric.libelle + " : %{customdata[4]}<extra></extra>")
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        geojson=geojson, featureidkey="properties.ti_id", locations=territories["ti_id"], z=values,
        colorscale=COLORSCALE, marker={"line": {"color": "white", "width": 0.6}},
        colorbar={"title": {"text": metric.titre_legende, "side": "top"}, "orientation": "h",
                  "thickness": 12, "len": 0.6, "x": 0.5, "xanchor": "center", "y": -0.02, "yanchor": "top",
                  "tickformat": ",.0f" if metric.decimales == 0 else ",.1f"},
        customdata=customdata, hovertemplate=hover, name="Territoires",
    ))
    # Département outlines over the territories; left out of hover, so clicks reach the territory beneath.
    fig.add_trace(go.Choropleth(
        geojson=departements, featureidkey="properties.code", locations=departement_codes,
        z=np.zeros(len(departement_codes)), colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        showscale=False, marker={"line": {"color": BORDER_COLOR, "width": 0.5}}, hoverinfo="skip",
        name="Départements",
    ))
    frame_lon, frame_lat = [], []
    for inset in insets:
        frame_lon += inset["lon"] + [None]
        frame_lat += inset["lat"] + [None]
    fig.add_trace(go.Scattergeo(
        lon=frame_lon, lat=frame_lat, mode="lines", line={"color": "#999", "width": 0.8}, hoverinfo="skip",
        showlegend=False, name="Encarts",
    ))
    fig.add_trace(go.Scattergeo(
        lon=[i["label_lon"] for i in insets], lat=[i["label_lat"] for i in insets], text=[i["label"] for i in insets],
        mode="text", textfont={"size": 10, "color": "#555"}, hoverinfo="skip", showlegend=False, name="Outre-mer",
    ))
    if selected is not None and selected in set(territories["ti_id"]):
        row = territories[territories["ti_id"] == selected]
        if isinstance(geojson, dict):  # only the selected feature, not the whole layer again
            geojson = {"type": "FeatureCollection",
                       "features": [f for f in geojson["features"] if f["properties"]["ti_id"] == selected]}
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.ti_id", locations=row["ti_id"], z=[1],
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker={"line": {"color": SELECTION_COLOR, "width": 2.5}},
            customdata=[customdata[int(row.index[0])]], hovertemplate=hover, name="Sélection",
        ))
    # A fixed frame (metropolitan France and the insets) fills the figure better than fitbounds.
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="white", lonaxis_range=list(FRANCE_LON),
                    lataxis_range=list(FRANCE_LAT))
    return _layout(fig, f"{metric.libelle} des Territoires d'industrie",
                   subtitle or f"{PHASES[phase]}, {len(territories)} territoires",
                   source_territoires(phase), height=620)
