"""The Carte page: the territories of a phase coloured by a metric or a France Relance indicator, and the
panel of the selected territory."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from relance import charts, export, fmt, lectures, tables
from relance.db import Reader, Runner
from relance.filtres import PHASES, Filtres, Indicateur
from relance.metriques import (
    LECTURE,
    METHOD_DEPARTEMENT,
    METHOD_ESTIMATE,
    METHOD_RATE,
    METRIQUES,
    PROJECT_METRICS,
    RELANCE,
    SYMBOL_METRICS,
    Metrique,
)
from relance.views import common, laureats, synthese

NO_LIST = ("Aucun projet n'est chargé : la carte des projets est vide. Placez la liste DGE dans les données brutes, ou "
           "chargez une liste sur la page « Projets » (ou `python -m relance import FICHIER`).")
NO_INDICATOR = ("Aucun indicateur du Baromètre ne relève de cette priorité. Choisissez une autre priorité, ou un "
                "autre indicateur coloré ; les Fonds friches (foncier) ne sont publiés que par région.")


def indicator_metric(indicator: Indicateur, mode: str) -> Metrique:
    """How an indicator is drawn in one of the map modes."""
    unit, short = indicator.unite_courte, indicator.libelle_court
    if mode == "estimation":
        return Metrique("estimation", f"Estimation pour le territoire, {fmt.minuscule(short)}", unit, 0,
                        legende=f"Estimation : {fmt.minuscule(short)} ({unit})", estimation=True,
                        methode=METHOD_ESTIMATE)
    if mode == "departement":
        return Metrique("valeur", f"{short} (valeur départementale)", unit, 0,
                        legende=f"{short} ({unit}, valeur départementale)", methode=METHOD_DEPARTEMENT)
    lowered = fmt.minuscule(short)
    return Metrique("taux_10000", f"Taux pour 10 000 habitants, {lowered}", f"{unit} pour 10\u00a0000 hab.", 2,
                    legende=f"Taux : {lowered}<br>({unit} pour 10\u00a0000 habitants, valeurs départementales)",
                    methode=METHOD_RATE)


def _join(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """`left` with `right`'s columns, matched on ti_id (a left join). When every territory of `left` is once in
    `right` (the map's frames: one row per territory of the phase) and no other column is on both sides, the
    columns are taken by position: a pandas merge of text keys costs 3 to 5 ms, on every map rerun."""
    position = {ti: i for i, ti in enumerate(right["ti_id"].tolist())}
    rows = [position.get(ti, -1) for ti in left["ti_id"].tolist()]
    if len(position) != len(right) or -1 in rows or set(left.columns) & set(right.columns) != {"ti_id"}:
        return left.merge(right, on="ti_id", how="left")
    taken = right.drop(columns="ti_id").take(rows).set_axis(left.index)
    return pd.concat([left, taken], axis=1)


def map_territories(run: Runner, filtres: Filtres, metric_key: str, mode: str) -> tuple[pd.DataFrame, Metrique]:
    """Territories of a phase with the column to colour, and the metric describing it."""
    phase, indicator = filtres.phase, filtres.indicateur
    territories = run("territoires", phase=phase, ti=None)
    if metric_key in PROJECT_METRICS:
        found = laureats.figures(run, filtres).drop(columns="population")
        territories = _join(_join(territories, found), run("carte_centres", phase=phase))
        return territories, METRIQUES[metric_key]
    if metric_key == "part_industrie":
        industry = run("territoire_industrie", phase=phase)[["ti_id", "part_industrie", "rang", "ex_aequo",
                                                           "nb_territoires"]]
        territories = _join(territories, industry)
        territories["detail"] = [
            f"<br>Rang : {fmt.rang(r.rang, r.nb_territoires, r.ex_aequo)}" if pd.notna(r.rang)
            else "<br>Non disponible : source métropolitaine par EPCI (un membre commune n'a pas de part propre)"
            for r in territories.itertuples()]
        return territories, METRIQUES[metric_key]
    if metric_key in METRIQUES:
        return territories, METRIQUES[metric_key]
    metric = indicator_metric(indicator, mode)
    day = common.reading_date(filtres, indicator)
    values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=day)
    territories = _join(territories, values)
    territories["departements_valeurs"] = territories["valeurs_departements"].map(common.departement_values)
    territories["detail"] = [
        f"<br>{common.reading_note(r.valeurs_departements)} : {r.departements_valeurs}"
        + (f"<br>Rang du taux : {fmt.rang(r.rang, r.nb_territoires, r.ex_aequo)}" if pd.notna(r.rang) else "")
        for r in territories.itertuples()]
    return territories, metric


def _french_map_data(frame: pd.DataFrame, metric: Metrique) -> pd.DataFrame:
    """The data behind a territory map, with French headers (values as numbers)."""
    label = metric.libelle + (f" ({metric.unite})" if metric.unite and metric.unite != "%" else "")
    values = (frame[metric.key] * (100 if metric.unite == "%" else 1)).round(metric.decimales + (1 if metric.unite
                                                                                                == "%" else 0))
    data = pd.DataFrame({
        "Identifiant": frame["ti_id"],
        "Territoire": frame["nom"],
        "Région": frame["region_nom"],
        "Départements": frame["departements_noms"],
        label + (" — estimation" if metric.estimation else "") + (" (%)" if metric.unite == "%" else ""): values,
    })
    if "departements_valeurs" in frame:
        data["Valeurs des départements"] = frame["departements_valeurs"]
    if "rang" in frame:
        data["Rang"] = frame["rang"].astype("Int64")
    return data


@dataclass(frozen=True)
class Carte:
    """The map as the page shows it: the chart with its exports, messages above it and the method under it."""

    chart: export.Chart
    messages: list[str] = field(default_factory=list)
    methode: str = ""
    lecture: str = ""  # which reading « lecture principale » draws under the priority


def resolve_metric(run: Runner, filtres: Filtres, metric_key: str) -> str:
    """The metric drawn: « lecture principale » is the priority's lead reading, its laureates (as circles) or, when
    it is the départements' values, the Baromètre indicator of the filters."""
    if metric_key != LECTURE:
        return metric_key
    lead = lectures.lectures(run, filtres.priorite)[0]
    return RELANCE if lead.niveau == "departement" and filtres.indicateur is not None else "nb_projets"


def carte(reader: Reader, filtres: Filtres, metric_key: str, mode: str, selected: str | None) -> Carte:
    """The Carte page's map: the figure (geometry by URL on the page) and its exports (geometry inline)."""
    run, load = reader.run, reader.load
    phase, indicator = filtres.phase, filtres.indicateur
    messages, reading = [], ""
    if metric_key == LECTURE:
        lead = lectures.lectures(run, filtres.priorite)[0]
        metric_key = resolve_metric(run, filtres, metric_key)
        reading = f"Lecture principale de « {filtres.priorite_libelle} » : {fmt.minuscule(lead.libelle)}."
    if metric_key in PROJECT_METRICS:
        messages += common.missing_sources(run)
        if run("projet_imports").empty:
            messages.append(NO_LIST)
    if metric_key == RELANCE and indicator is None:
        messages.append(NO_INDICATOR)
        metric_key = "population"
    insets = load("carte_fond", couche="encarts")
    if metric_key == RELANCE and mode == "departement":
        metric = indicator_metric(indicator, mode)
        day = common.reading_date(filtres, indicator)
        departements = run("indicateur_departements", indicateur=indicator.id, date=day)
        territories = run("territoires", phase=phase, ti=None)
        title = f"{indicator.libelle_court} : valeur départementale"
        subtitle = common.reading_subtitle(filtres, indicator, date=day)
        source = common.source_relance(run)

        def build(dep_geo, ti_geo) -> go.Figure:
            return charts.departement_map(dep_geo, departements, metric, phase, ti_geo, territories, insets,
                                          selected=selected, title=title, subtitle=subtitle, source=source)

        data = pd.DataFrame({"Code": departements["code"], "Département": departements["nom"],
                             f"{indicator.libelle_court} ({indicator.unite_courte})": departements["valeur"],
                             "Population": departements["population"],
                             "Pour 10 000 habitants": departements["taux_10000"].round(2)})
        what = f"carte-departements-{indicator.libelle_court}"
    else:
        frame, metric = map_territories(run, filtres, metric_key, mode)
        relance = metric_key == RELANCE
        title = f"{metric.libelle} (valeurs départementales)" if relance else \
            f"{metric.libelle} des Territoires d'industrie"
        subtitle = (common.reading_subtitle(filtres, indicator, date=common.reading_date(filtres, indicator)) if relance
                    else f"{PHASES[phase]}, {fmt.compte(len(frame), 'territoire')}")
        source = common.source_relance(run) if relance else common.source_territoires(run, phase)
        if metric_key in PROJECT_METRICS:
            readings = lectures.lectures(run, filtres.priorite)
            title = f"{metric.libelle} dans les Territoires d'industrie"
            subtitle = f"{common.filters_subtitle(filtres)} · {lectures.somme(readings)}"
            source = common.source_projets(run, lectures=lectures.sources_comptees(readings))
        codes = list(run("departements")["code"])
        draw = charts.territory_symbols if metric_key in SYMBOL_METRICS else charts.territory_map

        def build(dep_geo, ti_geo) -> go.Figure:
            return draw(ti_geo, frame, metric, phase, dep_geo, codes, insets, selected=selected, title=title,
                        subtitle=subtitle, source=source)

        data = _french_map_data(frame, metric)
        what = f"carte-{mode if relance else ''}-{indicator.libelle_court if relance else metric.libelle}"
    if selected:
        names = run("territoires", phase=phase, ti=selected)
        if len(names):
            subtitle += f" · en rouge : {names['nom'].iloc[0]}"
    # On the page the map zooms to the chosen territory; exports show all of France, the territory in red.
    box = run("territoire_emprise", phase=phase, ti=selected) if selected else pd.DataFrame()
    dep_geo, ti_geo = reader.layer("carte_fond", couche="departements"), reader.layer("carte_territoires", phase=phase)
    layers = {dep_geo: lambda: load("carte_fond", couche="departements"),
              ti_geo: lambda: load("carte_territoires", phase=phase)} if isinstance(ti_geo, str) else {}
    chart = export.chart(
        figure=charts.zoom_to(build(dep_geo, ti_geo), tuple(box.iloc[0]) if len(box) else None),
        data=data, what=what, title=title, filters=subtitle, source=source, phase=phase, ti=selected,
        method=metric.methode, height=820,
        export_figure=lambda: build(dep_geo, ti_geo), layers=layers,
    )
    methode = ""
    if metric.methode:
        methode = ("**Estimation.** " if metric.estimation else "**Méthode.** ") + metric.methode
    return Carte(chart, messages, methode, reading)


@dataclass(frozen=True)
class Panneau:
    """The selected territory beside the map: its own France Relance figures first, then its size."""

    titre: str
    legende: str
    relance: synthese.Synthese
    chiffres: dict[str, str]
    departements: pd.DataFrame
    membres_titre: str
    membres: pd.DataFrame
    notes: list[str]
    lien: dict[str, str]  # query parameters of the link to the territory's profile


def key_figures(info: pd.Series) -> dict[str, str]:
    """A territory's size, formatted: population, intercommunalités, communes."""
    return {"Population": fmt.nombre(info["population"]),
            "Intercommunalités": fmt.nombre(info["nb_intercommunalites"]),
            "Communes": fmt.nombre(info["nb_communes"])}


def profile_link(filtres: Filtres, ti: str) -> dict[str, str]:
    """The query string that opens a territory's profile with the same filters."""
    return {"phase": str(filtres.phase), "ti": ti, "priorite": filtres.priorite,
            **({"indicateur": filtres.indicateur.id} if filtres.indicateur else {})}


def panneau(run: Runner, filtres: Filtres, ti: str) -> Panneau:
    """Identity, size, départements and members of the selected territory."""
    phase = filtres.phase
    info = run("territoires", phase=phase, ti=ti).iloc[0]
    notes = []
    if info["geometrie_source"] != "publiée (ANCT)":
        notes.append(f"Géométrie {info['geometrie_source']} : l'ANCT ne publie que des points pour ce territoire.")
    notes.append(common.plain_source(common.source_territoires(run, phase)))
    return Panneau(
        titre=info["nom"], legende=f"{info['ti_id']} · {PHASES[phase]} · Région {info['region_nom']}",
        relance=synthese.synthese(run, filtres, ti, info["nom"]), chiffres=key_figures(info),
        departements=tables.departements_table(run("territoire_departements", phase=phase, ti=ti)),
        membres_titre=f"Membres ({info['nb_membres']})",
        membres=tables.members_table(run("territoire_membres", phase=phase, ti=ti)),
        notes=notes, lien=profile_link(filtres, ti))
