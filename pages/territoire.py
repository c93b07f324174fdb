"""Fiche territoire: identity, members, relance indicators over time, industrial weight, rank and peers."""

import streamlit as st

from relance import interface, ui
from relance.fmt import escape_markdown
from relance.views import common, territoire


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    filtres = adresse.filtres
    labels = ui.vue(common.territory_labels, ui.run, filtres.phase)

    ti = st.session_state["ti"]

    def choose(where) -> None:
        where.selectbox("Territoire", options=list(labels), format_func=labels.get, key="ti", index=None,
                        placeholder="Rechercher un territoire…")

    if ti is None:
        st.title("Fiche territoire")
        choose(st)
        st.info("Choisissez un territoire dans la liste, ou cliquez sur la carte puis « Ouvrir la fiche du "
                "territoire ».")
        st.stop()

    profil = ui.vue(territoire.profil, ui.READER, filtres, ti,
                    st.session_state.get("recherche-territoire", ""))
    # A compact header (a third of the first screen at 1440 × 900): identity, the three documents and the key
    # figures on the left, the choice of territory and the locator on the right; the tabs show without scrolling.
    narrow = interface.narrow_screen()
    if narrow:  # a phone: the choice first, as on the other pages
        choose(st)
    head, side = st.columns([7, 2], gap="medium")
    with head:
        st.title(profil.nom)
        st.caption(profil.legende)
        ui.fiche_buttons(territoire.fiche, filtres.phase, ti, ui.INLINE_READER, filtres, ti)
        columns = st.columns(4)
        for column, (label, value) in zip(columns, profil.chiffres.items(), strict=False):
            column.metric(label, value)
        columns[3].metric("Part de l'industrie", profil.industrie_part,
                          help=f"Dans l'emploi. {profil.industrie_phrase} Source : INSEE RP 2022 par EPCI membre, "
                               "moyenne pondérée par l'emploi salarié privé (URSSAF 2022).")
    with side:
        if not narrow:
            choose(st)
        ui.show_figure(profil.locator, "localisation")

    # The top of the fiche and its summary first; the breakdowns, the lists, the Baromètre and the peers a click away.
    synthese, graphiques, listes, membres, barometre, voisins = ui.tabs(territoire.ONGLETS)
    relance = profil.laureats
    if synthese.open:
        with synthese:
            st.header("France Relance dans le territoire")
            for message in relance.messages:
                st.info(message)
            ui.show_synthese(profil.synthese)
            if len(profil.echelles.tableau):  # the lead readings of laureates, next to the départements, région, France
                st.subheader("Le territoire, ses départements, sa région et la France")
                st.markdown(profil.echelles.phrase)
                ui.show_light_table(profil.echelles.tableau)
                st.caption(profil.echelles.note)
    if graphiques.open:
        with graphiques:
            st.header("France Relance dans le territoire, en graphiques")
            graphs = profil.graphiques
            if not graphs:  # no laureate of the priority here (or no list): say why the tab is empty
                for message in [*relance.messages, relance.vide]:
                    st.info(message)
            else:
                ui.show_chart(graphs[0], f"laureats-{graphs[0].what}")
            for left_chart, right_chart in zip(graphs[1::2], [*graphs[2::2], None], strict=False):
                left, right = st.columns(2, gap="medium")
                with left:
                    ui.show_chart(left_chart, f"laureats-{left_chart.what}")
                if right_chart is not None:
                    with right:
                        ui.show_chart(right_chart, f"laureats-{right_chart.what}")
    if listes.open:
        with listes:
            st.header("Les lauréats et les friches du territoire")
            st.text_input("Rechercher (entreprise, projet, commune, site)", key="recherche-territoire")
            st.caption(relance.note)
            ui.show_table(relance.projets, "table-projets")
            if len(relance.friches.data):
                st.markdown("**Fonds friches (France Relance) : candidatures situées dans le territoire**")
                ui.show_table(relance.friches, "table-friches")
            if len(relance.fonds_vert.data):
                st.markdown("**Fonds vert 2023, hors France Relance : candidatures situées dans le territoire**")
                ui.show_table(relance.fonds_vert, "table-fonds-vert")
            if relance.carte is not None:
                ui.show_chart(relance.carte, "laureats-carte")
            st.page_link(adresse.lien("projets"), label="Voir sur la page Projets", icon=":material/factory:",
                         query_params=profil.projets_lien)
    if membres.open:
        with membres:
            st.header("Lauréats par intercommunalité membre")
            by_member = profil.par_membre
            st.markdown(escape_markdown(by_member.phrase))
            ui.show_table(by_member.table, "par-membre")
            st.caption(f"**Méthode.** {by_member.table.method}")
            if by_member.carte is not None:
                ui.show_chart(by_member.carte, "carte-membres")
    if barometre.open:
        with barometre:
            st.header("Indicateurs du Baromètre (valeurs départementales)")
            if profil.serie is None:
                st.info(profil.serie_note)
            else:
                ui.show_chart(profil.serie, "serie")
                st.caption(profil.serie_note)
            if not profil.indicateurs.empty:
                st.subheader(profil.indicateurs_titre)
                ui.show_frame(profil.indicateurs)
    if voisins.open:
        with voisins:
            st.header("Territoires comparables")
            st.caption("Les plus proches par la population (échelle logarithmique) et la part de l'industrie dans "
                       "l'emploi.")
            st.table(profil.pairs, hide_index=True)
            st.page_link(adresse.lien("comparer"), label="Comparer avec ces territoires",
                         icon=":material/compare_arrows:", query_params=profil.comparer_lien)
            st.header("Composition")
            a, b = st.columns([2, 3], gap="medium")
            with a:
                st.markdown("**Départements**")
                st.table(profil.departements, hide_index=True)
            with b:
                st.markdown(f"**{profil.membres_titre}**")
                st.table(profil.membres, hide_index=True)
    st.caption(common.plain_source(profil.source))
