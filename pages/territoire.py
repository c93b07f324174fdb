"""Fiche territoire: identity, members, relance indicators over time, industrial weight, rank and peers."""

import streamlit as st

from relance import charts, fmt, state, tables, ui, views
from relance.metrics import PHASES

ui.shared_filters()
ui.database_ready()

phase, priorite = st.session_state["phase"], st.session_state["priorite"]
names = views.territory_names(ui.run, phase)
ui.url_state("ti", lambda raw: state.parse_territory(raw, list(names), phase))
ui.show_url_messages()

st.selectbox("Territoire", options=list(names), format_func=lambda t: f"{names[t]} ({t})", key="ti", index=None,
             placeholder="Rechercher un territoire…")
ti = st.session_state["ti"]
if ti is None:
    st.title("Fiche territoire")
    st.info("Choisissez un territoire dans la liste, ou cliquez sur la carte puis « Ouvrir la fiche du territoire ».")
    st.stop()

fiche = views.profile(ui.run, phase, ti)
info = fiche.info
st.title(info["nom"])
st.caption(f"{ti} · {PHASES[phase]} · Région {info['region_nom']} · Départements : {info['departements_noms']}")
ui.fiche_buttons(phase, ti, priorite, st.session_state.get("indicateur"))

left, right = st.columns([3, 2], gap="medium")
with left:
    columns = st.columns(4)
    for column, (label, value) in zip(columns, views.key_figures(info).items(), strict=False):
        column.metric(label, value)
    columns[3].metric("Part de l'industrie dans l'emploi", fmt.pourcent(fiche.industry["part_industrie"]),
                      help="INSEE RP 2022 par EPCI membre, moyenne pondérée par l'emploi salarié privé (URSSAF 2022).")
    st.caption(views.industry_sentence(fiche.industry))
with right:
    st.plotly_chart(charts.locator_map(
        ui.layer_url("carte_fond", couche="departements"), list(ui.run("departements")["code"]),
        ui.layer_url("carte_territoires", phase=phase), ti, info["nom"], ui.run_json("carte_fond", couche="encarts")),
        key="localisation", config={"topojsonURL": "app/static/", "displayModeBar": False, "staticPlot": True})

st.header("France Relance dans le territoire")
indicator = ui.current_indicator()
if indicator is None:
    st.info("Aucun indicateur du Baromètre pour la priorité choisie.")
else:
    ui.show_chart(views.series_chart(ui.run, phase, priorite, ti, info["nom"], indicator), "serie")
    st.caption("Le territoire est lu à travers ses départements : moyenne de leurs taux pondérée par la part de la "
               "population du territoire dans chacun. Région et France : valeurs publiées à ces échelles.")
items = views.indicators(ui.run, priorite)
if items:
    st.subheader("Tous les indicateurs de la priorité, à la dernière date")
    st.dataframe(views.indicator_ranks(ui.run, phase, ti, items), hide_index=True)

st.header("Projets France Relance")
if ui.run("projet_imports").empty:
    st.info("Aucune liste de projets n'est chargée. Chargez la liste DGE ou une liste de l'équipe sur la page "
            "« Projets » (ou `python -m relance import FICHIER`) pour voir ici les projets du territoire.")
else:
    own = views.filter_projects(ui.run("projets", phase=phase), ti=ti, priorite=priorite)
    summary = views.project_summary(own, int(info["population"]))
    for column, label in zip(st.columns(3), ["Projets", "Pour 10 000 habitants", "Aide (listes qui la donnent)"],
                             strict=True):
        column.metric(label, summary[label])
    if len(own):
        st.dataframe(views.projects_table(own), hide_index=True, key="projets-territoire")
    st.page_link("pages/projets.py", label="Voir sur la page Projets", icon=":material/factory:",
                 query_params={"phase": phase, "ti": ti, "priorite": priorite})

st.header("Territoires comparables")
st.caption("Les plus proches par la population (échelle logarithmique) et la part de l'industrie dans l'emploi.")
st.table(tables.peers_table(fiche.peers), hide_index=True)
st.page_link("pages/comparer.py", label="Comparer avec ces territoires", icon=":material/compare_arrows:",
             query_params={"phase": phase, "priorite": priorite, "comparer": ",".join([ti, *fiche.peers["ti_id"][:3]]),
                           **({"indicateur": indicator.id} if indicator else {})})

st.header("Composition")
a, b = st.columns([2, 3], gap="medium")
with a:
    st.markdown("**Départements**")
    st.table(tables.departements_table(fiche.departements), hide_index=True)
with b:
    st.markdown(f"**Membres ({info['nb_membres']})**")
    st.table(tables.members_table(fiche.members), hide_index=True)
st.caption(charts.source_territoires(phase).replace("<br>", " "))
