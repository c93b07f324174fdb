"""Territoires et reste de la France: did relance reach départements more covered by the programme more?"""

import streamlit as st

from relance import tables, ui, views
from relance.metrics import PHASES

ui.shared_filters()
st.title("Territoires d'industrie et reste de la France")
ui.database_ready()

phase, priorite = st.session_state["phase"], st.session_state["priorite"]
st.markdown(
    f"Les départements sont rangés en trois groupes égaux selon la part de leur population qui vit dans un "
    f"Territoire d'industrie de la {PHASES[phase].lower()}. Pour chaque groupe, le taux est la somme des valeurs "
    "divisée par la somme des populations. Les valeurs du Baromètre étant départementales, c'est la lecture la plus "
    "honnête : elle ne suppose rien sur la répartition à l'intérieur d'un département."
)
items = views.indicators(ui.run, priorite)
indicator = ui.current_indicator()
charts_shown = views.coverage_charts(ui.run, phase, priorite, items, indicator)
if items:
    ui.show_chart(charts_shown[0], "synthese")
    st.caption("Chaque indicateur à sa dernière date publiée. Indice 100 : taux de l'ensemble des départements "
               "(somme des valeurs départementales rapportée à la population).")
if indicator is not None:
    st.subheader(f"En détail : {indicator.libelle_court}")
    terciles, scatter = charts_shown[-2:]
    left, right = st.columns(2, gap="medium")
    with left:
        ui.show_chart(terciles, "terciles")
    with right:
        ui.show_chart(scatter, "nuage")
    st.caption(views.terciles_sentence(terciles, indicator) + " L'indicateur détaillé se choisit dans la barre "
               "latérale.")

if priorite in ("toutes", "foncier"):
    st.header("Foncier : Fonds friches, par région")
    st.markdown(
        "Le Fonds friches (France Relance) n'est publié ici qu'à la maille régionale, sans commune ni montant : il "
        "ne peut pas être rattaché à un territoire. Le fichier du Cerema compte quatre procédures ; leur édition "
        "n'est pas documentée. Les trois premières (36961, 46904, 54008 : 3 010 candidatures) correspondent très "
        "probablement aux trois éditions France Relance (2 999 candidatures annoncées) ; la quatrième (68862) est "
        "très probablement le Fonds vert, hors France Relance. Le drapeau de lauréat (`laureat_fv`) peut différer "
        "de la liste officielle des lauréats (1 382 projets soutenus annoncés, 1 185 drapeaux ici)."
    )
    ui.show_chart(views.friches_chart(ui.run), "friches")
    st.dataframe(tables.friches_table(ui.run("fonds_friches_regions")), hide_index=True)
