"""Carte: the Territoires d'industrie of one phase, coloured by a metric or a France Relance indicator."""

import streamlit as st

from relance import interface, ui
from relance.filtres import PHASES
from relance.metriques import METRIC_CHOICES, METRIC_LABELS, METRIQUES, MODES, RELANCE
from relance.views import carte, common


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    filtres = adresse.filtres
    st.title("Carte des Territoires d'industrie")
    labels = ui.vue(common.territory_labels, ui.run, filtres.phase)

    def _map_clicked() -> None:
        points = st.session_state["carte"]["selection"]["points"]
        location = next((p.get("location") for p in points if p.get("location") in labels), None)
        if location:
            st.session_state["ti"] = location

    choices = {**{k: m.libelle for k, m in METRIQUES.items()}, **METRIC_LABELS}
    # The choices come first (Tab order, and on a phone above the map), then the map and the panel.
    col_choice, col_search = st.columns([2, 1], gap="medium")
    with col_choice:
        st.selectbox("Couleur de la carte", options=METRIC_CHOICES, format_func=choices.get, key="metrique",
                     help="Ce que colore la carte. L'indicateur du Baromètre se choisit à gauche, avec sa date.")
        if carte.resolve_metric(ui.run, filtres, st.session_state["metrique"]) == RELANCE:
            st.radio("Lecture", options=list(MODES), format_func=MODES.get, key="mode", horizontal=True)
    with col_search:
        st.selectbox("Territoire", options=list(labels), format_func=labels.get, key="ti", index=None,
                     placeholder="Rechercher un territoire…",
                     help="Tapez quelques lettres du nom puis Entrée : un petit territoire se choisit ici aussi "
                          "facilement qu'un grand sur la carte.")
    if interface.narrow_screen():  # a phone: the chosen territory's figures first, the map under them
        col_panel, col_map = st.container(), st.container()
    else:
        col_map, col_panel = st.columns([2, 1], gap="medium")
    # The panel is written before the map (it stays on the right): a chosen territory's panel shows at once, while the
    # browser redraws the map around it.
    with col_panel:
        if st.session_state["ti"] is None:
            st.info(f"{len(labels)} territoires en {PHASES[filtres.phase].lower()}. Choisissez-en un dans la liste ou "
                    "sur la carte.")
        else:
            panel = ui.vue(carte.panneau, ui.run, filtres, st.session_state["ti"])
            st.header(panel.titre)
            st.caption(panel.legende)
            st.page_link(adresse.lien("territoire"), label="Ouvrir la fiche du territoire (dans cet onglet)",
                         icon=":material/arrow_forward:", query_params=panel.lien,
                         help="La fiche s'ouvre à la place de la carte ; le bouton Retour du navigateur y ramène.")
            st.subheader("France Relance dans le territoire")
            ui.show_synthese(panel.relance, compact=True)
            st.markdown("**Le territoire**")
            for column, (label, value) in zip(st.columns([4, 4, 3]), panel.chiffres.items(), strict=True):
                column.metric(label, value)
            st.markdown("**Départements**")
            st.table(panel.departements, hide_index=True)
            st.markdown(f"**{panel.membres_titre}**")
            st.table(panel.membres, hide_index=True)
            for note in panel.notes:
                st.caption(note)

    with col_map:
        view = ui.vue(carte.carte, ui.READER, filtres, st.session_state["metrique"], st.session_state["mode"],
                           st.session_state["ti"])
        for message in view.messages:
            st.info(message)
        if view.lecture:
            st.caption(view.lecture)
        ui.show_chart(view.chart, "carte", on_select=_map_clicked, selection_mode="points")
        st.caption("Cliquez sur un territoire pour afficher son panneau. Outre-mer en encarts, hors échelle.")
        if view.methode:
            st.caption(view.methode)
