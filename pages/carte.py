"""Carte: the Territoires d'industrie of one phase, coloured by a metric; a territory's panel."""

import streamlit as st

from relance import charts, fmt, state, tables, ui
from relance.metrics import DEFAULT_METRIC, METRICS, PHASES

ui.require_navigation()
st.title("Carte des Territoires d'industrie")
if not ui.database_ready():
    st.stop()

phase = st.session_state["phase"]
territories = ui.run("territoires", phase=phase)
known = list(territories["ti_id"])
names = dict(zip(territories["ti_id"], territories["nom"], strict=True))
ui.url_state("metrique", lambda raw: state.parse_choice(raw, METRICS, DEFAULT_METRIC, "Indicateur de carte"))
ui.url_state("ti", lambda raw: state.parse_territory(raw, known, phase))
ui.show_url_messages()


def _map_clicked() -> None:
    points = st.session_state["carte"]["selection"]["points"]
    location = points[0].get("location") if points else None
    if location in names:
        st.session_state["ti"] = location


col_map, col_panel = st.columns([3, 2], gap="medium")
with col_map:
    st.selectbox("Indicateur coloré", options=list(METRICS), format_func=lambda k: METRICS[k].libelle,
                 key="metrique")
    fig = charts.territory_map(
        ui.layer_url("carte_territoires", phase=phase), territories, METRICS[st.session_state["metrique"]], phase,
        ui.layer_url("carte_fond", couche="departements"), list(ui.run("departements")["code"]),
        ui.run_json("carte_fond", couche="encarts"), selected=st.session_state["ti"],
    )
    st.plotly_chart(fig, key="carte", on_select=_map_clicked, selection_mode="points",
                    config={"topojsonURL": "app/static/", "displaylogo": False})
    st.caption("Cliquez sur un territoire pour afficher sa fiche. Outre-mer en encarts, hors échelle.")

with col_panel:
    st.selectbox("Territoire", options=known, format_func=lambda t: f"{names[t]} ({t})", key="ti", index=None,
                 placeholder="Rechercher un territoire…")
    ti = st.session_state["ti"]
    if ti is None:
        st.info(f"{len(known)} territoires en {PHASES[phase].lower()}. Choisissez-en un dans la liste ou sur la carte.")
    else:
        info = ui.run("territoire", phase=phase, ti=ti).iloc[0]
        st.subheader(info["nom"])
        st.caption(f"{info['ti_id']} · {PHASES[phase]} · Région {info['region_nom']}")
        c1, c2, c3 = st.columns([4, 4, 3])
        c1.metric("Population", fmt.nombre(info["population"]))
        c2.metric("Intercommunalités", fmt.nombre(info["nb_intercommunalites"]))
        c3.metric("Communes", fmt.nombre(info["nb_communes"]))
        st.markdown("**Départements**")
        st.table(tables.departements_table(ui.run("territoire_departements", phase=phase, ti=ti)), hide_index=True)
        st.markdown(f"**Membres ({info['nb_membres']})**")
        st.table(tables.members_table(ui.run("territoire_membres", phase=phase, ti=ti)), hide_index=True)
        if info["geometrie_source"] != "publiée (ANCT)":
            st.caption(f"Contour {info['geometrie_source']} : l'ANCT ne publie que des points pour ce territoire.")
        st.caption(charts.source_territoires(phase).replace("<br>", " "))
