"""The address: every key declared once (`CLES`), bound to the widgets that hold it (seeded from the query string,
written back to it), parsed and validated into one frozen value (`Adresse`) that the entry hands to the page; the
page's tabs bound to it; the messages about values that were not understood. No page parses a key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import streamlit as st

from relance.filtres import Filtres
from relance.ui.donnees import vue

MESSAGES_KEY = "_messages_url"
WRITTEN_KEY = "_url_ecrite"


def url_state(key: str, parse: Callable[[str | None], tuple], serialize: Callable = str):
    """Seed `st.session_state[key]` from the query string; keep the URL in step with it.

    The URL value is read again whenever it differs from what this session last wrote (a pasted link,
    a page link with query parameters). Call it at the top of every run, before the widget keyed `key`:
    the URL is written here, in the script, because query-string changes made inside widget callbacks
    do not reach the browser.
    """
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    raw = st.query_params.get(key)
    if key not in st.session_state or (raw is not None and raw != written.get(key)):
        value, message = parse(raw)
        st.session_state[key] = value
        if message:
            st.session_state.setdefault(MESSAGES_KEY, []).append(message)
    else:
        # Re-assigning keeps the value when the widget holding it belongs to another page (Streamlit
        # otherwise resets a widget value created on one page and read by a widget of another).
        st.session_state[key] = st.session_state[key]
    sync_url(key, serialize)
    return st.session_state[key]


def sync_url(key: str, serialize: Callable = str) -> None:
    """Write the current value of `key` to the query string (removed when None or empty)."""
    value = st.session_state.get(key)
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    text = None if value is None or value == "" or (isinstance(value, list | tuple) and not value) else \
        serialize(value)
    if text is None:  # absent from the address: empty, or the serializer says so (an unticked box)
        if key in st.query_params:
            del st.query_params[key]
        written[key] = None
    else:
        if st.query_params.get(key) != text:
            st.query_params[key] = text
        written[key] = text


TAB_KEY = "onglet"  # the open tab's name in the address (a link reopens it; absent for the first tab)


def tabs(labels) -> list:
    """A page's tabs, only the open one computed and sent (test `.open` before filling a tab): the browser draws
    a page's charts all at once, even in a hidden tab, so a page opens as fast as its first tab. The open tab is
    bound to the address; an unknown name there opens the first tab."""
    return list(st.tabs(list(labels), key=TAB_KEY, bind="query-params"))


def show_url_messages() -> None:
    """Show (once) the messages about address values that were not understood."""
    for message in st.session_state.pop(MESSAGES_KEY, []):
        st.warning(message, icon=":material/warning:")


# --- Every key of the address, declared once ---------------------------------------------------------------------

PAGES = ("carte", "territoire", "projets", "comparer", "france", "methodologie")


@dataclass(frozen=True)
class Cle:
    """A key of the address: the pages that read it, and what it holds."""

    nom: str
    pages: tuple[str, ...]
    description: str


CLES: dict[str, Cle] = {c.nom: c for c in [
    Cle("phase", PAGES, "phase du programme : 1 ou 2"),
    Cle("priorite", PAGES, "priorité du programme, ou « toutes »"),
    Cle("indicateur", PAGES, "indicateur du Baromètre de la priorité"),
    Cle("date", PAGES, "date de lecture de l'indicateur"),
    Cle("ti", ("carte", "territoire", "projets"), "territoire choisi (ti-NNNN) de la phase"),
    Cle("metrique", ("carte",), "ce que colore la carte (lecture principale par défaut)"),
    Cle("mode", ("carte",), "lecture d'un indicateur du Baromètre sur la carte"),
    Cle("comparer", ("comparer",), "territoires comparés, séparés par des virgules"),
    Cle(TAB_KEY, ("territoire", "comparer", "france"), "onglet ouvert (absent pour le premier)"),
    Cle("recherche", ("projets",), "texte cherché dans l'entreprise, le projet, le descriptif et la commune"),
    Cle("ou", ("projets",), "localisation : tous, dans (un territoire) ou hors (territoire)"),
    Cle("mesures", ("projets",), "mesures retenues, séparées par « | »"),
    Cle("filieres", ("projets",), "filières retenues, séparées par « | »"),
    Cle("tailles", ("projets",), "tailles d'entreprise retenues, séparées par « | »"),
    Cle("douteux", ("projets",), "1 : placements douteux seulement"),
    Cle("tri", ("projets",), "ordre du tableau des projets (entreprise par défaut)"),
    Cle("par_mesure", ("comparer",), "1 : lauréats des territoires comparés détaillés par mesure"),
]}
TI_ABSENT = {"carte": "La carte est affichée sans sélection.",
             "territoire": "Choisissez un territoire dans la liste.",
             "projets": "Tous les territoires sont affichés."}


@dataclass(frozen=True)
class Adresse:
    """The address of this run, parsed and validated once by the entry, handed to the page as its argument: the
    shared filters, the page's own values, and the pages to link to (with the same filters)."""

    page: str
    filtres: Filtres
    ti: str | None = None
    metrique: str | None = None
    mode: str | None = None
    comparer: tuple[str, ...] = ()
    par_mesure: bool = False
    recherche: str = ""
    ou: str = "tous"
    mesures: tuple[str, ...] = ()
    filieres: tuple[str, ...] = ()
    tailles: tuple[str, ...] = ()
    douteux: bool = False
    tri: str | None = None
    liens: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    def lien(self, page: str):
        """The page to link to (`st.page_link(adresse.lien("territoire"), …)`)."""
        return self.liens[page]


def lier(page: str, filtres: Filtres, run, liens: Mapping[str, object]) -> Adresse:
    """Bind the page's own keys to the address (read, validated, written back; the widgets keyed by them follow),
    and return this run's address. The shared keys (phase, priorité, indicateur, date) are bound by the entry's
    sidebar (`app.shared_filters`) through `lier_partagee`."""
    from relance.filtres import parse_choice, parse_territories, parse_territory
    from relance.metriques import DEFAULT_METRIC, DEFAULT_MODE, METRIC_CHOICES, MODES
    from relance.views import common

    wanted = {k for k, c in CLES.items() if page in c.pages}
    values: dict[str, object] = {}
    if "ti" in wanted or "comparer" in wanted:
        labels = vue(common.territory_labels, run, filtres.phase)
    if "ti" in wanted:
        values["ti"] = url_state("ti", lambda raw: parse_territory(raw, labels, filtres.phase, TI_ABSENT[page]))
    if "metrique" in wanted:
        values["metrique"] = url_state("metrique", lambda raw: parse_choice(raw, METRIC_CHOICES, DEFAULT_METRIC,
                                                                             "Indicateur de carte"))
    if "mode" in wanted:
        values["mode"] = url_state("mode", lambda raw: parse_choice(raw, MODES, DEFAULT_MODE, "Mode de carte"))
    if "comparer" in wanted:
        reading = st.session_state.get("ti")  # the territory this session was reading (map, fiche, Projets)

        def compared(raw: str | None):
            if raw is None and reading in labels:  # a first visit without a list: that territory is the first one
                return [reading], None
            return parse_territories(raw, labels, filtres.phase)

        values["comparer"] = tuple(url_state("comparer", compared, serialize=",".join))
    if "par_mesure" in wanted:
        from relance.filtres import parse_flag

        values["par_mesure"] = url_state("par_mesure", lambda raw: parse_flag(raw, "Détailler par mesure"),
                                         serialize=lambda v: "1" if v else None)
    if "recherche" in wanted:
        values.update(_projects_keys(run, filtres))
    return Adresse(page, filtres, liens=liens, **values)


def _projects_keys(run, filtres: Filtres) -> dict[str, object]:
    """The Projets explorer's search, filters and order: values outside the phase's projects are dropped, said."""
    from relance.filtres import LIST_SEPARATOR, parse_choice, parse_flag, parse_text, parse_values
    from relance.views import projets

    found = projets.catalogue(run, filtres.phase)
    values: dict[str, object] = {
        "recherche": url_state("recherche", lambda raw: parse_text(raw, "Recherche"),
                               serialize=lambda v: v.strip() or None).strip(),
        "ou": url_state("ou", lambda raw: parse_choice(raw, projets.WHERE, "tous", "Localisation")),
        "douteux": url_state("douteux", lambda raw: parse_flag(raw, "Douteux seulement"),
                             serialize=lambda v: "1" if v else None),
        "tri": url_state("tri", lambda raw: parse_choice(raw, projets.TRIS, projets.TRI_DEFAUT, "Tri")),
    }
    for key, allowed, what in (("mesures", found.mesures, "Mesure"), ("filieres", found.filieres, "Filière"),
                               ("tailles", found.tailles, "Taille d'entreprise")):
        chosen = url_state(key, lambda raw, allowed=allowed, what=what: parse_values(raw, allowed, what),
                           serialize=LIST_SEPARATOR.join)
        kept = [v for v in chosen if v in set(allowed)]  # the widget's options in this phase
        if kept != list(chosen):
            st.session_state[key] = kept
            sync_url(key, LIST_SEPARATOR.join)
        values[key] = tuple(kept)
    return values


def lier_partagee(key: str, parse: Callable[[str | None], tuple]):
    """Bind one of the shared keys (drawn by the entry's sidebar) to the address."""
    if key not in CLES or CLES[key].pages != PAGES:
        raise KeyError(f"clé partagée inconnue : {key}")
    return url_state(key, parse)
