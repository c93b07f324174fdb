"""Relance & Territoires: page configuration and navigation.

The filters shared by every page (phase, priority, indicator) are drawn by `ui.shared_filters()` at the top
of each page: Streamlit's AppTest loses sidebar widgets created here, before `page.run()`, on every rerun
after the first, while the browser keeps them; drawn from the page, both behave the same.
"""

import streamlit as st

from relance import ui
from relance.config import REPO_ROOT

st.set_page_config(page_title="Relance & Territoires", page_icon=str(REPO_ROOT / "assets" / "favicon.png"),
                   layout="wide")


pages = [
    st.Page("pages/carte.py", title="Carte", icon=":material/map:", url_path="carte", default=True),
    st.Page("pages/territoire.py", title="Fiche territoire", icon=":material/location_city:", url_path="territoire"),
    st.Page("pages/projets.py", title="Projets", icon=":material/factory:", url_path="projets"),
    st.Page("pages/comparer.py", title="Comparer", icon=":material/compare_arrows:", url_path="comparer"),
    st.Page("pages/france.py", title="Territoires et reste de la France", icon=":material/bar_chart:",
            url_path="france"),
    st.Page("pages/methodologie.py", title="Méthodologie & sources", icon=":material/menu_book:",
            url_path="methodologie"),
]
page = st.navigation(pages)

st.session_state[ui.DASHBOARD_RAN] = True
page.run()
