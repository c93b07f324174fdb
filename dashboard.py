"""Relance & Territoires: the entry. It draws the filters every page shares (phase, priorité, indicateur), binds
them to the address, and hands the page one frozen value. The Streamlit quirks of this layout are explained, and
handled, in relance/app.py."""

import streamlit as st

from relance import app, interface, ui
from relance.config import REPO_ROOT

st.set_page_config(page_title="Relance & Territoires", page_icon=str(REPO_ROOT / "assets" / "favicon.png"),
                   layout="wide")
with ui.no_traceback():
    if not ui.database_ready():
        interface.install()
        st.stop()
    with st.sidebar:
        # first: Plotly's code starts loading; French for what Streamlit and Plotly write in English; contrast
        interface.install()
    filtres = app.shared_filters()
    ui.show_export_failures()  # a download that failed since the last run: said here, with what to do
    page = st.navigation(app.pages())
    app.hand_over(filtres)
    page.run()
app.settle_memory()
