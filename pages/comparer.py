"""Comparer: two to six territories side by side, one chart per indicator, per capita and estimated counts."""

import streamlit as st

from relance import state, ui, views
from relance.metrics import PHASES

ui.shared_filters()
st.title("Comparer des territoires")
ui.database_ready()

phase, priorite = st.session_state["phase"], st.session_state["priorite"]
names = views.territory_names(ui.run, phase)
ui.url_state("comparer", lambda raw: state.parse_territories(raw, list(names), phase), serialize=",".join)
ui.show_url_messages()

st.multiselect("Territoires à comparer (2 à 6)", options=list(names), format_func=lambda t: f"{names[t]} ({t})",
               key="comparer", max_selections=6, placeholder="Choisissez des territoires…")
chosen = st.session_state["comparer"]
if len(chosen) < 2:
    st.info(f"Choisissez au moins deux territoires de la {PHASES[phase].lower()}.")
    st.stop()

items = views.indicators(ui.run, priorite)
if not items:
    st.info("Aucun indicateur du Baromètre pour cette priorité.")
    st.stop()
st.caption("À gauche, le taux pour 10 000 habitants des départements de chaque territoire (moyenne pondérée par "
           "la population) ; à droite, l'estimation pour le territoire (valeur de chaque département × part de sa "
           "population dans le territoire). Mêmes échelles pour tous les territoires.")
for indicator in items:
    ui.show_chart(views.comparison_chart(ui.run, phase, priorite, chosen, names, indicator),
                  f"comparaison-{indicator.id}")
