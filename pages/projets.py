"""Projets: load project lists (DGE or staff), check them before saving, explore where projects landed."""

import streamlit as st

from relance import fmt, projets, state, ui, views
from relance.build import BuildError
from relance.metrics import PHASES
from relance.sources import SourceError

ui.shared_filters()
st.title("Projets France Relance")
ui.database_ready()

phase, priorite = st.session_state["phase"], st.session_state["priorite"]
imports = ui.run("projet_imports")
names = views.territory_names(ui.run, phase)
ui.url_state("ti", lambda raw: state.parse_territory(raw, list(names), phase))
ui.show_url_messages()

if imports.empty:
    st.info(
        "Aucune liste de projets n'est chargée. Pour en charger une : déposez un fichier ci-dessous (liste DGE "
        "« Plan de relance – projets industriels » ou liste de l'équipe en CSV/XLSX), ou lancez "
        "`python -m relance import FICHIER`, ou placez la liste DGE dans le dossier `dge-plan-de-relance/` des "
        "données brutes puis reconstruisez la base."
    )

with st.expander("Charger une liste de projets", expanded=imports.empty):
    st.caption("Colonnes d'une liste de l'équipe : un nom de projet et une localisation (code INSEE, ou commune et "
               "code postal, ou latitude et longitude) ; en option : entreprise, montant de l'aide, investissement "
               "(« 1 200,50 € » est lu), mesure, priorité, date, identifiant de territoire.")
    upload = st.file_uploader("Fichier CSV ou XLSX", type=["csv", "xlsx"], key="depot",
                              max_upload_size=projets.MAX_UPLOAD_BYTES // (1024 * 1024))
    if upload is not None:
        content = upload.getvalue()
        try:
            label, rows, rejects = views.preview(content, upload.name, ui.placement_reference())
        except projets.ImportError_ as exc:
            st.error(f"Fichier refusé : {fmt.inert(exc)}")
        else:
            st.markdown(f"**{fmt.inert(upload.name)}** : {label}, {len(rows)} projets lisibles, {len(rejects)} "
                        "lignes rejetées. Rien n'est enregistré avant de cliquer sur « Enregistrer ».")
            st.dataframe(rows, hide_index=True, key="apercu",
                         column_config={"Aide (€)": st.column_config.NumberColumn(format="euro")})
            if len(rejects):
                st.markdown("**Lignes rejetées**")
                st.dataframe(rejects, hide_index=True, key="rejets")
            if len(rows) and st.button("Enregistrer cette liste", type="primary", key="enregistrer"):
                try:
                    with st.spinner("Enregistrement et reconstruction de la base…"):
                        import_id, new = ui.save_projects(content, upload.name)
                except (projets.ImportError_, SourceError, BuildError) as exc:
                    st.error(f"La liste n'a pas été enregistrée, la base précédente reste en service : "
                             f"{fmt.inert(exc)}")
                else:
                    if new:
                        st.success(f"Liste enregistrée (import {import_id}).")
                        st.rerun()
                    st.info(f"Cette liste est déjà chargée (import {import_id}) : rien n'est dupliqué.")
    for item in imports.itertuples():
        left, right = st.columns([5, 1])
        left.markdown(f"`{item.import_id}` · {fmt.inert(item.fichier)} · {item.source} · importé le "
                      f"{item.importe_le} · {item.lignes} projets, {item.rejetees} lignes rejetées")
        if item.import_id.startswith("dge-"):
            right.caption("dans les données brutes")
        elif right.button("Supprimer", key=f"supprimer-{item.import_id}"):
            try:
                with st.spinner("Suppression et reconstruction de la base…"):
                    ui.remove_projects(item.import_id)
            except (projets.ImportError_, SourceError, BuildError) as exc:
                st.error(f"La liste n'a pas été retirée : {fmt.inert(exc)}")
            else:
                st.rerun()

all_projects = ui.run("projets", phase=phase)
if all_projects.empty:
    st.stop()

st.subheader("Explorer")
c1, c2, c3 = st.columns([2, 2, 1])
text = c1.text_input("Recherche (entreprise, projet, commune)", key="recherche")
c2.selectbox("Territoire", options=list(names), format_func=lambda t: f"{names[t]} ({t})", key="ti", index=None,
             placeholder=f"Tous les territoires de la {PHASES[phase].lower()}")
where = c3.radio("Localisation", ["tous", "dans", "hors"], key="ou",
                 format_func={"tous": "Tous", "dans": "Dans un territoire", "hors": "Hors territoire"}.get)
c4, c5, c6, c7 = st.columns([3, 2, 2, 2])
mesures = c4.multiselect("Mesure", sorted(all_projects["mesure"].dropna().unique()), key="mesures",
                         placeholder="Toutes")
filieres = c5.multiselect("Filière", sorted(all_projects["filiere"].dropna().unique()), key="filieres",
                          placeholder="Toutes")
tailles = c6.multiselect("Taille d'entreprise", sorted(all_projects["type_entreprise"].dropna().unique()),
                         key="tailles", placeholder="Toutes")
doubtful = c7.checkbox("Douteux seulement", key="douteux", help="Placement de confiance faible, ou projet non placé.")
shown = views.filter_projects(all_projects, text, st.session_state["ti"], priorite, mesures, filieres, tailles, where,
                              doubtful)

summary = views.project_summary(shown)
for column, label in zip(st.columns(4), ["Projets", "Dans un territoire", "Hors territoire", "Placements douteux"],
                         strict=True):
    column.metric(label + (f" ({PHASES[phase].split(' (')[0].lower()})" if label == "Dans un territoire" else ""),
                  summary[label])
share = ui.run("appel_ti_part", phase=phase).iloc[0]
if share["nb_projets"]:
    st.caption(f"Appel « Soutien à l'investissement industriel dans les territoires » : "
               f"{fmt.nombre(share['nb_dans_territoire'])} projets sur {fmt.nombre(share['nb_projets'])} "
               f"dans un territoire de la {PHASES[phase].lower()} "
               f"({fmt.pourcent(share['part'])}).")

if shown.empty:
    st.info("Aucun projet ne correspond à ces filtres.")
    st.stop()
selected_name = names.get(st.session_state["ti"]) if st.session_state["ti"] else None
ui.show_chart(views.projects_chart(ui.run, ui.run_json,
                                   {"territoires": ui.layer_url("carte_territoires", phase=phase)},
                                   phase, priorite, shown, st.session_state["ti"]), "projets-carte")
ui.show_chart(views.projects_count_chart(phase, priorite, shown, selected_name), "projets-mesures")
st.dataframe(views.projects_table(shown), hide_index=True, key="projets-table",
             column_config={"Aide (€)": st.column_config.NumberColumn(format="euro"),
                            "Investissement (€)": st.column_config.NumberColumn(format="euro")})
