"""Relance & Territoires: page configuration, navigation and the filters shared by every page."""

import streamlit as st

from relance import state, ui, views
from relance.config import REPO_ROOT
from relance.metrics import ALL_PRIORITIES, DEFAULT_INDICATOR, DEFAULT_PHASE, PHASES, PRIORITIES

ui.require_navigation()
st.set_page_config(page_title="Relance & Territoires", page_icon=str(REPO_ROOT / "assets" / "favicon.png"),
                   layout="wide")


def _phase_changed() -> None:
    # Territory ids are reused across phases for different territories: a phase change clears the selection.
    st.session_state["ti"] = None
    st.session_state["comparer"] = []


pages = [
    st.Page("pages/carte.py", title="Carte", icon=":material/map:", url_path="carte", default=True),
    st.Page("pages/territoire.py", title="Fiche territoire", icon=":material/location_city:", url_path="territoire"),
    st.Page("pages/comparer.py", title="Comparer", icon=":material/compare_arrows:", url_path="comparer"),
    st.Page("pages/france.py", title="Territoires et reste de la France", icon=":material/bar_chart:",
            url_path="france"),
    st.Page("pages/methodologie.py", title="Méthodologie & sources", icon=":material/menu_book:",
            url_path="methodologie"),
]
page = st.navigation(pages)

ui.url_state("phase", lambda raw: state.parse_phase(raw, PHASES, DEFAULT_PHASE))
ui.url_state("priorite", lambda raw: state.parse_choice(raw, PRIORITIES, ALL_PRIORITIES, "Priorité"))
with st.sidebar:
    st.markdown("### Relance & Territoires")
    st.radio("Phase du programme", options=list(PHASES), format_func=PHASES.get, key="phase",
             on_change=_phase_changed)
    st.selectbox("Priorité", options=list(PRIORITIES), format_func=PRIORITIES.get, key="priorite")
    if ui.database_ready(stop=False):
        offered = views.indicators(ui.run, st.session_state["priorite"])
        every = [i.id for i in views.indicators(ui.run, ALL_PRIORITIES)]
        ui.url_state("indicateur", lambda raw: state.parse_choice(raw, every, DEFAULT_INDICATOR, "Indicateur"))
        if offered:
            if st.session_state["indicateur"] not in {i.id for i in offered}:
                st.session_state["indicateur"] = offered[0].id
                ui.sync_url("indicateur")
            labels = {i.id: i.libelle_court for i in offered}
            st.selectbox("Indicateur France Relance", options=list(labels), format_func=labels.get,
                         key="indicateur")
        else:
            st.caption("Aucun indicateur du Baromètre pour cette priorité : les Fonds friches (par région) "
                       "sont présentés sur la page « Territoires et reste de la France ».")
    st.caption("Les filtres sont gardés dans l'adresse de la page : copiez-la pour partager la vue.")

page.run()
