"""France Relance at territory level: the laureates placed in each territory (DGE list, Fonds friches laureates,
staff lists), counted, rated per 10,000 inhabitants and per 1,000 private salaried jobs, ranked with ties, and
compared with the rest of France."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from relance import fmt
from relance.db import Runner
from relance.filtres import PHASES, Filtres
from relance.views import common

Z95 = 1.959964


def figures(run: Runner, phase: int, priorite: str | None) -> pd.DataFrame:
    """Per territory of the phase (query laureats_territoires): projects (of one priority, or all), rates, ranks
    (ties share a rank), aid and CO2 that lists give, Fonds friches applications and laureates; and the hover
    detail."""
    out = run("laureats_territoires", phase=phase, priorite=priorite)
    breakdown: dict[str, list[str]] = {}
    if priorite is None:
        counts = run("projets_par_territoire", phase=phase)
        labels = {p.code: p.libelle.split(" /")[0].lower() for p in common.priorites(run)}
        # plain lists: a few hundred rows, where pandas' string and groupby machinery cost 10 ms a map rerun
        for ti, code, count in zip(counts["ti_id"].tolist(), counts["priorite"].tolist(),
                                   counts["nb_projets"].tolist(), strict=True):
            breakdown.setdefault(ti, []).append(f"{labels.get(code, 'non classée')} {fmt.nombre(count)}")
    columns = ("ti_id", "nb_projets", "projets_10000", "rang_taux", "nb_territoires", "rang_taux_ex_aequo",
               "projets_1000_emplois", "montant_aide", "nb_montants")
    out["detail"] = [
        f"<br>Projets France Relance : {fmt.nombre(projects)}"
        + (f" ({', '.join(breakdown[ti])})" if ti in breakdown else "")
        + f"<br>Pour 10 000 habitants : {fmt.nombre(rate, 2)} ({fmt.rang(rank, total, tie)})"
        + (f"<br>Pour 1 000 emplois salariés privés : {fmt.nombre(jobs, 2)}"
           if pd.notna(jobs) else "<br>Emploi salarié privé non disponible")
        + (f"<br>Aide (listes qui la donnent) : {fmt.euros(aid)}, {fmt.compte(amounts, 'projet')} "
           f"sur {fmt.nombre(projects)}" if amounts else "")
        for ti, projects, rate, rank, total, tie, jobs, aid, amounts in zip(
            *(out[c].tolist() for c in columns), strict=True)]
    return out


@dataclass(frozen=True)
class Chiffres:
    """A territory's France Relance figures, formatted."""

    principaux: dict[str, str]
    aides: str | None  # euros lists give, with the share of projects that give an amount
    co2: str | None
    friches: str
    phrase: str


def territory_figures(run: Runner, filtres: Filtres, ti: str, nom: str) -> Chiffres:
    """One territory's figures: projects, rates and ranks (ties shown), aid, CO2, Fonds friches."""
    every = run("laureats_territoires", phase=filtres.phase, priorite=filtres.priorite_filtre)
    row = every.iloc[every["ti_id"].tolist().index(ti)]
    total = int(row["nb_territoires"])
    scope = "" if filtres.priorite_filtre is None else f" ({filtres.priorite_libelle.lower()})"
    rank = int(row["rang_taux"])
    principaux = {
        "Projets France Relance": fmt.nombre(row["nb_projets"]),
        "Pour 10 000 habitants": fmt.nombre(row["projets_10000"], 2),
        "Pour 1 000 emplois privés": fmt.nombre(row["projets_1000_emplois"], 2),
        "Rang, ex aequo" if row["rang_taux_ex_aequo"] else "Rang": f"{'1er' if rank == 1 else f'{rank}e'} / {total}",
    }
    aides = None
    if row["nb_montants"]:
        aides = (f"Aide déclarée par les listes de l'équipe : {fmt.euros(row['montant_aide'])} pour "
                 f"{fmt.compte(row['nb_montants'], 'projet')} sur {fmt.nombre(row['nb_projets'])} "
                 f"({fmt.pourcent(row['nb_montants'] / row['nb_projets'])} des projets donnent un montant ; la "
                 "liste DGE n'en publie aucun).")
    co2 = None
    if row["nb_co2"]:
        co2 = (f"Décarbonation : {fmt.compte(row['tonnes_co2'], 'tonne')} équivalent CO2 évitées selon la liste DGE, "
               f"pour {fmt.compte(row['nb_co2'], 'projet')} qui donne{'nt' if row['nb_co2'] > 1 else ''} ce chiffre.")
    friches = (f"Fonds friches (trois éditions France Relance) : "
               f"{fmt.compte(row['candidatures_friches'], 'candidature')} située"
               f"{'s' if row['candidatures_friches'] > 1 else ''} dans le territoire, dont "
               f"{fmt.compte(row['laureats_friches'], 'lauréate')}.")
    placed = "placés" if row["nb_projets"] > 1 else "placé"
    phrase = (f"{nom} compte {fmt.compte(row['nb_projets'], 'projet')} France Relance{scope} {placed} dans ses "
              "communes, soit "
              f"{fmt.nombre(row['projets_10000'], 2)} pour 10 000 habitants : "
              f"{fmt.rang(row['rang_taux'], total, row['rang_taux_ex_aequo'])} territoires de la "
              f"{PHASES[filtres.phase].lower()}. Lauréats de la liste DGE et du Fonds friches (et listes de l'équipe)"
              ", placés par leur point, leur code postal ou leur commune.")
    return Chiffres(principaux, aides, co2, friches, phrase)


SCALE_MIN_SHARE = 0.05  # a département holding less of the territory's population is left out of the comparison


@dataclass(frozen=True)
class Echelles:
    """A territory's France Relance laureates next to its départements, région and France."""

    tableau: pd.DataFrame  # formatted: Échelle, Population, Lauréats France Relance, Pour 10 000 habitants
    phrase: str  # ratios and rank: figures the table does not hold
    note: str  # how each line counts


def scales(run: Runner, filtres: Filtres, ti: str, nom: str) -> Echelles:
    """The territory's rate of laureates against its départements (those holding at least 5 % of its
    population), its région and France (query laureats_echelles), with a sentence of ratios and the rank."""
    rows = run("laureats_echelles", phase=filtres.phase, ti=ti, priorite=filtres.priorite_filtre)
    rows = rows[(rows["echelle"] != "departement") | (rows["part_territoire"] >= SCALE_MIN_SHARE)]
    labels = {"territoire": lambda r: f"{r.nom} (territoire)", "departement": lambda r: f"{r.nom} ({r.code})",
              "region": lambda r: f"Région {r.nom}", "france": lambda r: "France entière"}
    table = pd.DataFrame({
        "Échelle": [labels[r.echelle](r) for r in rows.itertuples()],
        "Population": [fmt.nombre(v) for v in rows["population"]],
        "Lauréats France Relance": [fmt.nombre(v) for v in rows["nb_projets"]],
        "Pour 10 000 habitants": [fmt.nombre(v, 2) for v in rows["projets_10000"]],
    })
    own = rows.iloc[0]
    others = rows.iloc[1:]

    def ratio(row) -> str:
        of = {"departement": f"du département {row.nom} ({row.code})", "region": f"de la région {row.nom}",
              "france": "de la France"}[row.echelle]
        if not row.projets_10000:
            return f"sans comparaison possible avec celui {of}, qui est nul"
        return f"{fmt.nombre(own['projets_10000'] / row.projets_10000, 1)} fois celui {of}"

    mine = figures(run, filtres.phase, filtres.priorite_filtre).set_index("ti_id").loc[ti]
    rank = fmt.rang(mine["rang_taux"], mine["nb_territoires"], mine["rang_taux_ex_aequo"])
    order = {"france": 0, "region": 1, "departement": 2}  # France first, then the région, then the départements
    parts = [ratio(r) for r in sorted(others.itertuples(), key=lambda r: order[r.echelle])]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"
    scope = "" if filtres.priorite_filtre is None else f" ({filtres.priorite_libelle.lower()})"
    phrase = (f"Rapporté à sa population, le taux de lauréats France Relance{scope} de {nom} vaut {listed} ; il est "
              f"{rank} territoires de la {PHASES[filtres.phase].lower()} (1er : taux le plus élevé).")
    missing = rows["non_places"].dropna()
    unplaced = int(missing.iloc[0]) if len(missing) else 0
    note = ("Lauréats de la liste DGE et du Fonds friches (et des listes de l'équipe). Le territoire compte les "
            "projets placés dans ses communes (par leur point, leur code postal ou leur commune) ; départements, "
            "région et France comptent les projets par leur département, sur leur population entière."
            + (f" {fmt.compte(unplaced, 'projet')} sans département n'entre{'nt' if unplaced > 1 else ''} dans "
               "aucune ligne." if unplaced else ""))
    return Echelles(table, phrase, note)


def poisson_interval(count: int, exposure: float, per: float) -> tuple[float, float]:
    """95 % interval of a rate `count / exposure * per` (Poisson count, Byar's approximation)."""
    if not exposure:
        return math.nan, math.nan
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - Z95 / (3 * math.sqrt(count))) ** 3
    high = (count + 1) * (1 - 1 / (9 * (count + 1)) + Z95 / (3 * math.sqrt(count + 1))) ** 3
    return low / exposure * per, high / exposure * per


YEARS = (2020, 2021, 2022)


def _by(projects: pd.DataFrame, column: str, missing: str) -> pd.DataFrame:
    counts = projects[column].fillna(missing).value_counts()
    return pd.DataFrame({"libelle": counts.index, "projets": counts.values})


@dataclass(frozen=True)
class Laureats:
    """What the profile shows of France Relance in one territory, its own figures first."""

    chiffres: Chiffres
    messages: list[str]
    # The rest is computed when the page first reads it (the profile shows one tab at a time).
    calculs: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)

    graphiques = common.later("graphiques", ())  # export.Chart: by measure and priority, filière, size, year, friches
    _listes = common.later("listes")  # (projects, friches): export.Table each
    carte = common.later("carte")  # export.Chart of the points, or None

    @property
    def projets(self):
        return self._listes[0]

    @property
    def friches(self):
        return self._listes[1]


def territory_laureats(reader, filtres: Filtres, ti: str, nom: str, search: str = "") -> Laureats:
    """The profile's France Relance section: figures, breakdowns, the searchable tables and the point map."""
    from relance import charts, export
    from relance.views import projets as project_views

    run = reader.run
    phase = filtres.phase
    own = project_views.filter_projects(run("projets", phase=phase), ti=ti, priorite=filtres.priorite_filtre)
    subtitle = common.filters_subtitle(filtres, nom)
    source = common.source_projets(run, sorted(set(own["import_id"])))
    friches_source = common.source_friches(run)

    def friches() -> pd.DataFrame:
        return run("friches_territoire", phase=phase, ti=ti)

    def graphiques() -> list:
        graphs = []
        if len(own):
            graphs.append(project_views.projects_count_chart(run, filtres, own, nom))
            for column, missing, title, what in (
                    ("filiere", "filière non précisée", "Projets par filière", "projets-par-filiere"),
                    ("type_entreprise", "taille non précisée", "Projets par taille d'entreprise",
                     "projets-par-taille")):
                frame = _by(own[own["import_id"].str.startswith("dge-")], column, missing)
                if len(frame):
                    figure = charts.count_bars(frame, "libelle", [("projets", "Projets")], title,
                                               subtitle + " · liste DGE", source, "Projets", width=48)
                    graphs.append(export.chart(figure, frame.rename(columns={"libelle": column.capitalize(),
                                                                             "projets": "Projets"}),
                                               what, title, subtitle, source, phase=phase, ti=ti))
            years = own["annee"].value_counts()
            frame = pd.DataFrame({"libelle": [str(y) for y in YEARS], "projets": [int(years.get(y, 0)) for y in YEARS]})
            undated = int(own["annee"].isna().sum())
            title = "Lauréats par année"
            note = f" · {fmt.compte(undated, 'projet')} sans date" if undated else ""
            figure = charts.count_bars(frame, "libelle", [("projets", "Projets")], title,
                                       subtitle + " · année de mise à jour de la liste DGE" + note, source, "Projets",
                                       horizontal=False, width=48)
            graphs.append(export.chart(figure, frame.rename(columns={"libelle": "Année", "projets": "Projets"}),
                                       "laureats-par-annee", title, subtitle, source, phase=phase, ti=ti,
                                       method="Année de la colonne mise_a_jour de la liste DGE (2021 ou 2022) ; les "
                                              "lauréats du Fonds friches n'ont pas de date dans la source."))
        sites = friches()
        if len(sites):
            editions = (sites.groupby("edition").agg(candidatures=("num_dossier", "size"),
                                                     laureats=("laureat", "sum")).reset_index())
            title = "Fonds friches : candidatures et lauréates par édition"
            figure = charts.count_bars(editions, "edition",
                                       [("candidatures", "Candidatures"), ("laureats", "Lauréates")], title,
                                       subtitle + " · commune de la candidature", friches_source, "Candidatures",
                                       width=48)
            graphs.append(export.chart(figure, editions.rename(columns={"edition": "Édition", "candidatures":
                                                                        "Candidatures", "laureats": "Lauréates"}),
                                       "fonds-friches-par-edition", title, subtitle, friches_source, phase=phase, ti=ti,
                                       method="Drapeau laureat_fv du fichier Cerema ; le Fonds vert (2023) n'est pas "
                                              "France Relance."))
        return graphs

    def listes() -> tuple:
        shown = project_views.filter_projects(own, text=search)
        table = export.Table(project_views.projects_table(run, shown), "projets-du-territoire",
                             f"Projets France Relance : {nom}", subtitle, source, phase=phase, ti=ti,
                             method=project_views.PLACEMENT_METHOD)
        sites = friches()
        friches_shown = sites
        if search.strip():
            needle = search.strip().lower()
            haystack = (sites["site_nom"].fillna("") + " " + sites["commune_nom"].fillna("")).str.lower()
            friches_shown = sites[haystack.str.contains(needle, regex=False)]
        friches_table = export.Table(pd.DataFrame({
            "Site": friches_shown["site_nom"], "Commune": friches_shown["commune_nom"],
            "Édition": friches_shown["edition"],
            "France Relance": friches_shown["france_relance"].map({True: "oui", False: "non (Fonds vert)"}),
            "Lauréate": friches_shown["laureat"].map({True: "oui", False: "non"}),
            "Dossier": friches_shown["num_dossier"]}), "friches-du-territoire", f"Fonds friches : {nom}", subtitle,
            friches_source, phase=phase, ti=ti)
        return table, friches_table

    messages = common.missing_sources(run)
    if own.empty:
        messages.append("Aucun projet France Relance de cette priorité n'est placé dans ce territoire.")
    return Laureats(territory_figures(run, filtres, ti, nom), messages, {
        "graphiques": graphiques, "listes": listes,
        "carte": lambda: project_views.projects_chart(reader, filtres, own, ti) if len(own) else None})


@dataclass(frozen=True)
class Comparaison:
    """Projects inside the territories of a phase against the rest of France."""

    phrase: str
    limites: str
    graphiques: list  # export.Chart: per 10,000 inhabitants, per 1,000 private salaried jobs
    tableau: object  # export.Table by priority and measure


def _rates(frame: pd.DataFrame, inside: float, outside: float, per: float, suffix: str) -> pd.DataFrame:
    out = frame.copy()
    for where, exposure in (("dedans", inside), ("hors", outside)):
        counts = out[f"n_{where}"]
        out[f"{suffix}_{where}"] = counts / exposure * per
        bounds = [poisson_interval(int(n), exposure, per) for n in counts]
        out[f"{suffix}_{where}_bas"] = [b[0] for b in bounds]
        out[f"{suffix}_{where}_haut"] = [b[1] for b in bounds]
    out[f"{suffix}_rapport"] = out[f"{suffix}_dedans"] / out[f"{suffix}_hors"]
    return out


def _verdict(row: pd.Series, suffix: str) -> str:
    if row[f"{suffix}_dedans_bas"] > row[f"{suffix}_hors_haut"]:
        return "plus"
    if row[f"{suffix}_dedans_haut"] < row[f"{suffix}_hors_bas"]:
        return "moins"
    return "autant"


def territories_vs_france(run: Runner, filtres: Filtres) -> Comparaison:
    """Did France Relance reach the territories more than the rest of France? Placed projects per 10,000
    inhabitants and per 1,000 private salaried jobs, inside the phase's territories and outside, by priority and
    measure, with 95 % intervals (Poisson counts)."""
    from relance import charts, export

    phase = filtres.phase
    den = run("denominateurs_france", phase=phase).iloc[0]
    pop_in, pop_out = den["population_territoires"], den["population_france"] - den["population_territoires"]
    jobs_in, jobs_out = den["emplois_territoires"], den["emplois_france"] - den["emplois_territoires"]
    counts = run("projets_france", phase=phase)
    if filtres.priorite_filtre:
        counts = counts[counts["priorite"] == filtres.priorite_filtre]
    labels = common.priority_labels(run)
    counts = counts.assign(priorite_libelle=counts["priorite"].map(lambda p: common.label_of(labels, p)))
    groups = [("Toutes les mesures" if filtres.priorite_filtre is None else filtres.priorite_libelle,
               "ensemble", counts)]
    groups += [(label, "priorité", rows) for label, rows in counts.groupby("priorite_libelle", sort=False)]
    groups += [(label, "mesure", rows) for label, rows in counts.groupby("mesure", sort=True)]
    frame = pd.DataFrame([{"libelle": label, "niveau": level, "n_dedans": int(rows["dans_territoires"].sum()),
                           "n_hors": int(rows["hors_territoires"].sum()), "non_places": int(rows["non_places"].sum())}
                          for label, level, rows in groups])
    frame = _rates(_rates(frame, pop_in, pop_out, 10000, "hab"), jobs_in, jobs_out, 1000, "emp")
    total = frame.iloc[0]
    share = pop_in / den["population_france"]
    verdict = {"plus": "Oui", "moins": "Non, moins", "autant": "Pas nettement"}[_verdict(total, "hab")]
    jobs = _verdict(total, "emp")
    scope = "" if filtres.priorite_filtre is None else f" ({filtres.priorite_libelle.lower()})"
    phrase = (
        f"**{verdict}.** Les territoires d'industrie de la {PHASES[phase].lower()}, où vit "
        f"{fmt.pourcent(share, 0)} de la population, comptent {fmt.compte(total['n_dedans'], 'lauréat')} "
        f"France Relance{scope}, soit "
        f"{fmt.nombre(total['hab_dedans'], 2)} pour 10 000 habitants (intervalle à 95 % : "
        f"{fmt.nombre(total['hab_dedans_bas'], 2)} à {fmt.nombre(total['hab_dedans_haut'], 2)}), contre "
        f"{fmt.nombre(total['hab_hors'], 2)} ({fmt.nombre(total['hab_hors_bas'], 2)} à "
        f"{fmt.nombre(total['hab_hors_haut'], 2)}) dans le reste de la France : "
        f"{fmt.nombre(total['hab_rapport'], 2)} fois le taux du reste du pays. Rapporté à l'emploi salarié privé, "
        f"{fmt.nombre(total['emp_dedans'], 2)} pour 1 000 emplois contre {fmt.nombre(total['emp_hors'], 2)} "
        f"({'nettement plus' if jobs == 'plus' else 'nettement moins' if jobs == 'moins' else 'écart non net'})."
    )
    limites = (
        f"Limites : {fmt.compte(total['non_places'], 'projet')} non placé{'s' if total['non_places'] > 1 else ''} "
        "(ni commune ni point dans un territoire) sont laissés de côté ; la liste DGE ne couvre que les appels "
        "industriels de France Relance (pas les aides à l'emploi, à la formation ni le chèque numérique) et ne "
        "publie aucun montant ; les lauréats du Fonds friches sont ceux que le Cerema marque comme tels, placés "
        "par la commune de la candidature ; l'appel « Soutien à l'investissement industriel dans les territoires » "
        "était réservé aux territoires d'industrie, ce qui pèse sur l'écart ; l'intervalle ne tient compte que "
        "de l'aléa de comptage (loi de Poisson), pas des erreurs de placement."
    )
    subtitle = common.filters_subtitle(filtres) + " · intervalles à 95 %"
    source = common.source_projets(run)
    graphs = []
    shown = frame[frame["niveau"] != "mesure"].reset_index(drop=True)
    for suffix, title, axis, what in (
            ("hab", "Lauréats France Relance pour 10 000 habitants : territoires et reste de la France",
             "Projets pour 10 000 habitants", "laureats-10000-habitants"),
            ("emp", "Lauréats France Relance pour 1 000 emplois salariés privés : territoires et reste de la France",
             "Projets pour 1 000 emplois salariés privés", "laureats-1000-emplois")):
        figure = charts.count_bars(
            shown, "libelle", [(f"{suffix}_dedans", "Dans les territoires d'industrie"),
                               (f"{suffix}_hors", "Reste de la France")], title, subtitle, source, axis,
            decimals=2, errors={f"{suffix}_dedans": (f"{suffix}_dedans_bas", f"{suffix}_dedans_haut"),
                                f"{suffix}_hors": (f"{suffix}_hors_bas", f"{suffix}_hors_haut")})
        data = shown[["libelle", "n_dedans", "n_hors", f"{suffix}_dedans", f"{suffix}_dedans_bas",
                      f"{suffix}_dedans_haut", f"{suffix}_hors", f"{suffix}_hors_bas", f"{suffix}_hors_haut",
                      f"{suffix}_rapport"]].round(3)
        graphs.append(export.chart(figure, data.rename(columns=_HEADERS), what, title, subtitle, source, phase=phase,
                                   method="Projets placés (commune, ou point dans un territoire) ; intervalle de "
                                          "Poisson à 95 % (approximation de Byar)."))
    table = frame.rename(columns=_HEADERS)[[*_HEADERS.values()]].round(3)
    return Comparaison(phrase, limites, graphs,
                       export.Table(table, "laureats-territoires-et-reste-de-la-france",
                                    "Lauréats France Relance : territoires d'industrie et reste de la France",
                                    subtitle, source, phase=phase))


_HEADERS = {
    "libelle": "Priorité ou mesure", "niveau": "Niveau", "n_dedans": "Projets dans les territoires",
    "n_hors": "Projets dans le reste de la France", "non_places": "Projets non placés",
    "hab_dedans": "Territoires, pour 10 000 hab.", "hab_dedans_bas": "Territoires, pour 10 000 hab. (IC bas)",
    "hab_dedans_haut": "Territoires, pour 10 000 hab. (IC haut)", "hab_hors": "Reste, pour 10 000 hab.",
    "hab_hors_bas": "Reste, pour 10 000 hab. (IC bas)", "hab_hors_haut": "Reste, pour 10 000 hab. (IC haut)",
    "hab_rapport": "Rapport (habitants)", "emp_dedans": "Territoires, pour 1 000 emplois",
    "emp_dedans_bas": "Territoires, pour 1 000 emplois (IC bas)",
    "emp_dedans_haut": "Territoires, pour 1 000 emplois (IC haut)", "emp_hors": "Reste, pour 1 000 emplois",
    "emp_hors_bas": "Reste, pour 1 000 emplois (IC bas)", "emp_hors_haut": "Reste, pour 1 000 emplois (IC haut)",
    "emp_rapport": "Rapport (emplois)",
}


def compared(run: Runner, filtres: Filtres, chosen: list[str]):
    """The chosen territories' France Relance figures side by side: projects per 10,000 inhabitants by priority
    (a chart) and every figure (a table)."""
    from relance import charts, export

    phase = filtres.phase
    names = common.territory_names(run, phase)
    base = figures(run, phase, filtres.priorite_filtre).set_index("ti_id")
    counts = run("projets_par_territoire", phase=phase)
    counts = counts[counts["ti_id"].isin(chosen)]
    population = base["population"]
    labels = common.priority_labels(run)
    priorities = [p.code for p in common.priorites(run)
                  if (filtres.priorite_filtre in (None, p.code)) and p.code in set(counts["priorite"])]
    rows = []
    for ti in chosen:
        own = counts[counts["ti_id"] == ti]
        row = {"territoire": f"{names[ti]} ({ti})"}
        for code in priorities:
            row[code] = own.loc[own["priorite"] == code, "nb_projets"].sum() / population[ti] * 10000
        rows.append(row)
    frame = pd.DataFrame(rows)
    subtitle = common.filters_subtitle(filtres, ", ".join(names[t] for t in chosen))
    source = common.source_projets(run)
    title = "Lauréats France Relance pour 10 000 habitants, par priorité"
    figure = charts.count_bars(frame, "territoire", [(code, labels[code]) for code in priorities], title, subtitle,
                               source, "Projets pour 10 000 habitants", decimals=2)
    chart = export.chart(figure, frame.rename(columns={"territoire": "Territoire", **labels}).round(3),
                         "comparaison-laureats", title, subtitle, source, phase=phase,
                         method="Projets placés dans chaque territoire, rapportés à sa population.")
    table = pd.DataFrame([{
        "Territoire": names[ti], "Identifiant": ti,
        "Projets": int(base.loc[ti, "nb_projets"]),
        "Pour 10 000 habitants": round(float(base.loc[ti, "projets_10000"]), 2),
        "Pour 1 000 emplois salariés privés": (round(float(base.loc[ti, "projets_1000_emplois"]), 2)
                                                if pd.notna(base.loc[ti, "projets_1000_emplois"]) else None),
        "Rang (pour 10 000 hab.)": fmt.rang(base.loc[ti, "rang_taux"], base.loc[ti, "nb_territoires"],
                                            base.loc[ti, "rang_taux_ex_aequo"]),
        "Fonds friches : candidatures": int(base.loc[ti, "candidatures_friches"]),
        "Fonds friches : lauréates": int(base.loc[ti, "laureats_friches"]),
    } for ti in chosen])
    return chart, export.Table(table, "comparaison-laureats-tableau", "Lauréats France Relance des territoires "
                               "comparés", subtitle, source, phase=phase)
