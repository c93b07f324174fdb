"""Projets: load project lists (DGE or staff), check them before saving, explore where projects landed."""

import streamlit as st

from relance import ui
from relance.errors import ListeError
from relance.filtres import PHASES, SEARCH_MAX
from relance.fmt import escape_markdown
from relance.listes import MAX_UPLOAD_BYTES
from relance.views import carte, common, projets

SAVED_KEY = "liste-enregistree"  # the list saved at the last run, said once
UPLOADS_KEY = "depots"  # lists saved in this session: the upload box's key


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    filtres = adresse.filtres
    st.title("Projets France Relance")
    labels = ui.vue(common.territory_labels, ui.run, filtres.phase)
    loaded = projets.loaded_lists(ui.run)
    if not loaded:
        st.info(projets.NO_LIST)

    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        done = projets.saved_summary(ui.run, saved, filtres.phase)
        st.success(done.message, icon=":material/check_circle:")
        if done.ti:
            st.page_link(adresse.lien("territoire"), label=f"Voir {done.ti_nom} dans sa fiche (même onglet)",
                         icon=":material/arrow_forward:", query_params=carte.profile_link(filtres, done.ti))
    with st.expander("Charger une liste de projets", expanded=not loaded):
        st.caption(projets.STAFF_COLUMNS)
        # a new key after each saved list: the saved file leaves the box, with its preview and button
        upload = st.file_uploader("Fichier CSV ou XLSX", type=["csv", "xlsx"],
                                  key="depot" + (f"-{n}" if (n := st.session_state.get(UPLOADS_KEY, 0)) else ""),
                                  max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
        if upload is not None:
            content = upload.getvalue()
            try:
                preview = ui.session_cached("apercu", (upload.file_id, upload.name), projets.preview, ui.run, content,
                                            upload.name, ui.placement_reference())
            except ListeError as exc:
                st.error(f"Fichier refusé : {escape_markdown(exc)}")
            else:
                st.markdown(preview.resume)
                for warning in preview.avertissements:
                    st.warning(warning, icon=":material/warning:")
                ui.show_frame(preview.lignes, "apercu")
                if len(preview.rejets):
                    st.markdown("**Lignes rejetées**")
                    ui.show_frame(preview.rejets, "rejets")
                if preview.enregistrable and st.button("Enregistrer cette liste", type="primary", key="enregistrer"):
                    try:
                        with st.spinner("Enregistrement et reconstruction de la base…"):
                            import_id, new = ui.save_list(content, upload.name)
                    except ui.CommandFailed as exc:
                        st.error(f"La liste n'a pas été enregistrée, la base précédente reste en service : "
                                 f"{escape_markdown(exc)}")
                    else:
                        if new:
                            st.session_state[SAVED_KEY] = import_id
                            st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1
                            st.rerun()
                        st.info(f"Cette liste est déjà chargée (import {import_id}) : rien n'est dupliqué.")
        for item in loaded:
            left, right = st.columns([5, 1])
            left.markdown(item.texte)
            if not item.amovible:
                right.caption("dans les données brutes")
            elif st.session_state.get("a-supprimer") == item.import_id:
                left.warning("Supprimer cette liste pour tous les utilisateurs ? Ses projets quittent la base.",
                             icon=":material/warning:")
                if right.button("Confirmer", key=f"confirmer-{item.import_id}", type="primary"):
                    st.session_state.pop("a-supprimer")
                    try:
                        with st.spinner("Suppression…"):
                            ui.remove_list(item.import_id)
                    except ui.CommandFailed as exc:
                        st.error(f"La liste n'a pas été retirée : {escape_markdown(exc)}")
                    else:
                        st.rerun()
                if right.button("Annuler", key=f"annuler-{item.import_id}"):
                    st.session_state.pop("a-supprimer")
                    st.rerun()
            elif right.button("Supprimer", key=f"supprimer-{item.import_id}"):
                st.session_state["a-supprimer"] = item.import_id
                st.rerun()

    found = projets.catalogue(ui.run, filtres.phase)
    if found.projets.empty:
        st.stop()

    st.header("Explorer")
    c1, c2, c3 = st.columns([2, 2, 1])
    c1.text_input("Recherche (entreprise, projet, commune)", key="recherche", max_chars=SEARCH_MAX)
    c2.selectbox("Territoire", options=list(labels), format_func=labels.get, key="ti", index=None,
                 placeholder=f"Tous les territoires de la {PHASES[filtres.phase].lower()}")
    c3.radio("Localisation", list(projets.WHERE), key="ou", format_func=projets.WHERE.get)
    c4, c5, c6, c7 = st.columns([3, 2, 2, 2])
    # select_all=False: Enter adds the first match, never every match at once
    c4.multiselect("Mesure", found.mesures, key="mesures", placeholder="Toutes", select_all=False)
    c5.multiselect("Filière", found.filieres, key="filieres", placeholder="Toutes", select_all=False)
    c6.multiselect("Taille d'entreprise", found.tailles, key="tailles", placeholder="Toutes", select_all=False)
    c7.checkbox("Douteux seulement", key="douteux", help="Placement de confiance faible, ou projet non placé.")
    shown = projets.filter_projects(found.projets, adresse.recherche, adresse.ti, filtres.priorite_filtre,
                                    list(adresse.mesures), list(adresse.filieres), list(adresse.tailles), adresse.ou,
                                    adresse.douteux)

    for column, (label, value) in zip(st.columns(5), projets.summary(shown, filtres.phase).items(), strict=True):
        column.metric(label, value)
    sentence = projets.ti_call_sentence(ui.run, filtres.phase)
    if sentence:
        st.caption(sentence)

    if shown.empty:
        st.info("Aucun projet ne correspond à ces filtres.")
        st.stop()
    selected = adresse.ti
    ui.show_chart(projets.projects_chart(ui.READER, filtres, shown, selected), "projets-carte")
    ui.show_chart(projets.projects_count_chart(ui.run, filtres, shown, labels.get(selected)), "projets-mesures")
    st.selectbox("Trier le tableau par", list(projets.TRIS), key="tri", format_func=projets.TRIS.get)
    ui.show_frame(projets.projects_table(ui.run, projets.sort_projects(shown, adresse.tri)), "projets-table")
