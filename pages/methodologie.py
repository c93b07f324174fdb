"""Méthodologie & sources: sources with row counts, the priority mapping, the estimation methods, caveats."""

import streamlit as st

from relance import ui
from relance.metriques import METHOD_DEPARTEMENT, METHOD_ESTIMATE, METHOD_RATE, METRIQUES
from relance.views import methodologie, territoire


def page(adresse: ui.Adresse) -> None:
    """The page, for this run's address."""
    st.title("Méthodologie & sources")
    view = ui.vue(methodologie.methodologie, ui.run)

    st.markdown(
        "Toutes les données viennent de fichiers ouverts, chargés sans modification dans une base DuckDB. "
        "Les nombres de lignes ci-dessous sont lus dans la base, pas saisis à la main."
    )
    st.header("Sources")
    st.table(view.sources, hide_index=True)

    st.header("Quelles sources répondent à chaque priorité")
    st.markdown(
        "Chaque priorité est lue par les sources qui la couvrent (table relue `relance/reference/lectures.csv`) : la "
        "lecture principale d'abord, les autres à côté. Les listes de lauréats qui couvrent toute la France (liste DGE "
        "des appels industriels, lauréats France Relance du Fonds friches) sont placées dans les communes des "
        "territoires ; le Baromètre ne publie que des valeurs départementales, lues pour un territoire par "
        "estimation. Les rangs, les rapports, la carte et les comparaisons ne comptent que les listes qui couvrent "
        "toute la France ; les listes de l'équipe sont montrées à part, jamais classées. Un rang n'est montré "
        "que si le territoire ne partage pas sa valeur avec plus d'un quart des territoires de la phase "
        "(sinon : « 0, comme 134 "
        "autres territoires ») ; un rapport (« n fois la France ») seulement si les deux nombres comparés sont d'au "
        "moins 10 lauréats ; les classes (quarts) sont calculées sur les territoires qui comptent au moins un lauréat."
    )
    ui.show_frame(view.modele)

    st.header("Indicateurs et priorités du programme")
    st.markdown(
        "Chaque indicateur du Baromètre et chaque mesure des listes de projets est rattaché à une des priorités des "
        "Territoires d'industrie (tables de référence relues, `relance/reference/indicateurs_priorites.csv` et "
        "`mesures_priorites.csv`). Le foncier n'a pas d'indicateur dans le Baromètre : il est lu par les lauréats "
        "France Relance du Fonds friches et par les appels à l'investissement sur des sites industriels (« Soutien à "
        "l'investissement industriel dans les territoires », relocalisation), montrés à part."
    )
    ui.show_frame(view.priorites)

    st.header("Un lauréat compté une fois")
    st.markdown(
        "Une ligne de la liste DGE est le site d'une entreprise ou un partenaire d'un consortium, pas toujours un "
        "projet distinct. Dans un territoire, les lignes d'une même entreprise (son SIREN, ou son nom sans SIREN) au "
        "même descriptif de projet sont un seul lauréat, ses sites énumérés ; les partenaires d'un consortium restent "
        "des lauréats distincts, montrés ensemble. Un descriptif vide, réduit à « 0 », ou partagé par plusieurs "
        "entreprises en France ne fusionne jamais rien. Taux, rangs, cartes et comparaisons comptent les lauréats."
    )
    st.markdown(view.regle)
    if len(view.fusions):
        st.markdown("**Lignes fusionnées dans les territoires de la phase 1**")
        ui.show_frame(view.fusions)

    st.header("Dates et unités, telles que publiées")
    st.markdown(
        "- **Dates.** La liste DGE ne donne, pour chaque ligne, que la date de sa dernière mise à jour "
        "(`mise_a_jour`, 2021-2022), pas la date d'attribution : elle est montrée pour ce qu'elle est, et aucun "
        "graphique ne classe les lauréats par année.\n"
        f"- **Tonnes de CO2.** {view.co2} Pour chaque territoire, la part de son total portée par son plus gros "
        "lauréat est dite à côté."
    )

    st.header("Fonds friches : ce que disent les candidatures")
    st.markdown(
        "Le fichier des candidatures du Cerema donne, pour chaque dossier, la surface de la friche et celle du site "
        "(hectares), le type de friche, le type de porteur, le déficit d'opération qu'il déclare et douze postes de "
        "dépenses (hors taxes). Les types sont écrits de bien des façons : ils sont normalisés par deux tables relues "
        "(`relance/reference/friches_natures.csv`, `friches_porteurs.csv`). « Collectivité locale » ne distingue "
        "pas les communes des intercommunalités. Le déficit déclaré par le porteur n'est pas la subvention : "
        "aucun fichier ne "
        "donne le montant de l'aide. Le Fonds vert de 2023 est compté à part, jamais avec France Relance."
    )
    ui.show_frame(view.friches)

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
        "friches sont placés par la commune de leur candidature (Cerema). Un projet sans point est dessiné au "
        "centre de sa commune, et marqué comme tel."
    )
    st.markdown(view.placement_phrase)
    ui.show_frame(view.placement)
    st.markdown("**Projets dont la commune publiée contredit le point et le code postal** (à télécharger pour "
                "vérifier)")
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
        f"- **Part de l'industrie.** {METRIQUES['part_industrie'].methode} La part d'un membre commune est celle "
        "de son EPCI. Source tierce (dépôt PTOD, calcul d'après l'INSEE) ; les zones d'emploi ne sont pas "
        "utilisées car elles "
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
        "présenté en encarts, hors échelle.\n"
        f"- **Carte des membres** (fiche, onglet « Par intercommunalité »). {territoire.MEMBERS_MAP_METHOD} Une "
        f"commune rétablie depuis 2018 n'a pas de contour 2018 à elle : {territoire.RESTORED_ONE}."
    )
    st.header("Limites connues")
    st.markdown(
        "- Le Baromètre compte des entreprises, des contrats, des bénéficiaires : **aucun montant en euros**.\n"
        "- Les valeurs sont départementales : un territoire n'est lu qu'à travers ses départements.\n"
        "- Le Fonds friches ne publie aucun montant d'aide (seulement le déficit déclaré par le porteur) ; le drapeau "
        "de lauréat (`laureat_fv`) du Cerema peut différer de la liste officielle ; la commune est celle de la "
        "candidature (parfois celle du porteur) ; les lauréats que le Cerema ne situe pas ne sont dans aucun "
        "territoire.\n"
        "- La liste des projets industriels de la DGE ne publie aucun montant d'aide ; le nom de commune qu'elle donne "
        "désigne souvent un autre lieu que le projet (le placement s'appuie sur les coordonnées et le code postal)."
    )
    st.caption(view.construite_le)
