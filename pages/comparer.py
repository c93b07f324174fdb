"""Comparer: two to six territories side by side, one chart per indicator, per capita and estimated counts."""

import streamlit as st

from relance import ui
from relance.filtres import COMPARE_LIMIT
from relance.views import common, comparer


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    filtres = adresse.filtres
    st.title("Comparer des territoires")
    labels = ui.vue(common.territory_labels, ui.run, filtres.phase)

    st.multiselect(f"Territoires à comparer (2 à {COMPARE_LIMIT})", options=list(labels), format_func=labels.get,
                   key="comparer", max_selections=COMPARE_LIMIT, placeholder="Tapez un nom puis Entrée pour l'ajouter…",
                   select_all=False)  # Enter adds the first match, never "every match"
    if len(st.session_state["comparer"]) >= COMPARE_LIMIT:
        st.caption(f"{COMPARE_LIMIT} territoires au plus : retirez-en un (×) pour en ajouter un autre.")
    view = ui.vue(comparer.comparaison, ui.run, filtres, tuple(st.session_state["comparer"]))
    if view.message:
        st.info(view.message)
        st.stop()
    # The laureates first, the Baromètre a click away.
    laureats, barometre = ui.tabs(comparer.ONGLETS)
    if laureats.open:
        with laureats:
            st.header("Lauréats France Relance placés dans les territoires")
            ui.show_chart(view.laureats, "comparaison-laureats")
            ui.show_small_table(view.laureats_tableau, "comparaison-laureats-tableau")
            if st.toggle("Détailler par mesure", key="par_mesure",
                         help="Les lauréats de chaque territoire, mesure par mesure (listes nationales)."):
                ui.show_table(view.par_mesure, "comparaison-par-mesure")
    if barometre.open:
        with barometre:
            st.header("Indicateurs du Baromètre (valeurs départementales)")
            for warning in view.avertissements:
                st.warning(warning, icon=":material/warning:")
            if not view.charts:
                st.info("Aucun indicateur du Baromètre pour cette priorité.")
            st.caption(view.lecture)
            for chart in view.charts:
                ui.show_chart(chart, f"comparaison-{chart.what}")
