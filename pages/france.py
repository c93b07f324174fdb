"""Territoires et reste de la France: did relance reach départements more covered by the programme more?"""

import streamlit as st

from relance import ui
from relance.views import france


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    filtres = adresse.filtres
    st.title("Territoires d'industrie et reste de la France")

    view = ui.vue(france.france, ui.run, filtres)
    # The project-level answer first, the Baromètre and the Fonds friches a click away.
    laureats, barometre, *friches = ui.tabs(view.onglets)
    if laureats.open:
        with laureats:
            st.header("Lauréats France Relance : territoires et reste de la France")
            st.markdown(view.laureats.phrase)
            for chart, key in zip(view.laureats.graphiques, ("laureats-habitants", "laureats-emplois"), strict=True):
                ui.show_chart(chart, key)
            st.caption(view.laureats.limites)
            detail = st.expander("Par priorité et par mesure (tableau)", key="tableau-mesures", on_change="rerun")
            if detail.open:
                with detail:
                    ui.show_table(view.laureats.tableau, "laureats-tableau")
    if barometre.open:
        with barometre:
            st.header("Seconde lecture : départements et indicateurs du Baromètre")
            st.markdown(view.introduction)
            if view.synthese:
                ui.show_chart(view.synthese, "synthese")
                st.caption(view.synthese_note)
            if view.terciles:
                st.subheader(view.detail_titre)
                left, right = st.columns(2, gap="medium")
                with left:
                    ui.show_chart(view.terciles, "terciles")
                with right:
                    ui.show_chart(view.nuage, "nuage")
                st.caption(view.terciles_phrase)
    if friches and friches[0].open:  # under the foncier priority or all of them
        with friches[0]:
            st.header("Foncier : Fonds friches, par région")
            st.markdown(view.friches_note)
            ui.show_chart(view.friches, "friches")
            ui.show_frame(view.friches_table)
