"""Méthodologie & sources: sources with row counts, the priority mapping, the estimation methods, caveats."""

import streamlit as st

from relance import app, ui
from relance.metriques import METHOD_DEPARTEMENT, METHOD_ESTIMATE, METHOD_RATE, METRIQUES
from relance.views import methodologie

app.filtres()
st.title("Méthodologie & sources")
ui.show_url_messages()
view = methodologie.methodologie(ui.run)

st.markdown(
    "Toutes les données viennent de fichiers ouverts, chargés sans modification dans une base DuckDB. "
    "Les nombres de lignes ci-dessous sont lus dans la base, pas saisis à la main."
)
st.header("Sources")
st.table(view.sources, hide_index=True)

st.header("Indicateurs et priorités du programme")
st.markdown(
    "Chaque indicateur du Baromètre et chaque mesure des listes de projets est rattaché à une des priorités des "
    "Territoires d'industrie (tables de référence relues, `relance/reference/indicateurs_priorites.csv` et "
    "`mesures_priorites.csv`). Le foncier n'a pas d'indicateur dans le Baromètre : il est éclairé par le Fonds "
    "friches, publié par région, et par les projets des appels « Territoires d'industrie » et relocalisation."
)
ui.show_frame(view.priorites)

st.header("Lecture des indicateurs du Baromètre")
st.markdown(
    "Chaque indicateur est lu selon ce qu'il est : un cumul à sa dernière date, un compteur qui repart chaque "
    "année à la fin de sa dernière campagne complète, une valeur annuelle à sa dernière année complète, un stock à "
    "son dernier mois. Cette date sert par défaut aux cartes, rangs, tiers et comparaisons ; la barre latérale "
    "permet d'en lire une autre. Les séries montrent les campagnes séparément, les années en points, et "
    "marquent les révisions à la baisse d'un cumul."
)
ui.show_frame(view.lectures)

st.header("Placement des projets")
st.markdown(
    "Chaque projet est placé par les indices qui concordent : son point (dans le contour 2018 d'une commune, "
    "ramenée à la commune actuelle), son code postal (zéro initial rétabli) et son département ; le nom de commune "
    "ne compte que s'il concorde (dans la liste DGE, il désigne souvent un autre lieu). Les lauréats du Fonds "
    "friches sont placés par la commune de leur candidature (Cerema). Un projet sans point est dessiné au centre de "
    "sa commune, et marqué comme tel."
)
st.markdown(view.placement_phrase)
ui.show_frame(view.placement)
st.markdown("**Projets dont la commune publiée contredit le point et le code postal** (à télécharger pour vérifier)")
ui.show_table(view.desaccords, "desaccords", height=240)
if len(view.rejets):
    st.markdown("**Lignes laissées de côté, et pourquoi**")
    ui.show_frame(view.rejets)

st.header("Méthodes de lecture par territoire")
st.markdown(
    f"- **Taux.** {METHOD_RATE}\n"
    f"- **Estimation.** {METHOD_ESTIMATE} Elle suppose que la mesure se répartit comme la population dans chaque "
    "département ; elle est toujours étiquetée « estimation ». Par construction, la somme des estimations des "
    "territoires d'un département ne dépasse jamais la valeur du département.\n"
    f"- **Valeur des départements.** {METHOD_DEPARTEMENT} Exemple : au 31 décembre 2022, 8 972 entreprises "
    "industrielles aidées au niveau national, 9 640 en additionnant les départements.\n"
    f"- **Part de l'industrie.** {METRIQUES['part_industrie'].methode} La part d'un membre commune est celle de son "
    "EPCI. Source tierce (dépôt PTOD, calcul d'après l'INSEE) ; les zones d'emploi ne sont pas utilisées car elles "
    "ne coïncident pas avec les territoires.\n"
    "- **Populations.** Populations légales INSEE des communes du paquet `@etalab/decoupage-administratif` 6.0.0 "
    "(géographie 2026), sommées par territoire, département, région et France."
)

st.header("Territoires d'industrie")
st.markdown(
    "- Un territoire est identifié par sa **phase** et son identifiant : l'ANCT réutilise les identifiants "
    "(`ti-0101`…) d'une phase à l'autre pour des territoires différents.\n"
    "- Les membres sont des EPCI, des EPT du Grand Paris ou des communes ; chacun est rattaché à ses communes "
    "(géographie 2026). La population d'un territoire est la somme des populations de ses communes.\n"
    "- Cinq territoires de la phase 1 (ti-2706, ti-8416, ti-9301, ti-9303, ti-9307) ne sont publiés par l'ANCT "
    "qu'avec des points : leur contour est reconstruit à partir des contours 2018 de leurs communes membres.\n"
    "- Les contours sont simplifiés ensemble (frontières communes conservées) pour la carte ; l'outre-mer est "
    "présenté en encarts, hors échelle."
)
st.header("Limites connues")
st.markdown(
    "- Le Baromètre compte des entreprises, des contrats, des bénéficiaires : **aucun montant en euros**.\n"
    "- Les valeurs sont départementales : un territoire n'est lu qu'à travers ses départements.\n"
    "- Le Fonds friches ne publie ni montant d'aide ni porteur ; le drapeau de lauréat (`laureat_fv`) du Cerema peut "
    "différer de la liste officielle ; la commune est celle de la candidature (parfois celle du porteur).\n"
    "- La liste des projets industriels de la DGE ne publie aucun montant d'aide ; le nom de commune qu'elle donne "
    "désigne souvent un autre lieu que le projet (le placement s'appuie sur les coordonnées et le code postal)."
)
st.caption(view.construite_le)
