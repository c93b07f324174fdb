"""Relance & Territoires: page configuration, navigation and the filters shared by every page."""

import streamlit as st

from relance import state, ui
from relance.config import REPO_ROOT
from relance.metrics import DEFAULT_PHASE, PHASES

ui.require_navigation()
st.set_page_config(page_title="Relance & Territoires", page_icon=str(REPO_ROOT / "assets" / "favicon.png"),
                   layout="wide")


def _phase_changed() -> None:
    # Territory ids are reused across phases for different territories: a phase change clears the selection.
    st.session_state["ti"] = None


ui.url_state("phase", lambda raw: state.parse_phase(raw, PHASES, DEFAULT_PHASE))
with st.sidebar:
    st.markdown("### Relance & Territoires")
    st.radio("Phase du programme", options=list(PHASES), format_func=PHASES.get, key="phase",
             on_change=_phase_changed)

pages = [
    st.Page("pages/carte.py", title="Carte", icon=":material/map:", url_path="carte", default=True),
    st.Page("pages/methodologie.py", title="Méthodologie & sources", icon=":material/menu_book:",
            url_path="methodologie"),
]
st.navigation(pages).run()
