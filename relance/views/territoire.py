"""The Fiche territoire page (and the fiche document): identity, members, France Relance indicators over
time, industrial weight, rank, projects and peers of one territory."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from relance import charts, export, fmt, lectures, tables
from relance.db import Reader, Runner
from relance.filtres import PHASES, Filtres, Indicateur
from relance.metriques import METHOD_ESTIMATE, METHOD_RATE
from relance.views import common, laureats, synthese
from relance.views.carte import key_figures

# The profile's tabs (ui.tabs); a tab's name is its value in the address: renaming one breaks the links to it.
ONGLETS = ("Synthèse", "Graphiques", "Projets et friches", "Par intercommunalité", "Baromètre",
           "Comparables et composition")

SERIES_NOTE = ("Valeurs départementales : le territoire est lu à travers ses départements (moyenne de leurs taux "
               "pondérée par la part de la population du territoire dans chacun). La région et la France sont "
               "construites de la même façon (somme des valeurs de leurs départements rapportée à leur population) "
               "pour être comparables ; la valeur nationale publiée, plus basse quand une entreprise aidée dans "
               "plusieurs départements y est comptée une fois, est montrée à côté.")


def industry_sentence(industry: pd.Series) -> str:
    """How a territory's industrial share reads: rank, coverage and method, or why it is unavailable."""
    if pd.isna(industry["part_industrie"]):
        return ("Part de l'industrie non disponible, et pas de rang : la source (INSEE RP 2022, calcul PTOD) ne "
                "donne une part qu'aux EPCI et EPT de métropole, et aucun membre de ce territoire n'en a (outre-mer, "
                "ou membres qui sont des communes : la part de leur EPCI n'est pas la leur).")
    return (f"Industrie : {fmt.rang(industry['rang'], industry['nb_territoires'], industry['ex_aequo'])} territoires "
            "de la phase par la part de l'industrie dans l'emploi "
            f"({fmt.compte(industry['membres_couverts'], 'membre')} sur {fmt.nombre(industry['membres'])} ont une part "
            "propre). Calcul : part de l'industrie de chaque EPCI membre pondérée par son emploi salarié privé.")


def series_chart(run: Runner, filtres: Filtres, ti: str, nom: str, indicator: Indicateur) -> export.Chart:
    """The profile's monthly series of one indicator against région and France."""
    series = run("territoire_serie", phase=filtres.phase, ti=ti, indicateur=indicator.id)
    subtitle = f"Taux pour 10\u00a0000 habitants · {common.reading_subtitle(filtres, indicator, nom)}"
    source = common.source_relance(run)
    restart = indicator.date_lecture.month % 12 + 1 if indicator.nature == "campagne" else None
    figure = charts.series_chart(series, f"Taux pour 10 000 habitants : {fmt.minuscule(indicator.libelle_court)}",
                                 indicator.unite_courte, nom, source, subtitle=subtitle,
                                 nature=indicator.nature, restart_month=restart)
    region = series["region_nom"].iloc[0] if len(series) else "région"
    data = pd.DataFrame({
        "Date": pd.to_datetime(series["date"]),
        f"{nom}, taux (pour 10 000 hab.)": series["taux_territoire"].round(2),
        f"Région {region}, départements (pour 10 000 hab.)": series["taux_region"].round(2),
        "France, somme des départements (pour 10 000 hab.)": series["taux_france"].round(2),
        "France, valeur nationale publiée (pour 10 000 hab.)": series["taux_france_publie"].round(2),
        f"{nom}, estimation ({indicator.unite_courte})": series["estimation_territoire"].round(0),
    })
    return export.chart(figure, data, f"serie-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                        phase=filtres.phase, ti=ti, method=f"{METHOD_RATE} {METHOD_ESTIMATE}")


@dataclass(frozen=True)
class Profil:
    """Everything the territory profile (and the fiche) shows about one territory."""

    ti: str
    phase: int
    nom: str
    legende: str
    info: pd.Series
    chiffres: dict[str, str]
    industrie_part: str
    industrie_phrase: str
    industrie_rang: str
    locator: go.Figure
    serie_note: str
    indicateurs_titre: str
    nb_territoires: int  # in the phase
    projets_lien: dict[str, str]
    pairs: pd.DataFrame  # formatted
    pairs_ids: list[str]
    comparer_lien: dict[str, str]
    departements: pd.DataFrame  # formatted
    membres_titre: str
    membres: pd.DataFrame  # formatted
    membres_export: pd.DataFrame  # numbers as numbers
    source: str
    filtres_texte: str  # the filters as written under a chart's title
    priorite_libelle: str
    source_relance: str
    # The parts that take time are computed when first read: the page draws the top of the profile (name, figures,
    # locator map) while they are computed, so its first chart shows sooner.
    calculs: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)

    serie = common.later("serie")  # export.Chart | None
    indicateurs = common.later("indicateurs")  # pd.DataFrame, formatted, one row per indicator of the priority
    synthese = common.later("synthese")  # synthese.Synthese: the priority's readings, the lead first
    laureats = common.later("laureats")  # laureats.Laureats
    echelles = common.later("echelles")  # laureats.Echelles: the territory next to its départements, région, France
    lectures = common.later("lectures", ())  # lectures.Lecture of the priority, the lead first
    par_membre = common.later("par_membre")  # ParMembre: the laureates of each member intercommunalité

    @property
    def graphiques(self) -> list:
        """The charts of the priority's readings, in the readings' order (the Baromètre's is its series)."""
        found = []
        by_source = self.laureats.graphiques
        for reading in self.lectures:
            if reading.source == "barometre":
                found += [self.serie] if self.serie is not None else []
            else:
                found += by_source.get(reading.source, [])
        return found


def profil(reader: Reader, filtres: Filtres, ti: str, search: str = "") -> Profil | None:
    """The profile of a territory; None if the id is unknown in the phase."""
    run = reader.run
    phase, indicator = filtres.phase, filtres.indicateur
    found = run("territoires", phase=phase, ti=ti)
    if found.empty:
        return None
    info = found.iloc[0]
    nom = info["nom"]
    industry_all = run("territoire_industrie", phase=phase)
    industry = industry_all[industry_all["ti_id"] == ti].iloc[0]
    items = common.indicateurs(run, filtres.priorite)
    members = run("territoire_membres", phase=phase, ti=ti)
    peers = run("territoire_pairs", phase=phase, ti=ti)
    locator = charts.locator_map(
        reader.layer("carte_fond", couche="departements"), list(run("departements")["code"]),
        reader.layer("carte_territoires", phase=phase), ti, nom, reader.load("carte_fond", couche="encarts"))
    share = industry["part_industrie"]
    comparer = {"phase": str(phase), "priorite": filtres.priorite, "comparer": ",".join([ti, *peers["ti_id"][:3]]),
                **({"indicateur": indicator.id} if indicator else {})}
    return Profil(
        ti=ti, phase=phase, nom=nom,
        legende=f"{ti} · {PHASES[phase]} · Région {info['region_nom']} · Départements : {info['departements_noms']}",
        info=info, chiffres=key_figures(info), industrie_part=fmt.pourcent(share),
        industrie_phrase=industry_sentence(industry),
        industrie_rang=(f"{fmt.pourcent(share)} "
                        f"({fmt.rang(industry['rang'], industry['nb_territoires'], industry['ex_aequo'])})"
                        if pd.notna(share) else "non disponible"),
        locator=locator,
        serie_note=SERIES_NOTE if indicator else "Aucun indicateur du Baromètre pour la priorité choisie.",
        indicateurs_titre="Tous les indicateurs de la priorité, à la dernière date",
        nb_territoires=len(industry_all),
        projets_lien={"phase": str(phase), "ti": ti, "priorite": filtres.priorite},
        pairs=tables.peers_table(peers), pairs_ids=list(peers["ti_id"]), comparer_lien=comparer,
        departements=tables.departements_table(run("territoire_departements", phase=phase, ti=ti)),
        membres_titre=f"Membres ({info['nb_membres']})", membres=tables.members_table(members),
        membres_export=pd.DataFrame({"Membre": members["nom"], "SIREN": members["siren"], "Type": members["type"],
                                     "Population": members["population"], "Communes": members["nb_communes"]}),
        source=common.source_territoires(run, phase),
        filtres_texte=common.filters_subtitle(filtres, nom), priorite_libelle=filtres.priorite_libelle,
        source_relance=common.source_relance(run),
        calculs={
            "serie": lambda: series_chart(run, filtres, ti, nom, indicator) if indicator else None,
            "indicateurs": lambda: synthese.indicator_ranks(run, filtres, ti, items) if items else pd.DataFrame(),
            "synthese": lambda: synthese.synthese(run, filtres, ti, nom),
            "laureats": lambda: laureats.territory_laureats(reader, filtres, ti, nom, search),
            "echelles": lambda: laureats.scales(run, filtres, ti, nom),
            "lectures": lambda: lectures.lectures(run, filtres.priorite),
            "par_membre": lambda: by_member(run, filtres, ti, nom),
        },
    )


def fiche(reader: Reader, filtres: Filtres, ti: str, day=None):
    """The fiche territoire (PDF, Word file and ZIP) of a territory, its map layers inline."""
    from relance import fiche as document

    found = profil(reader, filtres, ti)
    if found is None:
        raise KeyError(f"territoire {ti} inconnu en phase {filtres.phase}")
    return document.build(found, day)


MEMBERS_METHOD = ("Lauréats des listes nationales comptés une fois chacun, comme pour le territoire ; chacun compté "
                  "dans le membre (EPCI, EPT ou commune) où se trouve la commune de sa ligne ; un lauréat présent "
                  "dans plusieurs membres compte une fois, dans celui de sa première ligne qui a une commune ; la "
                  "somme des membres est le nombre du territoire.")
WITHOUT_COMMUNE = "Placés par leur point, sans commune"


@dataclass(frozen=True)
class ParMembre:
    """A territory's laureates by member intercommunalité: a sentence a note can quote and its table."""

    phrase: str
    table: export.Table
    total: int
    carte: export.Chart | None  # the members' map (None when no member has a contour)
    carte_seule: go.Figure | None = None  # the same map without title nor source, for the fiche's PDF and Word file
    carte_note: str = ""  # what the fiche writes under it: how it is drawn, its sources


def by_member(run: Runner, filtres: Filtres, ti: str, nom: str) -> ParMembre:
    """Each member's laureates (count, per 10 000 inhabitants, by priority) of the lists the priority counts."""
    readings = lectures.comptees(lectures.lectures(run, filtres.priorite))
    sources = [r.source for r in readings]
    rows = run("membres_laureats", phase=filtres.phase, ti=ti, priorite=filtres.priorite_filtre, lectures=sources)
    labels = common.priority_labels(run)
    rows = rows.assign(cle=rows["siren"].fillna(""), membre=rows["nom"].fillna(WITHOUT_COMMUNE),
                       libelle=rows["priorite"].map(lambda p: common.label_of(labels, p)))
    keys = ["cle", "membre", "siren", "type", "population", "nb_communes"]
    members = rows.drop_duplicates("cle")[keys].set_index("cle")  # by SIREN: two members may share a name
    counts = rows.pivot_table(index="cle", columns="libelle", values="nb_laureats", aggfunc="sum", fill_value=0)
    counts = counts[[c for c in counts.columns if counts[c].sum() > 0]]
    ordered = [labels[p] for p in labels if labels[p] in counts.columns] + \
        [c for c in counts.columns if c not in labels.values()]
    total = rows.groupby("cle", sort=False)["nb_laureats"].sum()
    table = pd.DataFrame({
        "Membre": members["membre"].to_numpy(), "SIREN": members["siren"].to_numpy(),
        "Type": members["type"].to_numpy(),
        "Population": members["population"].astype("Int64").to_numpy(),
        "Lauréats": total.reindex(members.index).astype(int).to_numpy(),
    })
    table["Pour 10 000 habitants"] = (table["Lauréats"] / table["Population"].astype(float) * 10000).round(2)
    for column in ordered:
        table[f"dont {column}"] = counts.reindex(members.index)[column].fillna(0).astype(int).to_numpy()
    count = int(table["Lauréats"].sum())
    what = fmt.minuscule(lectures.somme(readings)) or "listes nationales"
    shown = table[table["SIREN"].notna()].sort_values(["Lauréats", "Population"], ascending=False)
    members_count = len(shown)
    among = f"ses {fmt.compte(members_count, 'membre')}" if members_count > 1 else "son seul membre"
    if count == 0:
        phrase = f"{nom} : aucun lauréat ({what}) dans les communes de {among}."
    else:
        top = shown.iloc[0]
        tie = int((shown["Lauréats"] == top["Lauréats"]).sum()) > 1
        phrase = f"{nom} : {fmt.compte(count, 'lauréat')} ({what}) "
        if members_count == 1:
            phrase += f"dans les communes de {among}, {top['Membre']}."
        else:
            phrase += (f"{'réparti' if count < 2 else 'répartis'} entre {among} par la commune de chaque lauréat ; "
                       f"{top['Membre']} {'est parmi ceux qui en comptent' if tie else 'en compte'} le plus "
                       f"({fmt.nombre(top['Lauréats'])}, soit {fmt.nombre(top['Pour 10 000 habitants'], 2)} pour "
                       "10 000 habitants).")
        without = int(table.loc[table["SIREN"].isna(), "Lauréats"].sum())
        if without:
            phrase += (f" {fmt.compte(without, 'lauréat')} {'placé' if without < 2 else 'placés'} par leur point, "
                       f"sans commune, {'est compté' if without < 2 else 'sont comptés'} à part.")
    subtitle = common.filters_subtitle(filtres, nom)
    source = common.source_projets(run, lectures=sources)
    found = export.Table(table, "laureats-par-membre", "Lauréats par intercommunalité membre", subtitle, source,
                         phase=filtres.phase, ti=ti, method=MEMBERS_METHOD)
    return ParMembre(phrase, found, count, *members_chart(run, found, nom, ordered))


MEMBERS_MAP_METHOD = (f"{fmt.majuscule(charts.MEMBERS_MAP_WHAT)}, comptés comme dans le tableau ; contours des "
                      "membres : les contours 2018 de leurs communes (IGN Admin Express) réunis, une commune fusionnée "
                      "depuis 2018 étant la réunion de ses anciennes communes.")
# A commune re-established since 2018 (the build counts them in membre_geometrie.communes_sans_contour).
RESTORED_ONE = "son sol est dans le contour 2018 de la commune nouvelle qu'elle a quittée, rattachée au même membre"
RESTORED_SEVERAL = ("leur sol est dans le contour 2018 de la commune nouvelle que chacune a quittée, rattachée au même "
                    "membre")


def members_chart(run: Runner, table: export.Table, nom: str, priorities: list[str]
                  ) -> tuple[export.Chart | None, go.Figure | None, str]:
    """The members' map: each member's contour and a circle for its laureates (charts.members_map), with the table's
    data; what it cannot draw (laureates without a commune, communes without a 2018 contour) said under it. Also the
    same map bare, and the note the fiche writes under it."""
    contours = run("membres_contours", phase=table.phase, ti=table.ti)
    if contours.empty:
        return None, None, ""
    data = table.data
    members = data[data["SIREN"].notna()].merge(contours, left_on="SIREN", right_on="siren")

    def detail(row) -> str:
        parts = [f"{label} : {fmt.nombre(row[f'dont {label}'])}" for label in priorities if row[f"dont {label}"]]
        return "<br>dont " + " ; ".join(parts) if parts and len(priorities) > 1 else ""

    frame = pd.DataFrame({
        "siren": members["SIREN"], "membre": members["Membre"], "type": members["Type"],
        "population": members["Population"], "laureats": members["Lauréats"],
        "taux": members["Pour 10 000 habitants"].astype(float),
        "detail": [detail(row) for _, row in members.iterrows()],
        "centre_lon": members["centre_lon"], "centre_lat": members["centre_lat"]})
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"siren": siren}, "geometry": json.loads(shape)}
        for siren, shape in zip(contours["siren"], contours["geojson"], strict=True)]}
    notes = []
    apart = int(data.loc[data["SIREN"].isna(), "Lauréats"].sum())
    if apart:
        notes.append(f"{fmt.compte(apart, 'lauréat')} placé{'' if apart < 2 else 's'} par "
                     f"{'son' if apart < 2 else 'leur'} point, sans commune, hors de la carte.")
    restored = int(contours["communes_sans_contour"].sum())
    if restored:
        one = restored < 2
        notes.append(f"{fmt.compte(restored, 'commune')} rétablie{'' if one else 's'} depuis 2018, sans contour 2018 "
                     f"propre : {RESTORED_ONE if one else RESTORED_SEVERAL}.")
    drawn = set(contours["siren"])
    missing = [m for m, s in zip(data["Membre"], data["SIREN"], strict=True) if not fmt.absent(s) and s not in drawn]
    if missing:
        notes.append(f"Sans contour : {', '.join(missing)}.")
    outline = common.source_row(run, "communes_2018")
    source = (f"{table.source}<br>Contours : {outline['editeur']}, communes ({outline['millesime']}), réunies par "
              "membre.")
    title = f"Lauréats par intercommunalité membre : {nom}"
    figure = charts.members_map(geojson, frame, title, table.filters, source, " ".join(notes))
    bare = charts.members_map(geojson, frame, title, table.filters, source, bare=True)
    unnamed = [figure.layout.meta["noms"]] if figure.layout.meta["noms"] else []  # names left to the hover
    chart = export.chart(figure, data, "carte-membres", title, table.filters, source, phase=table.phase, ti=table.ti,
                         method=" ".join([MEMBERS_MAP_METHOD, MEMBERS_METHOD, *notes, *unnamed]))
    note = " ".join([f"{title} : {charts.MEMBERS_MAP_WHAT}.", *notes, *unnamed, common.plain_source(source)])
    return chart, bare, note
