"""Méthodologie & sources: every source file with its publisher, licence, vintage and row counts."""

import streamlit as st

from relance import tables, ui

ui.require_navigation()
st.title("Méthodologie & sources")
if not ui.database_ready():
    st.stop()

st.markdown(
    "Toutes les données viennent de fichiers ouverts, chargés sans modification dans une base DuckDB. "
    "Les nombres de lignes ci-dessous sont lus dans la base, pas saisis à la main."
)
st.subheader("Sources")
st.table(tables.sources_table(ui.run("sources")), hide_index=True)

st.subheader("Territoires d'industrie")
st.markdown(
    "- Un territoire est identifié par sa **phase** et son identifiant : l'ANCT réutilise les identifiants "
    "(`ti-0101`…) d'une phase à l'autre pour des territoires différents.\n"
    "- Les membres sont des EPCI, des EPT du Grand Paris ou des communes ; chacun est rattaché à ses communes "
    "(géographie 2026 du paquet `@etalab/decoupage-administratif`). La population d'un territoire est la somme "
    "des populations de ses communes.\n"
    "- Cinq territoires de la phase 1 (ti-2706, ti-8416, ti-9301, ti-9303, ti-9307) ne sont publiés par l'ANCT "
    "qu'avec des points : leur contour est reconstruit à partir des contours 2018 de leurs communes membres.\n"
    "- Les contours sont simplifiés ensemble (frontières communes conservées) pour la carte ; l'outre-mer est "
    "présenté en encarts, hors échelle."
)
info = ui.run("build_info")
st.caption("Base construite le " + info.set_index("cle").loc["construit_le", "valeur"])
