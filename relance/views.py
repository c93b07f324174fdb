"""What each page shows, assembled from query results: frames, metrics and titles (no Streamlit here).

Every function takes `run(name, **params) -> DataFrame` so that pages pass their cached runner and
tests pass `functools.partial(db.run, con)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import shapely

from relance import export, fmt
from relance.metrics import (
    ALL_PRIORITIES,
    METHOD_DEPARTEMENT,
    METHOD_ESTIMATE,
    METHOD_RATE,
    METRICS,
    PHASES,
    PRIORITIES,
    RELANCE,
    Metric,
)

Runner = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Indicator:
    """A Baromètre indicator as offered to users."""

    id: str
    libelle: str
    libelle_court: str
    mesure: str
    unite: str
    priorite: str
    priorite_libelle: str
    derniere_date: dt.date

    @property
    def unite_courte(self) -> str:
        """The unit without the Baromètre's long qualifiers (`Recrutements depuis le mois d'août précédent`)."""
        return self.unite.split(" depuis ")[0].lower()


def territory_names(run: Runner, phase: int) -> dict[str, str]:
    """Territory id -> name for one phase, in list order (by name)."""
    territories = run("territoires", phase=phase)
    return dict(zip(territories["ti_id"], territories["nom"], strict=True))


def key_figures(info: pd.Series) -> dict[str, str]:
    """A territory's size, formatted: population, intercommunalités, communes."""
    return {"Population": fmt.nombre(info["population"]),
            "Intercommunalités": fmt.nombre(info["nb_intercommunalites"]),
            "Communes": fmt.nombre(info["nb_communes"])}


def industry_sentence(industry: pd.Series) -> str:
    """How a territory's industrial share reads: rank, coverage and method, or why it is unavailable."""
    if pd.isna(industry["part_industrie"]):
        return ("Part de l'industrie non disponible : la source (INSEE RP 2022 par EPCI) couvre la métropole "
                "seulement.")
    return (f"Industrie : {int(industry['rang'])}e territoire sur {int(industry['nb_territoires'])} de la phase par "
            f"la part de l'industrie dans l'emploi ({industry['membres_couverts']} membres sur {industry['membres']} "
            "couverts). Calcul : part de l'industrie de chaque EPCI membre pondérée par son emploi salarié privé.")


def terciles_sentence(chart: export.Chart, indicator: Indicator) -> str:
    """The reading of the terciles chart in one French sentence."""
    rates = chart.data["Pour 10 000 habitants"]
    return (f"Tiers le plus couvert : {fmt.nombre(rates.iloc[-1], 2)} pour 10 000 habitants, contre "
            f"{fmt.nombre(rates.iloc[0], 2)} dans le tiers le moins couvert "
            f"({fmt.date_longue(indicator.derniere_date)}).")


def indicators(run: Runner, priorite: str) -> list[Indicator]:
    """Indicators of a priority (all priorities for `toutes`), the main France Relance one first."""
    frame = run("indicateurs", priorite=None if priorite == ALL_PRIORITIES else priorite)
    return [Indicator(r.id_indicateur, r.libelle, r.libelle_court, r.mesure, r.unite, r.priorite, r.priorite_libelle,
                      pd.Timestamp(r.derniere_date).date()) for r in frame.itertuples()]


def indicator_metric(indicator: Indicator, mode: str) -> Metric:
    """How an indicator is drawn in one of the map modes."""
    unit, short = indicator.unite_courte, indicator.libelle_court
    if mode == "estimation":
        return Metric("estimation", short, unit, 1, legende=f"{short} ({unit})", estimation=True,
                      methode=METHOD_ESTIMATE)
    if mode == "departement":
        return Metric("valeur", short, unit, 0, legende=f"{short} ({unit})", methode=METHOD_DEPARTEMENT)
    return Metric("taux_10000", short, f"{unit} pour 10\u00a0000 hab.", 2,
                  legende=f"{short}<br>({unit} pour 10\u00a0000 habitants)", methode=METHOD_RATE)


def filters_subtitle(phase: int, priorite: str, ti_nom: str | None = None, date: dt.date | None = None) -> str:
    """The active filters, written into every chart so that an exported image stands alone."""
    parts = [PHASES[phase], PRIORITIES[priorite]]
    if ti_nom:
        parts.append(ti_nom)
    if date:
        parts.append(f"au {fmt.date_longue(date)}")
    return " · ".join(parts)


PROJECT_METRICS = ("projets_10000", "nb_projets")


def map_territories(run: Runner, phase: int, metric_key: str, indicator: Indicator | None, mode: str,
                    priorite: str = ALL_PRIORITIES) -> tuple[pd.DataFrame, Metric]:
    """Territories of a phase with the column to colour, and the metric describing it."""
    territories = run("territoires", phase=phase)
    if metric_key in METRICS:
        metric = METRICS[metric_key]
        if metric_key in ("projets_10000", "nb_projets"):
            counts = run("projets_par_territoire", phase=phase)
            column = {"foncier": "nb_foncier", "competences": "nb_competences", "innover": "nb_innover"}.get(priorite)
            if column:  # the priority chosen in the sidebar filters the projects counted
                population = territories.set_index("ti_id")["population"]
                counts = counts.assign(nb_projets=counts[column])
                counts["projets_10000"] = counts["nb_projets"] / counts["ti_id"].map(population) * 10000
            territories = territories.merge(counts, on="ti_id", how="left")
            territories["detail"] = [
                f"<br>Projets : {int(r.nb_projets)} (foncier {int(r.nb_foncier)}, compétences "
                f"{int(r.nb_competences)}, innover {int(r.nb_innover)})"
                + (f"<br>Aide (listes qui la donnent) : {fmt.euros(r.montant_aide)}"
                   if pd.notna(r.montant_aide) and r.montant_aide else "")
                for r in territories.itertuples()]
        if metric_key == "part_industrie":
            industry = run("territoire_industrie", phase=phase)[["ti_id", "part_industrie", "rang",
                                                                  "nb_territoires"]]
            territories = territories.merge(industry, on="ti_id", how="left")
            territories["detail"] = [
                f"<br>Rang : {int(r.rang)}<sup>e</sup> sur {int(r.nb_territoires)}" if pd.notna(r.rang)
                else "<br>Non disponible outre-mer (source métropolitaine)" for r in territories.itertuples()]
        return territories, metric
    if indicator is None:
        raise ValueError("un indicateur est nécessaire pour la carte de la relance")
    metric = indicator_metric(indicator, mode)
    values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
    territories = territories.merge(values, on="ti_id", how="left")
    territories["detail"] = [
        f"<br>Valeurs des départements : {r.departements_valeurs}"
        + (f"<br>Rang : {int(r.rang)}<sup>e</sup> sur {int(r.nb_territoires)} (taux)" if pd.notna(r.rang) else "")
        for r in territories.itertuples()]
    return territories, metric


@dataclass(frozen=True)
class Profile:
    """Everything the territory profile shows about one territory."""

    info: pd.Series
    members: pd.DataFrame
    departements: pd.DataFrame
    industry: pd.Series
    peers: pd.DataFrame


def profile(run: Runner, phase: int, ti: str) -> Profile | None:
    """Identity, members, départements, industrial weight and peers of a territory; None if unknown."""
    info = run("territoire", phase=phase, ti=ti)
    if info.empty:
        return None
    industry = run("territoire_industrie", phase=phase)
    return Profile(
        info=info.iloc[0],
        members=run("territoire_membres", phase=phase, ti=ti),
        departements=run("territoire_departements", phase=phase, ti=ti),
        industry=industry[industry["ti_id"] == ti].iloc[0],
        peers=run("territoire_pairs", phase=phase, ti=ti),
    )


def indicator_ranks(run: Runner, phase: int, ti: str, items: list[Indicator]) -> pd.DataFrame:
    """For each indicator: the territory's rate, estimate and rank among the territories of its phase."""
    rows = []
    for indicator in items:
        values = run("indicateur_territoires", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
        row = values[values["ti_id"] == ti]
        if row.empty:
            continue
        row = row.iloc[0]
        rows.append({
            "Indicateur": indicator.libelle_court,
            "Priorité": indicator.priorite_libelle,
            "Date": fmt.date_longue(indicator.derniere_date),
            "Pour 10 000 habitants": fmt.nombre(row["taux_10000"], 2),
            "Estimation pour le territoire": fmt.nombre(row["estimation"], 1) + " (estimation)",
            "Rang (taux)": (f"{int(row['rang'])}e sur {int(row['nb_territoires'])}" if pd.notna(row["rang"])
                            else "non disponible"),
            "Valeurs des départements": row["departements_valeurs"],
        })
    return pd.DataFrame(rows)


def coverage_summary(run: Runner, phase: int, items: list[Indicator]) -> pd.DataFrame:
    """Per indicator and tercile of départements (by population share in a territory): rate and index (all = 100)."""
    frames = []
    for indicator in items:
        groups = run("territoires_vs_france", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
        overall = groups["valeur"].sum() / groups["population"].sum() * 10000
        frames.append(groups.assign(indicateur=indicator.libelle_court, date=indicator.derniere_date,
                                    indice=groups["taux_10000"] / overall * 100))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --- Charts with their exports -------------------------------------------------------------------------------


def _french_map_data(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """The data behind a territory map, with French headers (values as numbers)."""
    label = metric.libelle + (f" ({metric.unite})" if metric.unite and metric.unite != "%" else "")
    values = frame[metric.key] * (100 if metric.unite == "%" else 1)
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


def map_chart(run: Runner, load: Callable[..., object], urls: dict[str, str], phase: int, priorite: str,
              metric_key: str, indicator: Indicator | None, mode: str, selected: str | None) -> export.Chart:
    """The Carte page's map: the figure (geometry by URL) and its exports (geometry inline)."""
    from relance import charts

    insets = load("carte_fond", couche="encarts")
    if metric_key == RELANCE and indicator is not None and mode == "departement":
        metric = indicator_metric(indicator, mode)
        departements = run("indicateur_departements", indicateur=indicator.id, date=indicator.derniere_date)
        territories = run("territoires", phase=phase)
        title = f"{indicator.libelle} : valeur par département"
        subtitle = filters_subtitle(phase, priorite, date=indicator.derniere_date)
        source = charts.source_relance()

        def build(dep_geo, ti_geo) -> go.Figure:
            return charts.departement_map(dep_geo, departements, metric, phase, ti_geo, territories, insets,
                                          selected=selected, title=title, subtitle=subtitle, source=source)

        data = pd.DataFrame({"Code": departements["code"], "Département": departements["nom"],
                             f"{indicator.libelle_court} ({indicator.unite_courte})": departements["valeur"],
                             "Population": departements["population"],
                             "Pour 10 000 habitants": departements["taux_10000"]})
        what = f"carte-departements-{indicator.libelle_court}"
    else:
        if metric_key == RELANCE and indicator is None:
            metric_key = "population"
        frame, metric = map_territories(run, phase, metric_key, indicator, mode, priorite)
        relance = metric_key == RELANCE
        title = (f"{indicator.libelle}{' (estimation)' if metric.estimation else ''}" if relance
                 else f"{metric.libelle} des Territoires d'industrie")
        subtitle = (filters_subtitle(phase, priorite, date=indicator.derniere_date) if relance
                    else f"{PHASES[phase]}, {len(frame)} territoires")
        source = charts.source_relance() if relance else charts.source_territoires(phase)
        if metric_key in PROJECT_METRICS:
            subtitle = filters_subtitle(phase, priorite)
            source = charts.source_projets(list(run("projet_imports")["fichier"]))
        codes = list(run("departements")["code"])

        def build(dep_geo, ti_geo) -> go.Figure:
            return charts.territory_map(ti_geo, frame, metric, phase, dep_geo, codes, insets, selected=selected,
                                        title=title, subtitle=subtitle, source=source)

        data = _french_map_data(frame, metric)
        what = f"carte-{mode if relance else ''}-{indicator.libelle_court if relance else metric.libelle}"
    return export.Chart(
        figure=build(urls["departements"], urls["territoires"]), data=data, what=what, title=title,
        filters=subtitle, source=source, phase=phase, ti=selected, method=metric.methode, height=820,
        export_figure=lambda: build(load("carte_fond", couche="departements"),
                                    load("carte_territoires", phase=phase)),
    )


def series_chart(run: Runner, phase: int, priorite: str, ti: str, nom: str, indicator: Indicator) -> export.Chart:
    """The profile's monthly series of one indicator against région and France."""
    from relance import charts

    series = run("territoire_serie", phase=phase, ti=ti, indicateur=indicator.id)
    subtitle = f"Pour 10\u00a0000 habitants, cumul mensuel · {filters_subtitle(phase, priorite, nom)}"
    source = charts.source_relance()
    figure = charts.series_chart(series, indicator.libelle, indicator.unite_courte, nom, source, subtitle=subtitle)
    region = series["region_nom"].iloc[0] if len(series) else "région"
    data = pd.DataFrame({
        "Date": pd.to_datetime(series["date"]),
        f"{nom} (pour 10 000 hab.)": series["taux_territoire"],
        f"Région {region} (pour 10 000 hab.)": series["taux_region"],
        "France (pour 10 000 hab.)": series["taux_france"],
        f"{nom} — estimation ({indicator.unite_courte})": series["estimation_territoire"],
    })
    return export.Chart(figure, data, f"serie-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                        phase=phase, ti=ti, method=f"{METHOD_RATE} {METHOD_ESTIMATE}")


def comparison_chart(run: Runner, phase: int, priorite: str, chosen: list[str], names: dict[str, str],
                     indicator: Indicator) -> export.Chart:
    """Territories side by side for one indicator."""
    from relance import charts

    data = run("comparaison", phase=phase, tis=chosen, indicateur=indicator.id)
    subtitle = filters_subtitle(phase, priorite, ", ".join(names[t] for t in chosen))
    source = charts.source_relance()
    figure = charts.comparison_chart(data, indicator.libelle, indicator.unite_courte, source, subtitle=subtitle)
    table = pd.DataFrame({"Identifiant": data["ti_id"], "Territoire": data["nom"], "Date": pd.to_datetime(data["date"]),
                          "Pour 10 000 habitants": data["taux_10000"],
                          f"Estimation ({indicator.unite_courte})": data["estimation"]})
    return export.Chart(figure, table, f"comparaison-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                        phase=phase, ti="-".join(chosen) if len(chosen) <= 2 else None,
                        method=f"{METHOD_RATE} {METHOD_ESTIMATE}")


def coverage_charts(run: Runner, phase: int, priorite: str, items: list[Indicator], indicator: Indicator | None
                    ) -> list[export.Chart]:
    """Territoires vs the rest of France: the summary of every indicator, then the chosen one in detail."""
    from relance import charts

    source = charts.source_relance()
    out = []
    if items:
        summary = coverage_summary(run, phase, items)
        subtitle = filters_subtitle(phase, priorite)
        figure = charts.coverage_summary_chart(summary, phase, source, subtitle=subtitle)
        data = pd.DataFrame({"Indicateur": summary["indicateur"], "Date": pd.to_datetime(summary["date"]),
                             "Groupe de départements": summary["libelle_groupe"],
                             "Départements": summary["nb_departements"],
                             "Part en TI min.": summary["part_min"], "Part en TI max.": summary["part_max"],
                             "Pour 10 000 habitants": summary["taux_10000"],
                             "Indice (ensemble = 100)": summary["indice"]})
        out.append(export.Chart(figure, data, "territoires-et-reste-de-la-france", charts.SUMMARY_TITLE, subtitle,
                                source, phase=phase))
    if indicator is not None:
        subtitle = filters_subtitle(phase, priorite, date=indicator.derniere_date)
        groups = run("territoires_vs_france", phase=phase, indicateur=indicator.id, date=indicator.derniere_date)
        figure = charts.terciles_chart(groups, indicator.libelle, indicator.unite_courte, phase, source,
                                       subtitle=subtitle)
        data = pd.DataFrame({"Groupe de départements": groups["libelle_groupe"],
                             "Départements": groups["nb_departements"], "Part en TI min.": groups["part_min"],
                             "Part en TI max.": groups["part_max"], "Population": groups["population"],
                             f"Valeur ({indicator.unite_courte})": groups["valeur"],
                             "Pour 10 000 habitants": groups["taux_10000"]})
        out.append(export.Chart(figure, data, f"tiers-{indicator.libelle_court}", indicator.libelle, subtitle, source,
                                phase=phase))
        departements = run("departements_couverture", phase=phase, indicateur=indicator.id,
                           date=indicator.derniere_date)
        figure = charts.coverage_scatter(departements, indicator.libelle, indicator.unite_courte, phase, source,
                                         subtitle=subtitle)
        data = pd.DataFrame({"Code": departements["code"], "Département": departements["nom"],
                             "Population": departements["population"], "Part en TI": departements["part_ti"],
                             f"Valeur ({indicator.unite_courte})": departements["valeur"],
                             "Pour 10 000 habitants": departements["taux_10000"]})
        out.append(export.Chart(figure, data, f"departements-{indicator.libelle_court}", indicator.libelle, subtitle,
                                source, phase=phase))
    return out


def friches_chart(run: Runner) -> export.Chart:
    """Fonds friches laureates by région and procedure."""
    from relance import charts

    friches = run("fonds_friches_regions")
    source = charts.source_friches()
    figure = charts.friches_chart(friches, source)
    data = pd.DataFrame({"Région": friches["region_nom"], "Procédure": friches["num_demarche"],
                         "Candidatures": friches["candidatures"], "Lauréats (laureat_fv)": friches["laureats"]})
    return export.Chart(figure, data, "fonds-friches-par-region", "Fonds friches : lauréats par région",
                        "Quatre procédures, dont la 4e probablement hors France Relance", source,
                        method="Drapeau laureat_fv du fichier Cerema ; édition de chaque procédure non documentée.")


# --- Projects -------------------------------------------------------------------------------------------------

DOUBTFUL = ("faible", "non placé")


def filter_projects(projects: pd.DataFrame, text: str = "", ti: str | None = None, priorite: str = ALL_PRIORITIES,
                    mesures: list[str] | None = None, filieres: list[str] | None = None,
                    tailles: list[str] | None = None, where: str = "tous", doubtful: bool = False) -> pd.DataFrame:
    """Projects matching the page's filters (text searched in company, name, description and commune)."""
    out = projects
    if text.strip():
        needle = text.strip().lower()
        haystack = (out["entreprise"].fillna("") + " " + out["nom"].fillna("") + " " + out["description"].fillna("")
                    + " " + out["commune_nom"].fillna("")).str.lower()
        out = out[haystack.str.contains(needle, regex=False)]
    if ti:
        out = out[out["ti_id"] == ti]
    if priorite != ALL_PRIORITIES:
        out = out[out["priorite"] == priorite]
    if mesures:
        out = out[out["mesure"].isin(mesures)]
    if filieres:
        out = out[out["filiere"].isin(filieres)]
    if tailles:
        out = out[out["type_entreprise"].isin(tailles)]
    if where == "dans":
        out = out[out["ti_id"].notna()]
    elif where == "hors":
        out = out[out["ti_id"].isna()]
    if doubtful:
        out = out[out["confiance"].isin(DOUBTFUL)]
    return out


def projects_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects as shown and exported: French headers, amounts as numbers."""
    return pd.DataFrame({
        "Entreprise": projects["entreprise"], "Projet": projects["nom"], "Mesure": projects["mesure"],
        "Priorité": projects["priorite"].map(lambda p: PRIORITIES.get(p, "non classée") if p else "non classée"),
        "Commune": projects["commune_nom"], "Département": projects["departement_code"],
        "Territoire": projects["ti_nom"].fillna("hors territoire"), "Identifiant": projects["ti_id"],
        "Placement": projects["placement"], "Confiance": projects["confiance"], "Problèmes": projects["problemes"],
        "Aide (€)": projects["montant_aide"], "Investissement (€)": projects["montant_investissement"],
        "Source": projects["fichier"],
    })


def display_points(projects: pd.DataFrame, transforms: dict, departements: pd.DataFrame) -> pd.DataFrame:
    """Project coordinates in map position: overseas points moved into their insets like the polygons."""
    from relance import geo

    region = departements.set_index("code")["region_code"]
    points = projects.dropna(subset=["lat", "lon"]).copy()
    lons, lats = [], []
    for row in points.itertuples():
        params = transforms.get(region.get(row.departement_code, ""))
        point = shapely.Point(row.lon, row.lat)
        if params:
            point = geo.apply_transform(point, params)
        lons.append(point.x)
        lats.append(point.y)
    points["x"], points["y"] = lons, lats
    return points


def projects_chart(run: Runner, load: Callable[..., object], urls: dict[str, str], phase: int, priorite: str,
                   projects: pd.DataFrame, selected: str | None) -> export.Chart:
    """Point map of projects over the territory outlines."""
    from relance import charts

    points = display_points(projects, load("carte_fond", couche="transformations_outre_mer"), run("departements"))
    territories = run("territoires", phase=phase)
    insets = load("carte_fond", couche="encarts")
    subtitle = filters_subtitle(phase, priorite, territories.set_index("ti_id")["nom"].get(selected) if selected
                                else None) + f" · {len(projects)} projets, {len(points)} avec coordonnées"
    source = charts.source_projets(sorted(set(projects["fichier"])))

    def build(ti_geo) -> go.Figure:
        return charts.projects_map(points, ti_geo, territories, insets, phase, selected, subtitle, source)

    return export.Chart(build(urls["territoires"]), projects_table(projects), "projets-carte",
                        "Projets France Relance", subtitle, source, phase=phase, ti=selected,
                        method="Placement par les indices concordants : coordonnées, code postal, département, nom "
                               "de commune seulement s'il concorde.",
                        export_figure=lambda: build(load("carte_territoires", phase=phase)), height=820)


def projects_count_chart(phase: int, priorite: str, projects: pd.DataFrame, selected_name: str | None
                         ) -> export.Chart:
    """Projects by measure, coloured by programme priority."""
    from relance import charts

    counts = (projects.assign(priorite=projects["priorite"].fillna("non classée"),
                              mesure=projects["mesure"].fillna("mesure non précisée"))
              .groupby(["mesure", "priorite"], as_index=False).size().rename(columns={"size": "projets"})
              .sort_values("projets"))
    subtitle = filters_subtitle(phase, priorite, selected_name) + f" · {len(projects)} projets"
    source = charts.source_projets(sorted(set(projects["fichier"])))
    figure = charts.projects_count_chart(counts, subtitle, source)
    data = pd.DataFrame({"Mesure": counts["mesure"],
                         "Priorité": counts["priorite"].map(lambda p: PRIORITIES.get(p, p)),
                         "Projets": counts["projets"]})
    return export.Chart(figure, data, "projets-par-mesure", "Projets par mesure et priorité", subtitle, source,
                        phase=phase)


def preview(content: bytes, name: str, ref) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """An upload before anything is saved: its format, every row with where it lands and its problems, rejects."""
    from relance import projets

    parsed = projets.parse(content, name)
    rows = []
    mapping = projets.measure_priorities()
    for row in parsed.rows:
        where = projets.place(row, ref)
        commune = ref.communes["nom"].get(where.commune_code) if where.commune_code else None
        rows.append({"Ligne": row.ligne, "Projet": row.nom, "Entreprise": row.entreprise, "Commune": commune,
                     "Territoire phase 1": where.territoires.get(1), "Territoire phase 2": where.territoires.get(2),
                     "Confiance": where.confiance, "Placement": where.methode,
                     "Priorité": PRIORITIES.get(row.priorite or projets.priority_of(row.mesure, mapping) or "",
                                                "non classée"),
                     "Aide (€)": row.montant_aide, "Problèmes": "; ".join(row.problemes)})
    rejects = pd.DataFrame(parsed.rejects, columns=["Ligne", "Motif du rejet"])
    label = "liste officielle DGE" if parsed.format == "dge" else "liste de l'équipe"
    return label, pd.DataFrame(rows), rejects


def project_summary(projects: pd.DataFrame, population: int | None = None) -> dict[str, str]:
    """Key figures of a set of projects, formatted for the page."""
    aid = projects["montant_aide"].sum()
    out = {
        "Projets": fmt.nombre(len(projects)),
        "Dans un territoire": fmt.nombre(projects["ti_id"].notna().sum()),
        "Hors territoire": fmt.nombre(projects["ti_id"].isna().sum()),
        "Placements douteux": fmt.nombre(projects["confiance"].isin(DOUBTFUL).sum()),
        "Aide (listes qui la donnent)": fmt.euros(aid) if aid else "non renseignée",
    }
    if population:
        out["Pour 10 000 habitants"] = fmt.nombre(len(projects) / population * 10000, 2)
    return out
