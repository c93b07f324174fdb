"""Carte: the Territoires d'industrie of one phase, coloured by a metric or a France Relance indicator."""

import streamlit as st

from relance import charts, state, tables, ui, views
from relance.metrics import DEFAULT_METRIC, DEFAULT_MODE, METRIC_CHOICES, METRICS, MODES, PHASES, RELANCE

ui.shared_filters()
st.title("Carte des Territoires d'industrie")
ui.database_ready()

phase, priorite = st.session_state["phase"], st.session_state["priorite"]
names = views.territory_names(ui.run, phase)
known = list(names)
ui.url_state("metrique", lambda raw: state.parse_choice(raw, METRIC_CHOICES, DEFAULT_METRIC, "Indicateur de carte"))
ui.url_state("mode", lambda raw: state.parse_choice(raw, MODES, DEFAULT_MODE, "Mode de carte"))
ui.url_state("ti", lambda raw: state.parse_territory(raw, known, phase))
ui.show_url_messages()
indicator = ui.current_indicator()


def _map_clicked() -> None:
    points = st.session_state["carte"]["selection"]["points"]
    location = next((p.get("location") for p in points if p.get("location") in names), None)
    if location:
        st.session_state["ti"] = location


choice_labels = {RELANCE: "Indicateur France Relance (barre latérale)", **{k: m.libelle for k, m in METRICS.items()}}
col_map, col_panel = st.columns([3, 2], gap="medium")
with col_map:
    st.selectbox("Indicateur coloré", options=METRIC_CHOICES, format_func=choice_labels.get, key="metrique")
    metric_key = st.session_state["metrique"]
    if metric_key == RELANCE:
        st.radio("Lecture", options=list(MODES), format_func=MODES.get, key="mode", horizontal=True)
    if metric_key in views.PROJECT_METRICS and ui.run("projet_imports").empty:
        st.info("Aucune liste de projets n'est chargée : la carte des projets est vide. Chargez une liste sur la "
                "page « Projets » (ou `python -m relance import FICHIER`).")
    if metric_key == RELANCE and indicator is None:
        st.info("Aucun indicateur du Baromètre ne relève de cette priorité. Choisissez une autre priorité, ou un "
                "autre indicateur coloré ; les Fonds friches (foncier) ne sont publiés que par région.")
    chart = views.map_chart(
        ui.run, ui.run_json,
        {"departements": ui.layer_url("carte_fond", couche="departements"),
         "territoires": ui.layer_url("carte_territoires", phase=phase)},
        phase, priorite, metric_key, indicator, st.session_state["mode"], st.session_state["ti"])
    ui.show_chart(chart, "carte", on_select=_map_clicked, selection_mode="points")
    st.caption("Cliquez sur un territoire pour afficher son panneau. Outre-mer en encarts, hors échelle.")
    if chart.method:
        st.caption(("**Estimation.** " if "estimation" in chart.title else "**Méthode.** ") + chart.method)

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
        st.page_link("pages/territoire.py", label="Ouvrir la fiche du territoire", icon=":material/open_in_new:",
                     query_params={"phase": phase, "ti": ti, "priorite": priorite,
                                   **({"indicateur": indicator.id} if indicator else {})})
        for column, (label, value) in zip(st.columns([4, 4, 3]), views.key_figures(info).items(), strict=True):
            column.metric(label, value)
        st.markdown("**Départements**")
        st.table(tables.departements_table(ui.run("territoire_departements", phase=phase, ti=ti)), hide_index=True)
        st.markdown(f"**Membres ({info['nb_membres']})**")
        st.table(tables.members_table(ui.run("territoire_membres", phase=phase, ti=ti)), hide_index=True)
        if info["geometrie_source"] != "publiée (ANCT)":
            st.caption(f"Contour {info['geometrie_source']} : l'ANCT ne publie que des points pour ce territoire.")
        st.caption(charts.source_territoires(phase).replace("<br>", " "))
