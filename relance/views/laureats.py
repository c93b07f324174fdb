"""France Relance at territory level: the laureates placed in each territory (DGE list, Fonds friches laureates,
staff lists), counted, rated per 10,000 inhabitants and per 1,000 private salaried jobs, ranked with ties, and
compared with the rest of France."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from relance import fmt, lectures
from relance.db import Runner
from relance.filtres import PHASES, Filtres
from relance.views import common

Z95 = 1.959964


def figures(run: Runner, filtres: Filtres) -> pd.DataFrame:
    """Per territory of the phase (query laureats_territoires): the laureates of the readings the priority counts
    (national lists only, never the staff's), rates, ranks, and the hover detail (the rank only where it
    informs)."""
    readings = lectures.lectures(run, filtres.priorite)
    counted = lectures.comptees(readings)
    out = run("laureats_territoires", phase=filtres.phase, priorite=filtres.priorite_filtre,
              lectures=lectures.sources_comptees(readings))
    breakdown: dict[str, list[str]] = {}
    if len(counted) > 1:
        for reading in counted:
            own = run("laureats_territoires", phase=filtres.phase, priorite=filtres.priorite_filtre,
                      lectures=[reading.source])
            # plain lists: a few hundred rows, where pandas' string machinery costs milliseconds a map rerun
            for ti, count in zip(own["ti_id"].tolist(), own["nb_projets"].tolist(), strict=True):
                breakdown.setdefault(ti, []).append(f"{reading.libelle_court} {fmt.nombre(count)}")
    columns = ("ti_id", "nb_projets", "projets_10000", "rang_taux", "nb_meme_taux", "nb_territoires",
               "projets_1000_emplois")
    out["detail"] = [
        f"<br>Lauréats France Relance : {fmt.nombre(count)}"
        + (f" ({', '.join(breakdown[ti])})" if ti in breakdown else "")
        + f"<br>Pour 10 000 habitants : {fmt.nombre(rate, 2)} ({lectures.rang(count, rank, same, total)})"
        + (f"<br>Pour 1 000 emplois salariés privés : {fmt.nombre(jobs, 2)}"
           if pd.notna(jobs) else "<br>Emploi salarié privé non disponible")
        for ti, count, rate, rank, same, total, jobs in zip(*(out[c].tolist() for c in columns), strict=True)]
    return out


SCALE_MIN_SHARE = 0.05  # a département holding less of the territory's population is left out of the comparison


@dataclass(frozen=True)
class Echelles:
    """A territory's France Relance laureates next to its départements, région and France, reading by reading."""

    tableau: pd.DataFrame  # formatted: Échelle, Population, then laureates and rate of each counted reading
    phrase: str  # ratios, where the counts carry them
    note: str  # how each line counts


def scales(run: Runner, filtres: Filtres, ti: str, nom: str) -> Echelles:
    """The territory's rate of laureates, for each reading the priority counts, against its départements (those
    holding at least 5 % of its population), its région and France (query laureats_echelles), with a sentence of
    ratios where both counts are at least 10."""
    readings = [r for r in lectures.comptees(lectures.lectures(run, filtres.priorite)) if r.principale]
    labels = {"territoire": lambda r: f"{r.nom} (territoire)", "departement": lambda r: f"{r.nom} ({r.code})",
              "region": lambda r: f"Région {r.nom}", "france": lambda r: "France entière"}
    table = None
    sentences = []
    outside = 0
    for reading in readings:
        rows = run("laureats_echelles", phase=filtres.phase, ti=ti, priorite=filtres.priorite_filtre,
                   lectures=[reading.source])
        rows = rows[(rows["echelle"] != "departement") | (rows["part_territoire"] >= SCALE_MIN_SHARE)]
        if table is None:
            table = pd.DataFrame({"Échelle": [labels[r.echelle](r) for r in rows.itertuples()],
                                  "Population": [fmt.nombre(v) for v in rows["population"]]})
        table[f"{reading.libelle_court} : lauréats"] = [fmt.nombre(v) for v in rows["nb_projets"]]
        table[f"{reading.libelle_court} : pour 10 000 hab."] = [fmt.nombre(v, 2) for v in rows["projets_10000"]]
        own = rows.iloc[0]
        order = {"france": 0, "region": 1, "departement": 2}
        parts, too_few = [], []
        for row in sorted(rows.iloc[1:].itertuples(), key=lambda r: order[r.echelle]):
            of = {"departement": f"du département {row.nom} ({row.code})", "region": f"de la région {row.nom}",
                  "france": "de la France"}[row.echelle]
            multiple = lectures.fois(int(own["nb_projets"]), own["projets_10000"], int(row.nb_projets),
                                     row.projets_10000, of)
            named = {"departement": f"le département {row.nom} ({row.code})", "region": f"la région {row.nom}",
                     "france": "la France"}[row.echelle]
            (parts if multiple else too_few).append(multiple or named)
        sentence = (f"{reading.libelle_court} : {fmt.compte(own['projets_10000'], 'lauréat', decimales=2)} "
                    "pour 10 000 habitants")
        if parts:
            sentence += f" dans {nom}, {', '.join(parts)}"
        if too_few:
            sentence += (f" ; trop peu de lauréats pour un rapport avec {', '.join(too_few)} (il en faut "
                         f"{lectures.MULTIPLE_MIN} de chaque côté ; {fmt.nombre(own['nb_projets'])} dans le "
                         "territoire)")
        sentences.append(sentence + ".")
        outside = max(outside, int(rows["hors_departements"].dropna().iloc[0]) if rows["hors_departements"].notna()
                      .any() else 0)
    note = ("Lauréats des listes qui couvrent toute la France (jamais les listes de l'équipe), comptés une fois "
            "chacun. Le territoire compte les lauréats placés dans ses communes (par leur point, leur code postal ou "
            "leur commune) ; départements, région et France comptent les lauréats par leur département, sur leur "
            "population entière ; la France, ses 101 départements."
            + (f" {fmt.compte(outside, 'projet')} de Nouvelle-Calédonie ou de Polynésie (code 98) "
               f"{'sont comptés' if outside > 1 else 'est compté'} à part." if outside else ""))
    return Echelles(table if table is not None else pd.DataFrame(), " ".join(sentences), note)


def poisson_interval(count: int, exposure: float, per: float) -> tuple[float, float]:
    """95 % interval of a rate `count / exposure * per` (Poisson count, Byar's approximation)."""
    if not exposure:
        return math.nan, math.nan
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - Z95 / (3 * math.sqrt(count))) ** 3
    high = (count + 1) * (1 - 1 / (9 * (count + 1)) + Z95 / (3 * math.sqrt(count + 1))) ** 3
    return low / exposure * per, high / exposure * per


def _by(projects: pd.DataFrame, column: str, missing: str) -> pd.DataFrame:
    """Laureates (not rows) of a set of projects by one column."""
    first = projects.drop_duplicates("laureat")
    counts = first[column].fillna(missing).value_counts()
    return pd.DataFrame({"libelle": counts.index, "projets": counts.values})


@dataclass(frozen=True)
class Laureats:
    """What the profile shows of France Relance in one territory, beyond its synthesis."""

    messages: list[str]  # the sources the build went without
    note: str  # how laureates are counted, under their table
    vide: str  # said where no chart can be drawn
    # The rest is computed when the page first reads it (the profile shows one tab at a time).
    calculs: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)

    graphiques = common.later("graphiques", {})  # source -> [export.Chart], in the reading's order
    _listes = common.later("listes")  # (laureates, Fonds friches France Relance, Fonds vert): export.Table each
    carte = common.later("carte")  # export.Chart of the points, or None

    @property
    def projets(self):
        return self._listes[0]

    @property
    def friches(self):
        return self._listes[1]

    @property
    def fonds_vert(self):
        return self._listes[2]


def territory_laureats(reader, filtres: Filtres, ti: str, nom: str, search: str = "") -> Laureats:
    """The profile's France Relance details: the charts of each reading counted under the priority (laureates by
    measure, filière and company size; the Fonds friches by edition), the searchable laureates and friches tables
    and the point map."""
    from relance import charts, export
    from relance.views import projets as project_views

    run = reader.run
    phase = filtres.phase
    readings = lectures.lectures(run, filtres.priorite)
    counted = lectures.comptees(readings)
    sources = {r.source for r in readings if r.niveau == "territoire"}  # the staff's lists too: listed, never ranked
    every = project_views.filter_projects(run("projets", phase=phase), ti=ti, priorite=filtres.priorite_filtre)
    own = every[every["lecture"].isin(sources)]
    national = own[own["lecture"].isin({r.source for r in counted})]
    subtitle = common.filters_subtitle(filtres, nom)
    friches_source = common.source_projets(run, lectures=["friches"])

    def friches() -> pd.DataFrame:
        return run("friches_territoire", phase=phase, ti=ti)

    def graphiques() -> dict[str, list]:
        graphs: dict[str, list] = {}
        dge = national[national["lecture"] == "dge"]
        if len(national):
            graphs.setdefault(counted[0].source, []).append(
                project_views.projects_count_chart(run, filtres, national, nom, lectures.somme(readings)))
        if len(dge):
            dge_source = common.source_projets(run, lectures=["dge"])
            for column, missing, title, what in (
                    ("filiere", "filière non précisée", "Lauréats par filière", "laureats-par-filiere"),
                    ("type_entreprise", "taille non précisée", "Lauréats par taille d'entreprise",
                     "laureats-par-taille")):
                frame = _by(dge, column, missing)
                figure = charts.count_bars(frame, "libelle", [("projets", "Lauréats")], title,
                                           subtitle + " · liste DGE", dge_source, "Lauréats", width=48)
                graphs.setdefault("dge", []).append(export.chart(
                    figure, frame.rename(columns={"libelle": column.capitalize(), "projets": "Lauréats"}), what,
                    title, subtitle, dge_source, phase=phase, ti=ti,
                    method="Lauréats de la liste DGE : les lignes d'une même entreprise au même projet comptent pour "
                           "un lauréat."))
        sites = friches()
        france_relance = sites[sites["france_relance"]]
        if any(r.source == "friches" for r in counted) and len(france_relance):
            editions = (france_relance.groupby("edition").agg(candidatures=("num_dossier", "size"),
                                                              laureats=("laureat", "sum")).reset_index())
            vert = sites[~sites["france_relance"]]
            title = "Fonds friches (France Relance) : candidatures et lauréates par édition"
            note = (f" · Fonds vert 2023, hors France Relance et non dessiné : {fmt.compte(len(vert), 'candidature')}"
                    f", {fmt.compte(int(vert['laureat'].sum()), 'lauréate')}" if len(vert) else "")
            figure = charts.count_bars(editions, "edition",
                                       [("candidatures", "Candidatures"), ("laureats", "Lauréates")], title,
                                       subtitle + " · commune de la candidature" + note, friches_source,
                                       "Candidatures", width=48)
            graphs.setdefault("friches", []).append(export.chart(
                figure, editions.rename(columns={"edition": "Édition", "candidatures": "Candidatures",
                                                 "laureats": "Lauréates"}),
                "fonds-friches-par-edition", title, subtitle, friches_source, phase=phase, ti=ti,
                method="Drapeau laureat_fv du fichier Cerema, trois éditions France Relance ; le Fonds vert (2023) "
                       "n'est pas France Relance et n'est jamais dessiné avec elles."))
        return graphs

    def listes() -> tuple:
        shown = project_views.filter_projects(own, text=search)
        table = export.Table(project_views.laureates_table(run, shown), "laureats-du-territoire",
                             f"Lauréats France Relance : {nom}", subtitle,
                             common.source_projets(run, sorted(set(own["import_id"]))), phase=phase, ti=ti,
                             method=project_views.PLACEMENT_METHOD + " " + project_views.LAUREATE_METHOD)
        sites = friches()
        if search.strip():
            needle = search.strip().lower()
            haystack = (sites["site_nom"].fillna("") + " " + sites["commune_nom"].fillna("")).str.lower()
            sites = sites[haystack.str.contains(needle, regex=False)]
        tables = []
        for france_relance, what, title, source_line in (
                (True, "friches-du-territoire", f"Fonds friches (France Relance) : {nom}", friches_source),
                (False, "fonds-vert-du-territoire", f"Fonds vert 2023, hors France Relance : {nom}",
                 common.source_friches(run))):
            rows = sites[sites["france_relance"] == france_relance]
            tables.append(export.Table(project_views.friches_table(rows), what, title, subtitle, source_line,
                                       phase=phase, ti=ti, method=project_views.FRICHES_METHOD))
        return table, tables[0], tables[1]

    empty = ("Aucun lauréat France Relance de cette priorité n'est placé dans ce territoire"
             + (", et aucun indicateur du Baromètre n'est choisi." if filtres.indicateur is None else "."))
    return Laureats(common.missing_sources(run), project_views.LAUREATE_METHOD, empty, {
        "graphiques": graphiques, "listes": listes,
        "carte": lambda: project_views.projects_chart(reader, filtres, own, ti) if len(own) else None})


@dataclass(frozen=True)
class Comparaison:
    """Laureates inside the territories of a phase against the rest of France, reconciled with the Baromètre."""

    phrase: str
    limites: str
    graphiques: list  # export.Chart: per 10,000 inhabitants, per 1,000 private salaried jobs
    tableau: object  # export.Table by reading and measure


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


GAPS = {"plus": "nettement plus", "moins": "nettement moins", "autant": "écart non net"}
BAROMETRE_BAND = 5  # a tercile index within 100 ± 5 is « proche de la moyenne »


@dataclass(frozen=True)
class LectureBarometre:
    """The Baromètre's answer: where the départements most covered by the territories stand, indicator by
    indicator (index of their tercile, all départements = 100)."""

    sens: str | None  # plus (every indicator above), moins (every one below), partage; None without indicator
    phrase: str


def barometre_reading(run: Runner, filtres: Filtres) -> LectureBarometre:
    """The most covered third of départements against all départements, for each Baromètre indicator of the
    priority at its reading date: above (index ≥ 105), below (≤ 95) or close."""
    items = common.indicateurs(run, filtres.priorite)
    if not items:
        return LectureBarometre(None, "Aucun indicateur du Baromètre ne couvre cette priorité.")
    above, below, close = [], [], []
    for indicator in items:
        groups = run("territoires_vs_france", phase=filtres.phase, indicateur=indicator.id,
                     date=indicator.date_lecture)
        overall = groups["valeur"].sum() / groups["population"].sum() * 10000
        index = groups["taux_10000"].iloc[-1] / overall * 100
        named = f"{fmt.minuscule(indicator.libelle_court)} ({fmt.nombre(index)})"
        (above if index >= 100 + BAROMETRE_BAND else below if index <= 100 - BAROMETRE_BAND else close).append(named)
    parts = []
    for words, names in (("au-dessus de la moyenne pour", above), ("en dessous pour", below),
                         ("proches de la moyenne pour", close)):
        if names:
            parts.append(f"{words} {', '.join(names[:-1]) + ' et ' + names[-1] if len(names) > 1 else names[0]}")
    sens = "plus" if above and not below and not close else "moins" if below and not above and not close \
        else "partage"
    phrase = ("Au Baromètre (valeurs départementales, indice 100 : l'ensemble des départements), le tiers des "
              f"départements les plus couverts par les territoires est {' ; '.join(parts)}.")
    return LectureBarometre(sens, phrase)


def _answer(signs: list[str]) -> str:
    """« Oui » only when every reading puts the territories above the rest of France; « Non, moins » when every one
    puts them below; otherwise a nuanced verdict."""
    if all(s == "plus" for s in signs):
        return "Oui"
    if all(s == "moins" for s in signs):
        return "Non, moins"
    if ("plus" in signs and "moins" in signs) or ("partage" in signs and ("plus" in signs or "moins" in signs)):
        return "En partie"
    return "Pas nettement"


def territories_vs_france(run: Runner, filtres: Filtres) -> Comparaison:
    """Did France Relance reach the territories more than the rest of France? Laureates per 10,000 inhabitants and
    per 1,000 private salaried jobs inside the phase's territories and outside, for the readings the priority
    counts, by reading and measure, with 95 % intervals (Poisson counts), with and without the call reserved in
    name to the territories; reconciled in one sentence with the Baromètre's reading."""
    from relance import charts, export

    phase = filtres.phase
    readings = lectures.lectures(run, filtres.priorite)
    counted = lectures.comptees(readings)
    den = run("denominateurs_france", phase=phase).iloc[0]
    pop_in, pop_out = den["population_territoires"], den["population_france"] - den["population_territoires"]
    jobs_in, jobs_out = den["emplois_territoires"], den["emplois_france"] - den["emplois_territoires"]
    by_reading = {}
    for reading in counted:
        rows = run("projets_france", phase=phase, lectures=[reading.source])
        if filtres.priorite_filtre:
            rows = rows[rows["priorite"] == filtres.priorite_filtre]
        by_reading[reading.libelle_court] = rows
    counts = pd.concat(by_reading.values(), ignore_index=True) if by_reading else pd.DataFrame(
        columns=["mesure", "priorite", "dans_territoires", "hors_territoires", "non_places", "hors_departements"])
    call = counts[counts["mesure"] == lectures.APPEL_TERRITOIRES]
    groups = [("Ensemble : " + lectures.somme(readings) if len(counted) > 1 else counted[0].libelle_court
               if counted else "Ensemble", "ensemble", counts)]
    if len(counted) > 1:
        groups += [(label, "lecture", rows) for label, rows in by_reading.items()]
    if len(call):
        groups += [(f"Sans l'appel « {lectures.APPEL_TERRITOIRES} »", "sans l'appel",
                    counts[counts["mesure"] != lectures.APPEL_TERRITOIRES])]
    groups += [(label, "mesure", rows) for label, rows in counts.groupby("mesure", sort=True)]
    frame = pd.DataFrame([{"libelle": label, "niveau": level, "n_dedans": int(rows["dans_territoires"].sum()),
                           "n_hors": int(rows["hors_territoires"].sum()), "non_places": int(rows["non_places"].sum()),
                           "hors_departements": int(rows["hors_departements"].sum())}
                          for label, level, rows in groups])
    frame = _rates(_rates(frame, pop_in, pop_out, 10000, "hab"), jobs_in, jobs_out, 1000, "emp")
    total = frame.iloc[0]
    share = pop_in / den["population_france"]
    projects_sign = _verdict(total, "hab")
    jobs = _verdict(total, "emp")
    barometre = barometre_reading(run, filtres)
    lead = readings[0] if readings else None
    signs = [projects_sign] + ([barometre.sens] if barometre.sens else [])
    verdict = _answer(signs)
    what = lectures.somme(readings)
    projects = (
        f"Les territoires d'industrie de la {PHASES[phase].lower()}, où vit {fmt.pourcent(share, 0)} de la "
        f"population, comptent {fmt.compte(total['n_dedans'], 'lauréat')} ({what}), soit "
        f"{fmt.nombre(total['hab_dedans'], 2)} pour 10 000 habitants (intervalle à 95 % : "
        f"{fmt.nombre(total['hab_dedans_bas'], 2)} à {fmt.nombre(total['hab_dedans_haut'], 2)}), contre "
        f"{fmt.nombre(total['hab_hors'], 2)} ({fmt.nombre(total['hab_hors_bas'], 2)} à "
        f"{fmt.nombre(total['hab_hors_haut'], 2)}) dans le reste de la France : "
        + (f"{fmt.nombre(total['hab_rapport'], 2)} fois le taux du reste du pays"
           if total["n_dedans"] >= lectures.MULTIPLE_MIN and total["n_hors"] >= lectures.MULTIPLE_MIN
           else "trop peu de lauréats pour un rapport")
        + f" ({GAPS[projects_sign]}). Rapporté à l'emploi salarié privé, {fmt.nombre(total['emp_dedans'], 2)} pour "
        f"1 000 emplois contre {fmt.nombre(total['emp_hors'], 2)} ({GAPS[jobs]}).")
    without = frame[frame["niveau"] == "sans l'appel"]
    if len(without):
        row = without.iloc[0]
        part = run("appel_ti_part", phase=phase, mesure=lectures.APPEL_TERRITOIRES).iloc[0]
        projects += (
            f" L'appel « {lectures.APPEL_TERRITOIRES} » n'était pas réservé aux territoires : "
            f"{fmt.nombre(part['nb_dans_territoire'])} de ses {fmt.compte(part['nb_projets'], 'ligne')} "
            f"({fmt.pourcent(part['part'])}) sont dans un territoire de la {PHASES[phase].lower()}. Sans lui, "
            f"{fmt.compte(row['hab_dedans'], 'lauréat', decimales=2)} pour 10 000 habitants dans les territoires "
            "contre "
            f"{fmt.nombre(row['hab_hors'], 2)} ailleurs ({fmt.nombre(row['hab_rapport'], 2)} fois, au lieu de "
            f"{fmt.nombre(total['hab_rapport'], 2)}).")
    if any(r.source == "friches" for r in counted):
        area = run("friches_france", phase=phase).iloc[0]
        inside, outside = area["ha_dedans"], area["ha_hors"]
        projects += (f" Fonds friches : les lauréats situés dans les territoires recyclent {fmt.nombre(inside)} ha "
                     f"de friche déclarés ({fmt.nombre(inside / pop_in * 10000, 2)} ha pour 10 000 habitants), contre "
                     f"{fmt.nombre(outside)} ha dans le reste de la France ({fmt.nombre(outside / pop_out * 10000, 2)}"
                     " ha pour 10 000 habitants).")
    sentences = [barometre.phrase, projects] if lead is not None and lead.niveau == "departement" else \
        [projects, barometre.phrase]
    reconcile = ""
    if barometre.sens and verdict in ("Oui", "Non, moins"):
        reconcile = "Les deux lectures vont dans le même sens."
    elif barometre.sens and verdict == "En partie":
        reconcile = ("Les deux lectures ne vont pas dans le même sens : les lauréats comptés ici ne disent rien des "
                     "aides à l'emploi, à l'apprentissage ou à la numérisation que mesure le Baromètre.")
    elif barometre.sens:
        reconcile = "Aucune des deux lectures ne tranche nettement."
    phrase = f"**{verdict}.** " + " ".join(sentences) + (f" {reconcile}" if reconcile else "")
    friches_regions = run("fonds_friches_regions")
    france_relance = friches_regions[friches_regions["france_relance"]]
    unplaced = int(france_relance["laureats_non_situes"].sum())
    by_region = (france_relance.dropna(subset=["region_code"]).groupby("region_nom")
                 [["laureats", "laureats_non_situes"]].sum())
    by_region = by_region[by_region["laureats"] > 0]
    shares = by_region["laureats_non_situes"] / by_region["laureats"]
    limits = []
    if total["non_places"]:
        limits.append(f"{fmt.compte(total['non_places'], 'lauréat')} sans commune ni point dans un territoire "
                      + ("est laissé" if total["non_places"] < 2 else "sont laissés") + " de côté")
    if total["hors_departements"]:
        limits.append(f"{fmt.compte(total['hors_departements'], 'lauréat')} de Nouvelle-Calédonie ou de Polynésie "
                      "(hors des 101 départements) ne compte" + ("nt" if total["hors_departements"] > 1 else "")
                      + " ni dedans ni dehors")
    if any(r.source == "friches" for r in counted) and unplaced:
        limits.append(f"{fmt.compte(unplaced, 'lauréate')} France Relance du Fonds friches que le Cerema ne situe "
                      f"pas ({fmt.pourcent(unplaced / france_relance['laureats'].sum(), 0)} ; de "
                      f"{fmt.pourcent(shares.min(), 0)} à {fmt.pourcent(shares.max(), 0)} selon la région, détail "
                      "dans l'onglet « Fonds friches par région ») ne sont dans aucun territoire ni dans le reste "
                      "de la France")
    limits += [f"{r.libelle_court} : {r.laisse_de_cote[0].lower()}{r.laisse_de_cote[1:].rstrip('.')}"
               for r in counted]
    limits.append("l'intervalle ne tient compte que de l'aléa de comptage (loi de Poisson), pas des erreurs de "
                  "placement")
    limites = "Limites : " + " ; ".join(limits) + "."
    subtitle = common.filters_subtitle(filtres) + " · intervalles à 95 %"
    source = common.source_projets(run, lectures=lectures.sources_comptees(readings))
    graphs = []
    shown = frame[frame["niveau"] != "mesure"].reset_index(drop=True)
    # short labels on the bars (the subtitle and the data say what the whole adds up)
    short = {"ensemble": "Ensemble", "sans l'appel": "Sans l'appel « territoires »"}
    shown["barre"] = [short.get(level, label) for label, level in zip(shown["libelle"], shown["niveau"], strict=True)]
    subtitle += f" · ensemble : {what}" if len(counted) > 1 else ""
    for suffix, title, axis, what_file in (
            ("hab", "Lauréats France Relance pour 10 000 habitants : territoires et reste de la France",
             "Lauréats pour 10 000 habitants", "laureats-10000-habitants"),
            ("emp", "Lauréats France Relance pour 1 000 emplois salariés privés : territoires et reste de la France",
             "Lauréats pour 1 000 emplois salariés privés", "laureats-1000-emplois")):
        figure = charts.count_bars(
            shown, "barre", [(f"{suffix}_dedans", "Dans les territoires d'industrie"),
                               (f"{suffix}_hors", "Reste de la France")], title, subtitle, source, axis,
            decimals=2, errors={f"{suffix}_dedans": (f"{suffix}_dedans_bas", f"{suffix}_dedans_haut"),
                                f"{suffix}_hors": (f"{suffix}_hors_bas", f"{suffix}_hors_haut")})
        data = shown[["libelle", "n_dedans", "n_hors", f"{suffix}_dedans", f"{suffix}_dedans_bas",
                      f"{suffix}_dedans_haut", f"{suffix}_hors", f"{suffix}_hors_bas", f"{suffix}_hors_haut",
                      f"{suffix}_rapport"]].round(3)
        graphs.append(export.chart(figure, data.rename(columns=_HEADERS), what_file, title, subtitle, source,
                                   phase=phase,
                                   method="Lauréats placés (commune, ou point dans un territoire), comptés une fois "
                                          "par territoire ; le reste de la France compte ses 101 départements ; "
                                          "intervalle de Poisson à 95 % (approximation de Byar)."))
    table = frame.rename(columns=_HEADERS)[[*_HEADERS.values()]].round(3)
    return Comparaison(phrase, limites, graphs,
                       export.Table(table, "laureats-territoires-et-reste-de-la-france",
                                    "Lauréats France Relance : territoires d'industrie et reste de la France",
                                    subtitle, source, phase=phase))


_HEADERS = {
    "libelle": "Lecture ou mesure", "niveau": "Niveau", "n_dedans": "Lauréats dans les territoires",
    "n_hors": "Lauréats dans le reste de la France", "non_places": "Lauréats non placés",
    "hors_departements": "Lauréats hors des 101 départements",
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
    """The chosen territories side by side, for each reading the priority counts: laureates per 10,000
    inhabitants against the phase's territories together and France (a chart), and every figure with its rank
    where it informs and, for the Fonds friches, the hectares per 10,000 inhabitants (a table). Staff lists never
    enter: other territories may have none."""
    from relance import charts, export

    phase = filtres.phase
    names = common.territory_names(run, phase)
    readings = lectures.comptees(lectures.lectures(run, filtres.priorite))
    den = run("denominateurs_france", phase=phase).iloc[0]
    frames = {r.source: run("laureats_territoires", phase=phase, priorite=filtres.priorite_filtre,
                            lectures=[r.source]).set_index("ti_id") for r in readings}
    rows = []
    for ti in chosen:
        rows.append({"territoire": f"{names[ti]} ({ti})",
                     **{r.source: frames[r.source].loc[ti, "projets_10000"] for r in readings}})
    references = []
    for reading in readings:
        counts = run("projets_france", phase=phase, lectures=[reading.source])
        if filtres.priorite_filtre:
            counts = counts[counts["priorite"] == filtres.priorite_filtre]
        france = run("lecture_france", priorite=filtres.priorite_filtre, lectures=[reading.source]).iloc[0]
        references.append((reading.source, int(counts["dans_territoires"].sum()), int(france["laureats_departements"])))
    rows.append({"territoire": f"Ensemble des territoires de la {PHASES[phase].split(' (')[0].lower()}",
                 **{s: inside / den["population_territoires"] * 10000 for s, inside, _ in references}})
    rows.append({"territoire": "France entière (101 départements)",
                 **{s: every / den["population_france"] * 10000 for s, _, every in references}})
    frame = pd.DataFrame(rows)
    subtitle = common.filters_subtitle(filtres, ", ".join(names[t] for t in chosen))
    source = common.source_projets(run, lectures=[r.source for r in readings])
    title = "Lauréats France Relance pour 10 000 habitants"
    series = [(r.source, r.libelle_court) for r in readings]
    figure = charts.count_bars(frame, "territoire", series, title, subtitle, source, "Lauréats pour 10 000 habitants",
                               decimals=2)
    chart = export.chart(figure, frame.rename(columns={"territoire": "Territoire", **dict(series)}).round(3),
                         "comparaison-laureats", title, subtitle, source, phase=phase,
                         method="Lauréats placés dans chaque territoire (comptés une fois), rapportés à sa population ;"
                                " références : l'ensemble des territoires de la phase et la France entière.")
    friches = run("friches_territoires", phase=phase).set_index("ti_id") if "friches" in frames else None
    table_rows = []
    for ti in chosen:
        row = {"Territoire": names[ti], "Identifiant": ti}
        for reading in readings:
            own = frames[reading.source].loc[ti]
            row[f"{reading.libelle_court} : lauréats"] = int(own["nb_projets"])
            row[f"{reading.libelle_court} : pour 10 000 hab."] = round(float(own["projets_10000"]), 2)
            row[f"{reading.libelle_court} : rang"] = (lectures.rang(own["nb_projets"], own["rang_taux"],
                                                                     own["nb_meme_taux"], own["nb_territoires"]))
        if friches is not None:
            row["Fonds friches : hectares de friche"] = round(float(friches.loc[ti, "friche_ha"]), 1)
            row["Fonds friches : hectares pour 10 000 hab."] = round(float(friches.loc[ti, "hectares_10000"]), 2)
        table_rows.append(row)
    return chart, export.Table(pd.DataFrame(table_rows), "comparaison-laureats-tableau",
                               "Lauréats France Relance des territoires comparés", subtitle, source, phase=phase,
                               method="Listes qui couvrent toute la France seulement ; rang par le taux pour 10 000 "
                                      "habitants, montré seulement quand il informe.")


def compared_by_measure(run: Runner, filtres: Filtres, chosen: list[str]):
    """The chosen territories' laureates split by measure (the lists the priority counts, each laureate once in a
    territory): one row per measure, one column per territory, and the rows' total."""
    from relance import export

    phase = filtres.phase
    names = common.territory_names(run, phase)
    sources = lectures.sources_comptees(lectures.lectures(run, filtres.priorite))
    projects = run("projets", phase=phase)
    projects = projects[projects["ti_id"].isin(chosen) & projects["lecture"].isin(sources)]
    if filtres.priorite_filtre:
        projects = projects[projects["priorite"] == filtres.priorite_filtre]
    # each laureate once in its territory, in the measure of its first row (lowest projet_id, as membres_laureats)
    first = projects.sort_values("projet_id").drop_duplicates(["ti_id", "laureat"]).assign(
        mesure=lambda f: f["mesure"].fillna("mesure non précisée"))
    counts = first.pivot_table(index="mesure", columns="ti_id", values="laureat", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=chosen, fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    labels = common.priority_labels(run)
    priority_of = first.drop_duplicates("mesure").set_index("mesure")["priorite"]
    table = pd.DataFrame({"Mesure": counts.index,
                          "Priorité": [common.label_of(labels, priority_of.get(m)) for m in counts.index]})
    for ti in chosen:
        table[f"{names[ti]} ({ti})"] = counts[ti].astype(int).to_numpy()
    table["Total"] = counts.sum(axis=1).astype(int).to_numpy()  # of the compared territories
    subtitle = common.filters_subtitle(filtres, ", ".join(names[t] for t in chosen))
    return export.Table(table, "comparaison-par-mesure", "Lauréats des territoires comparés, par mesure", subtitle,
                        common.source_projets(run, lectures=sources), phase=phase,
                        method="Listes qui couvrent toute la France seulement ; chaque lauréat compté une fois dans "
                               "son territoire, dans la mesure de sa première ligne.")
