"""What the pages share: territory lists, priorities and indicators, filter subtitles and source lines."""

from __future__ import annotations

import functools

from relance import fmt, listes
from relance.db import Runner
from relance.filtres import ALL_PRIORITIES, ALL_PRIORITIES_LABEL, PHASES, Filtres, Indicateur, Priorite


def territory_names(run: Runner, phase: int) -> dict[str, str]:
    """Territory id -> name for one phase, in list order (by name)."""
    territories = run("territoires", phase=phase, ti=None)
    return dict(zip(territories["ti_id"], territories["nom"], strict=True))


def territory_labels(run: Runner, phase: int) -> dict[str, str]:
    """Territory id -> `name (id)`, as offered in the territory lists."""
    return {ti: f"{nom} ({ti})" for ti, nom in territory_names(run, phase).items()}


def later(name: str, default: object = None) -> functools.cached_property:
    """A part of a view computed when the page first reads it: `calculs[name]()` of the view (its field
    `calculs`, functions of no argument), `default` when the view has none. The page lays out what comes first, its
    first chart among it, before the long parts are computed."""
    return functools.cached_property(lambda view: view.calculs[name]() if name in view.calculs else default)


def priorites(run: Runner) -> list[Priorite]:
    """Every priority of the reviewed table (the programme's first), with how charts draw it."""
    frame = run("priorites")
    return [Priorite(*row) for row in zip(*(frame[c].tolist() for c in ("priorite", "libelle", "description",
                                                                        "couleur", "motif", "symbole")),
                                          strict=True)]


def priority_choices(run: Runner) -> dict[str, str]:
    """The priority filter: every priority, then each priority of the programme."""
    frame = run("priorites")
    return {ALL_PRIORITIES: ALL_PRIORITIES_LABEL,
            **{code: label for code, label, programme in zip(frame["priorite"].tolist(), frame["libelle"].tolist(),
                                                             frame["programme"].tolist(), strict=True) if programme}}


def priority_labels(run: Runner) -> dict[str, str]:
    """Priority code -> label."""
    return {p.code: p.libelle for p in priorites(run)}


def label_of(labels: dict[str, str], code: str | None) -> str:
    """A priority's label, "non classée" for a project whose measure is not mapped."""
    return labels.get(code, "non classée") if code else "non classée"


def measure_priority(run: Runner, mesure: str) -> str | None:
    """The priority of a France Relance measure in the reviewed mapping (table mesure_priorite)."""
    return listes.priority_of(mesure, listes.measure_map(run("priorites_mesures")))


def shows_priority(filtres: Filtres, priorite: str | None) -> bool:
    """Whether what belongs to a priority is shown under the priority filter."""
    return filtres.priorite == ALL_PRIORITIES or filtres.priorite == priorite


def indicateurs(run: Runner, priorite: str) -> list[Indicateur]:
    """Indicators of a priority (all priorities for `toutes`), the main France Relance one first."""
    frame = run("indicateurs", priorite=None if priorite == ALL_PRIORITIES else priorite)
    columns = {**{c: frame[c].tolist() for c in ("id_indicateur", "libelle", "libelle_court", "mesure", "unite",
                                                 "priorite", "priorite_libelle", "nature", "raison_lecture")},
               **{c: frame[c].to_numpy().astype("datetime64[D]").tolist() for c in ("derniere_date",
                                                                                    "date_lecture")}}
    # plain lists rather than rows of pandas objects: this runs on every rerun
    return [Indicateur(columns["id_indicateur"][i], columns["libelle"][i], columns["libelle_court"][i],
                       columns["mesure"][i], columns["unite"][i], columns["priorite"][i],
                       columns["priorite_libelle"][i], columns["derniere_date"][i], columns["nature"][i],
                       columns["date_lecture"][i], columns["raison_lecture"][i],
                       tuple(dates.astype("datetime64[D]").tolist()))
            for i, dates in enumerate(frame["dates"].tolist())]


def filters_subtitle(filtres: Filtres, ti_nom: str | None = None, date=None) -> str:
    """The active filters, written into every chart so that an exported image stands alone."""
    parts = [PHASES[filtres.phase], filtres.priorite_libelle]
    if ti_nom:
        parts.append(ti_nom)
    if date:
        parts.append(f"au {fmt.date_longue(date)}")
    return " · ".join(parts)


PHASE_2_CAVEAT = "données 2020-2022, antérieures à la phase 2 (2023-2027)"


def reading_date(filtres: Filtres, indicator: Indicateur):
    """The date an indicator is read at: the one chosen for the sidebar's indicator, else its default reading."""
    if filtres.indicateur is not None and indicator.id == filtres.indicateur.id and filtres.date:
        return filtres.date
    return indicator.date_lecture


def reading_subtitle(filtres: Filtres, indicator: Indicateur, ti_nom: str | None = None, date=None) -> str:
    """The subtitle of a Baromètre chart: filters, the date read (or none for a series), the indicator's nature,
    and for phase 2 that the data predate it."""
    parts = [filters_subtitle(filtres, ti_nom, date), indicator.nature_libelle]
    if filtres.phase == 2:
        parts.append(PHASE_2_CAVEAT)
    return " · ".join(parts)


def _sources(run: Runner) -> dict[str, dict]:
    """The `source` table by key (a dict: read for every chart's source line)."""
    return {row["cle"]: row for row in run("sources").to_dict("records")}


def source_row(run: Runner, key: str) -> dict:
    """One source's row of the `source` table (its publisher, vintage, file)."""
    return _sources(run)[key]


def source_territoires(run: Runner, phase: int) -> str:
    """Source line of a territory map or table of one phase (from the database's `source` table)."""
    sources = _sources(run)
    ti, communes = sources[f"ti_phase{phase}"], sources["communes"]
    return (f"Sources : {ti['editeur']}, Territoires d'industrie {PHASES[phase].lower()}, {ti['millesime']} ;<br>"
            f"{communes['editeur']}, {communes['millesime']} ; contours ANCT/IGN simplifiés.")


def source_relance(run: Runner, detail: str = "valeurs départementales") -> str:
    """Source line of a chart built on the Baromètre des résultats."""
    sources = _sources(run)
    barometre, communes = sources["barometre_dep"], sources["communes"]
    return (f"Source : {barometre['editeur']}, Baromètre des résultats de l'action publique "
            f"({barometre['millesime']}), {detail} ;<br>populations : {communes['editeur']}, "
            f"{communes['millesime']} ; ANCT, Territoires d'industrie.")


def source_friches(run: Runner) -> str:
    """Source line of the Fonds friches charts."""
    sources = _sources(run)
    friches, sites = sources["fonds_friches"], sources["cartofriches_sites"]
    return (f"Sources : {friches['editeur']}, fichier des candidatures au Fonds friches ({friches['millesime']}) ;"
            f"<br>sites Cartofriches ({sites['millesime']}).")


def source_projets(run: Runner, import_ids: list[str] | None = None, lectures: list[str] | None = None) -> str:
    """Source line of project charts: the lists the projects come from (the given imports, or the loaded lists of
    the given readings — dge, friches, equipe —, or every loaded list)."""
    imports = run("projet_imports")
    if import_ids is not None:
        imports = imports[imports["import_id"].isin(set(import_ids))]
    if lectures is not None:
        imports = imports[imports["lecture"].isin(set(lectures))]
    sources = _sources(run)
    parts = []
    if imports["lecture"].eq("dge").any():
        dge = sources["dge_liste"]
        parts.append(f"DGE, Plan de relance – projets industriels ({dge['millesime']})")
    if imports["lecture"].eq("friches").any():
        sites, applications = sources["cartofriches_sites"], sources["fonds_friches"]
        parts.append(f"Cerema, Fonds friches, lauréats France Relance (sites {sites['millesime']} ; candidatures "
                     f"{applications['millesime']})")
    staff = list(imports.loc[imports["lecture"].eq("equipe"), "fichier"])
    if staff:
        listed = ", ".join(fmt.escape_html(f) for f in staff[:3]) + ("…" if len(staff) > 3 else "")
        parts.append(f"listes de l'équipe ({listed})")
    return (f"Sources : {' ; '.join(parts) or 'aucune liste chargée'} ;<br>placement Relance & Territoires ; "
            "ANCT, Territoires d'industrie.")


def extract_warning(run: Runner) -> str | None:
    """The sentence every page shows when the base was built from the tests' extract (build_info `perimetre`),
    None for the whole of France."""
    info = run("build_info").set_index("cle")["valeur"]
    perimetre = str(info.get("perimetre", "france"))
    if perimetre == "france":
        return None
    departements = perimetre.removeprefix("extrait").strip().replace(",", ", ")
    return (f"Base d'essai construite sur un extrait des données (départements {departements}) : les totaux "
            "« France », les moyennes et les rangs ne portent que sur cet extrait.")


def missing_sources(run: Runner) -> list[str]:
    """What the build went without: each optional raw source that was absent, said in French."""
    return [f"Source absente des données brutes, la base a été construite sans elle : {r['titre']} "
            f"(`{r['fichier']}`). Les chiffres de projets ne viennent que des autres sources."
            for r in _sources(run).values() if not r["present"]]


def plain_source(text: str) -> str:
    """A chart's source line as a page caption (one line)."""
    return text.replace("<br>", " ")


def reading_note(departements) -> str:
    """How a territory's Baromètre value reads: its only département's value, or a mix of several."""
    if len(departements) == 1:
        return f"Valeur du département ({departements[0]['nom']}), la même pour tout territoire qui y est entier"
    return f"Moyenne de {fmt.compte(len(departements), 'département')}, pondérée par la population"


def departement_values(departements) -> str:
    """`Nièvre : 36, Cher : 74`: a territory's départements and their values (`n.d.` when missing)."""
    def value(v) -> str:
        return "n.d." if v is None or v != v else fmt.nombre(v)

    return ", ".join(f"{d['nom']} : {value(d['valeur'])}" for d in departements)
