"""Relance & Territoires: the entry. It draws the filters every page shares (phase, priorité, indicateur), binds
them and the page's own keys to the address, and calls the page with the one frozen value of this run's address.
The Streamlit quirks of this layout are explained, and handled, in relance/app.py."""

import streamlit as st

from relance import app, interface, ui
from relance.config import REPO_ROOT

st.set_page_config(page_title="Relance & Territoires", page_icon=str(REPO_ROOT / "assets" / "favicon.png"),
                   layout="wide")
with ui.no_traceback(), ui.une_version():
    if not ui.database_ready():
        interface.install()
        st.stop()
    with st.sidebar:
        # first: Plotly's code starts loading; French for what Streamlit and Plotly write in English; contrast
        interface.install()
    filtres = app.shared_filters()
    ui.show_export_failures()  # a download that failed since the last run: said here, with what to do
    navigation = app.Navigation()
    page = st.navigation(list(navigation.pages.values()))
    navigation.adresse = ui.lier(navigation.name_of(page), filtres, ui.run, navigation.pages)
    ui.show_url_messages()
    page.run()
app.settle_memory()
