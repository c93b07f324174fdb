"""The Projets page: loaded lists, the preview of an upload, search and filters, the point map and counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from relance import charts, export, fmt, listes, placement
from relance.db import Reader, Runner
from relance.encarts import move
from relance.filtres import PHASES, Filtres
from relance.views import common

DOUBTFUL = ("faible", "non placé")
WHERE = {"tous": "Tous", "dans": "Dans un territoire", "hors": "Hors territoire"}
# The order of the explorer's table and its exports (address key `tri`): what it is sorted by, and how.
TRIS = {"entreprise": "Entreprise (A → Z)", "aide": "Aide (la plus forte d'abord)",
        "investissement": "Investissement (le plus fort d'abord)", "co2": "CO2 évité par an (le plus d'abord)",
        "territoire": "Territoire (A → Z)", "commune": "Commune (A → Z)",
        "date": "Date publiée (la plus récente d'abord)"}
TRI_DEFAUT = "entreprise"
_TRI_COLONNES = {  # the columns compared in turn, each with its direction
    "entreprise": [("entreprise", True), ("nom", True)], "aide": [("montant_aide", False)],
    "investissement": [("montant_investissement", False)], "co2": [("tonnes_co2", False)],
    "territoire": [("ti_nom", True), ("entreprise", True)], "commune": [("commune_nom", True), ("entreprise", True)],
    "date": [("date", False), ("entreprise", True)]}
NO_LIST = ("Aucune liste de projets n'est chargée. Pour en charger une : déposez un fichier ci-dessous (liste DGE "
           "« Plan de relance – projets industriels » ou liste de l'équipe en CSV/XLSX), ou lancez "
           "`python -m relance import FICHIER`, ou placez la liste DGE dans le dossier `dge-plan-de-relance/` des "
           "données brutes puis reconstruisez la base.")
STAFF_COLUMNS = ("Colonnes d'une liste de l'équipe : un nom de projet et une localisation (code INSEE, ou commune et "
                 "code postal, ou latitude et longitude) ; en option : entreprise, montant de l'aide, investissement "
                 "(« 1 200,50 € » est lu), mesure, priorité, date, identifiant de territoire.")
PLACEMENT_METHOD = ("Placement par les indices concordants : coordonnées, code postal, département, nom de commune "
                    "seulement s'il concorde.")


def filter_projects(projects: pd.DataFrame, text: str = "", ti: str | None = None, priorite: str | None = None,
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
    if priorite:
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


DATE_NATURES = {"dge": "mise à jour de la ligne dans la liste DGE (pas la date d'attribution)",
                "equipe": "date donnée par la liste de l'équipe", "friches": ""}
LAUREATE_METHOD = ("Un lauréat est compté une fois : dans un territoire, les lignes de la liste DGE d'une même "
                   "entreprise au même descriptif de projet (les sites d'un projet) sont un seul lauréat ; les "
                   "partenaires d'un consortium restent des lauréats distincts, montrés ensemble.")
FRICHES_METHOD = ("Candidatures au Fonds friches situées par le Cerema (commune de la candidature) ; surfaces, type "
                  "de friche, type de porteur et déficit tels que déclarés dans le dossier (fichier des candidatures "
                  "du Cerema) ; le déficit déclaré n'est pas la subvention, qu'aucun fichier ne donne.")


def french_date(value) -> str | None:
    """`2021-07-12` -> `12/07/2021`; other texts as they are; None when empty."""
    if not isinstance(value, str) or not value.strip():
        return None
    parts = value.strip()[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return value.strip()


def sort_projects(projects: pd.DataFrame, tri: str = TRI_DEFAUT) -> pd.DataFrame:
    """The projects in the order chosen (`TRIS`), missing values last, ties kept in the list's order."""
    order = _TRI_COLONNES.get(tri, _TRI_COLONNES[TRI_DEFAUT])
    columns = [c for c, _ in order]

    def key(column: str) -> pd.Series:
        values = projects[column]
        if column == "date":  # as the lists write them: « 2021-05-01 », « 12/07/2021 », « 2022 »
            iso = pd.to_datetime(values, errors="coerce", format="ISO8601")
            return iso.fillna(pd.to_datetime(values.where(iso.isna()), errors="coerce", dayfirst=True, format="mixed"))
        if pd.api.types.is_string_dtype(values):  # « Évreux » between « Elbeuf » and « Fécamp »
            return values.map(lambda v: listes.plain(v) if isinstance(v, str) else None)
        return values

    keys = pd.DataFrame({c: key(c) for c in columns})
    ranked = keys.sort_values(columns, ascending=[a for _, a in order], na_position="last", kind="stable").index
    return projects.loc[ranked]


def projects_table(run: Runner, projects: pd.DataFrame) -> pd.DataFrame:
    """The projects as shown and exported, one row per row of their list: French headers, amounts as numbers, the
    date as published with what it is, and the laureate each row belongs to."""
    labels = common.priority_labels(run)
    rows_of = projects.groupby(["ti_id", "laureat"], dropna=False)["projet_id"].transform("size")
    return pd.DataFrame({
        "Entreprise": projects["entreprise"], "Projet": projects["nom"], "Mesure": projects["mesure"],
        "Priorité": projects["priorite"].map(lambda p: common.label_of(labels, p)),
        "Filière": projects["filiere"], "Taille d'entreprise": projects["type_entreprise"],
        "Date publiée": projects["date"].map(french_date),
        "Nature de la date": projects["lecture"].map(DATE_NATURES).replace("", None),
        "Lignes du même lauréat": rows_of.astype("Int64"),
        "Commune": projects["commune_nom"], "Département": projects["departement_code"],
        "Territoire": projects["ti_nom"].fillna("hors territoire"), "Identifiant": projects["ti_id"],
        "Position": projects["position"], "Placement": projects["placement"], "Confiance": projects["confiance"],
        "Problèmes": projects["problemes"], "Aide (€)": projects["montant_aide"],
        "Investissement (€)": projects["montant_investissement"],
        "CO2 évité par an (t)": projects["tonnes_co2"],
        "Source": projects["source"],
    })


def _joined(values) -> str | None:
    found = [v for v in dict.fromkeys(values) if isinstance(v, str) and v]
    return ", ".join(found) if found else None


def laureates_table(run: Runner, projects: pd.DataFrame) -> pd.DataFrame:
    """A territory's projects one laureate a row (its sites listed), the partners of a consortium side by side
    (one after the other, with the project they share named), staff lists' projects as they are listed."""
    labels = common.priority_labels(run)
    if projects.empty:
        return pd.DataFrame(columns=["Entreprise", "Projet", "Mesure", "Priorité", "Sites (communes)",
                                     "Lignes de la liste", "Partenaires du même projet", "Date publiée",
                                     "Nature de la date", "Aide (€)", "CO2 évité par an (t)", "Source"])
    partners = projects.dropna(subset=["texte_commun"]).groupby("texte_commun")["entreprise"].agg(
        lambda names: list(dict.fromkeys(n for n in names if isinstance(n, str))))
    rows = []
    for laureat, group in projects.groupby("laureat", sort=False):
        first = group.iloc[0]
        shared = partners.get(first["texte_commun"], []) if isinstance(first["texte_commun"], str) else []
        others = [n for n in shared if n != first["entreprise"]]
        rows.append({
            "Entreprise": first["entreprise"], "Projet": first["nom"], "Mesure": first["mesure"],
            "Priorité": common.label_of(labels, first["priorite"]),
            "Sites (communes)": _joined(group["commune_nom"]), "Lignes de la liste": len(group),
            "Partenaires du même projet": ", ".join(others) if others else None,
            "Date publiée": _joined(group["date"].map(french_date)),
            "Nature de la date": DATE_NATURES.get(first["lecture"]) or None,
            "Aide (€)": group["montant_aide"].sum(min_count=1),
            "CO2 évité par an (t)": group["tonnes_co2"].max(),
            "Source": first["source"],
            "_ordre": (first["texte_commun"] if isinstance(first["texte_commun"], str) else laureat),
        })
    frame = pd.DataFrame(rows)
    # partners of one consortium one after the other, in the order of their first row
    order = {key: i for i, key in enumerate(dict.fromkeys(frame["_ordre"]))}
    frame = frame.assign(_rang=frame["_ordre"].map(order)).sort_values("_rang", kind="stable")
    return frame.drop(columns=["_ordre", "_rang"]).reset_index(drop=True).astype({"Lignes de la liste": "Int64"})


def friches_table(sites: pd.DataFrame) -> pd.DataFrame:
    """Fonds friches applications as shown and exported: site, commune, edition, laureate, hectares, type, owner,
    declared deficit."""
    return pd.DataFrame({
        "Site": sites["site_nom"], "Commune": sites["commune_nom"], "Édition": sites["edition"],
        "Lauréate": sites["laureat"].map({True: "oui", False: "non"}),
        "Friche (ha)": sites["friche_ha"], "Site entier (ha)": sites["site_ha"], "Type de friche": sites["natures"],
        "Porteur": sites["porteur"], "Déficit déclaré par le porteur (€)": sites["deficit"],
        "Dossier": sites["num_dossier"]})


def display_points(projects: pd.DataFrame, transforms: dict, departements: pd.DataFrame) -> pd.DataFrame:
    """Project coordinates in map position: overseas points moved into their insets like the polygons."""
    points = projects.dropna(subset=["lat", "lon"]).copy()
    coords = np.array(points[["lon", "lat"]], dtype=float)
    regions = points["departement_code"].map(departements.set_index("code")["region_code"]).to_numpy()
    for region, params in transforms.items():
        inside = regions == region
        if inside.any():
            coords[inside] = move(coords[inside], params)
    points["x"], points["y"] = coords[:, 0], coords[:, 1]
    return points


def projects_chart(reader: Reader, filtres: Filtres, projects: pd.DataFrame, selected: str | None) -> export.Chart:
    """Point map of projects over the territory outlines."""
    run, load = reader.run, reader.load
    phase = filtres.phase
    points = display_points(projects, load("carte_fond", couche="transformations_outre_mer"), run("departements"))
    territories = run("territoires", phase=phase, ti=None)
    insets = load("carte_fond", couche="encarts")
    names = territories.set_index("ti_id")["nom"]
    subtitle = (common.filters_subtitle(filtres, names.get(selected) if selected else None)
                + f" · {fmt.compte(len(projects), 'projet')}, {fmt.nombre(len(points))} avec coordonnées")
    source = common.source_projets(run, sorted(set(projects["import_id"])))
    priorites = common.priorites(run)

    # Framed on the chosen territory (its points are what the map is for), on the page and in its exports.
    box = run("territoire_emprise", phase=phase, ti=selected) if selected else pd.DataFrame()

    def build(ti_geo) -> go.Figure:
        return charts.zoom_to(charts.projects_map(points, ti_geo, territories, insets, priorites, selected, subtitle,
                                                  source), tuple(box.iloc[0]) if len(box) else None)

    ti_geo = reader.layer("carte_territoires", phase=phase)
    layers = {ti_geo: lambda: load("carte_territoires", phase=phase)} if isinstance(ti_geo, str) else {}
    return export.chart(build(ti_geo), projects_table(run, projects), "projets-carte", "Projets France Relance",
                        subtitle, source, phase=phase, ti=selected, method=PLACEMENT_METHOD,
                        export_figure=lambda: build(ti_geo), layers=layers, height=820)


def projects_count_chart(run: Runner, filtres: Filtres, projects: pd.DataFrame, selected_name: str | None,
                         sums: str = "") -> export.Chart:
    """Laureates by measure, coloured by programme priority (the measure composition of a priority, always shown)."""
    first = projects.drop_duplicates(["ti_id", "laureat"]) if "laureat" in projects else projects
    counts = (first.assign(priorite=first["priorite"].fillna(charts.UNCLASSED.code),
                           mesure=first["mesure"].fillna("mesure non précisée"))
              .groupby(["mesure", "priorite"], as_index=False).size().rename(columns={"size": "projets"})
              .sort_values("projets"))
    subtitle = (common.filters_subtitle(filtres, selected_name) + f" · {fmt.compte(len(first), 'lauréat')}"
                + (f" : {sums}" if sums else ""))
    source = common.source_projets(run, sorted(set(projects["import_id"])))
    figure = charts.projects_count_chart(counts, common.priorites(run), subtitle, source)
    labels = common.priority_labels(run)
    data = pd.DataFrame({"Mesure": counts["mesure"],
                         "Priorité": counts["priorite"].map(lambda p: common.label_of(labels, p)),
                         "Lauréats": counts["projets"]})
    return export.chart(figure, data, "laureats-par-mesure", "Lauréats par mesure et priorité", subtitle, source,
                        phase=filtres.phase, method=LAUREATE_METHOD)


@dataclass(frozen=True)
class Apercu:
    """An upload before anything is saved."""

    resume: str
    lignes: pd.DataFrame
    rejets: pd.DataFrame
    enregistrable: bool
    avertissements: list[str]


def preview(run: Runner, content: bytes, name: str, ref: placement.Reference) -> Apercu:
    """An upload: its format, every row with where it lands and its problems, and its rejected rows.

    Raises ListeError when the whole file cannot be read. The file is read in a process of its own, stopped past
    a time and a memory limit: a slow file costs its own user, never the server's other sessions."""
    parsed = listes.parse_bounded(content, name)
    measures = listes.measure_map(run("priorites_mesures"))
    labels = common.priority_labels(run)
    names = {phase: common.territory_labels(run, phase) for phase in PHASES}
    rows = []
    for row, where in zip(parsed.rows, placement.place_all(parsed.rows, ref), strict=True):
        commune = ref.nom_of.get(where.commune_code) if where.commune_code else None
        territory = {phase: names[phase].get(ti, ti) if (ti := where.territoires.get(phase)) else "hors territoire"
                     for phase in PHASES}
        rows.append({
            "Ligne": row.ligne, "Projet": row.nom, "Entreprise": row.entreprise, "SIREN": row.siren,
            "Mesure": row.mesure, "Priorité": common.label_of(labels, listes.classify(row, measures)),
            "Filière": row.filiere, "Taille d'entreprise": row.type_entreprise, "Date": row.date,
            "Aide (€)": row.montant_aide, "Investissement (€)": row.montant_investissement,
            "CO2 évité par an (t)": row.tonnes_co2, "Commune": commune, "Département": where.departement_code,
            "Territoire phase 1": territory[1], "Territoire phase 2": territory[2],
            "Dessiné": {"point publié": "au point donné", "centre de la commune": "au centre de sa commune"}.get(
                where.position, "non dessiné"),
            "Placement": where.methode, "Confiance": where.confiance,
            "Problèmes": "; ".join(row.problemes) or None})
    shown = pd.DataFrame(rows)
    # every column the list fills (what « Enregistrer » saves), and always where each row lands and its problems
    always = {"Ligne", "Projet", "Commune", "Territoire phase 1", "Territoire phase 2", "Dessiné", "Placement",
              "Confiance", "Problèmes"}
    shown = shown[[c for c in shown.columns if c in always or shown[c].notna().any()]] if rows else shown
    resume = (f"{fmt.verbatim(name, 80)} : {listes.FORMAT_LABELS[parsed.format]}, "
              f"{fmt.compte(len(parsed.rows), 'projet lisible', 'projets lisibles')}, "
              f"{fmt.compte(len(parsed.rejects), 'ligne rejetée', 'lignes rejetées')}. Rien n'est enregistré avant "
              "de cliquer sur « Enregistrer ».")
    return Apercu(resume, shown, pd.DataFrame(parsed.rejects, columns=["Ligne", "Motif du rejet"]),
                  bool(parsed.rows), [fmt.escape_markdown(w) for w in parsed.warnings])


@dataclass(frozen=True)
class ListeChargee:
    """A loaded list as the page lists it."""

    import_id: str
    texte: str
    amovible: bool  # False for the DGE list of the raw directory


def loaded_lists(run: Runner) -> list[ListeChargee]:
    """The loaded lists, described for the page (the DGE list and the Fonds friches come from the raw data)."""
    return [ListeChargee(r.import_id, f"`{r.import_id}` · {fmt.verbatim(r.fichier, 80)} · {r.source} · "
                                      f"{'importé le ' + r.importe_le + ' · ' if r.lecture == 'equipe' else ''}"
                                      f"{fmt.compte(r.lignes, 'projet')}, "
                                      f"{fmt.compte(r.rejetees, 'ligne rejetée', 'lignes rejetées')}",
                         r.lecture == "equipe")
            for r in run("projet_imports").itertuples()]


@dataclass(frozen=True)
class Enregistree:
    """What a saved list brought, said once after « Enregistrer »: counts, and the territory that received most."""

    message: str
    ti: str | None = None
    ti_nom: str | None = None


def saved_summary(run: Runner, import_id: str, phase: int) -> Enregistree:
    """The projects of a list just saved, as the rebuilt database places them in this phase."""
    every = run("projets", phase=phase)
    mine = every[every["import_id"] == import_id]
    inside = mine[mine["ti_id"].notna()]
    message = (f"Liste enregistrée (import {import_id}) : {fmt.compte(len(mine), 'projet')} dans la base, dont "
               f"{fmt.nombre(len(inside))} dans un territoire de la {PHASES[phase].lower()}.")
    if inside.empty:
        return Enregistree(message)
    counts = inside.groupby(["ti_id", "ti_nom"]).size().sort_values(ascending=False, kind="stable")
    (ti, nom), count = counts.index[0], int(counts.iloc[0])
    tie = (counts == count).sum() > 1
    message += (f" {'Parmi ceux qui en reçoivent le plus' if tie else 'Celui qui en reçoit le plus'} : {nom} "
                f"({fmt.compte(count, 'projet')}).")
    return Enregistree(message, ti, nom)


def summary(projects: pd.DataFrame, phase: int) -> dict[str, str]:
    """Key figures of a set of projects, formatted for the page."""
    phase_label = PHASES[phase].split(" (")[0].lower()
    return {
        "Projets": fmt.nombre(len(projects)),
        "Lauréats (comptés une fois)": fmt.nombre(projects["laureat"].nunique()),
        f"Dans un territoire ({phase_label})": fmt.nombre(projects["ti_id"].notna().sum()),
        "Hors territoire": fmt.nombre(projects["ti_id"].isna().sum()),
        "Placements douteux": fmt.nombre(projects["confiance"].isin(DOUBTFUL).sum()),
    }


def territory_summary(projects: pd.DataFrame, population: int) -> dict[str, str]:
    """A territory's projects: count, per 10,000 inhabitants, and aid when lists give it."""
    aid = projects["montant_aide"].sum()
    return {"Projets": fmt.nombre(len(projects)),
            "Pour 10 000 habitants": fmt.nombre(len(projects) / population * 10000, 2),
            "Aide (listes qui la donnent)": fmt.euros(aid) if aid else "non renseignée"}


def ti_call_sentence(run: Runner, phase: int) -> str | None:
    """How much of the call "Soutien à l'investissement industriel dans les territoires" lies in a territory (rows
    of the list: the call was not reserved to the territories)."""
    from relance.lectures import APPEL_TERRITOIRES

    share = run("appel_ti_part", phase=phase, mesure=APPEL_TERRITOIRES).iloc[0]
    if not share["nb_projets"]:
        return None
    return (f"Appel « {APPEL_TERRITOIRES} » : {fmt.compte(share['nb_dans_territoire'], 'ligne')} sur "
            f"{fmt.nombre(share['nb_projets'])} dans un territoire de la {PHASES[phase].lower()} "
            f"({fmt.pourcent(share['part'])}) ; l'appel n'était pas réservé aux territoires d'industrie.")


@dataclass(frozen=True)
class Catalogue:
    """What the explorer offers: the projects of the phase and the values of each filter."""

    projets: pd.DataFrame
    mesures: list[str]
    filieres: list[str]
    tailles: list[str]


def catalogue(run: Runner, phase: int) -> Catalogue:
    """Every loaded project in a phase, and the choices of the explorer's filters."""
    projects = run("projets", phase=phase)
    return Catalogue(projects, sorted(projects["mesure"].dropna().unique()),
                     sorted(projects["filiere"].dropna().unique()),
                     sorted(projects["type_entreprise"].dropna().unique()))
