"""The dashboard's entry glue: the pages, the filters every page shares, and the Streamlit quirks of this layout.

`dashboard.py` draws the shared filters once (`shared_filters`), makes this run's pages (`Navigation`: each page
module exposes `page(adresse)`, registered with `st.Page(callable)`), binds the page's own keys to the address
(`ui.lier`) and calls the page with the one frozen `Adresse`. Three Streamlit quirks are handled here, and only
here (their library internals live in `relance.compat`):

1. A `pages/` folder beside the main script makes Streamlit treat the app as a v1 multipage app until
   `st.navigation` first runs, so a first request straight to a page URL would run that file alone. `serve()`
   switches that mode off before the server starts. The folder keeps its name (the product's layout names it);
   its modules are loaded by path (`page_function`), not imported as a package.
2. AppTest resets that mode before every run and, with `pages/` beside its script, takes the v1 path. Tests
   therefore drive `tests/entree.py`, an entry living outside that folder, which runs dashboard.py; a page is
   opened there by its address path (`compat.apptest_open`), AppTest's `switch_page` knowing only page files.
3. The server started by `streamlit run` takes no middleware: `serve()` wraps the function that makes its app, so
   that `relance.garde` stands in front of it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import importlib.util
import sys
import threading
from collections.abc import Callable

import streamlit as st

from relance import compat, config, fmt, ui
from relance.filtres import (
    ALL_PRIORITIES,
    DEFAULT_INDICATOR,
    PHASES,
    Filtres,
    parse_choice,
    parse_date,
    parse_phase,
)
from relance.views import common

PAGES_DIR = config.REPO_ROOT / "pages"
PAGE = {name: PAGES_DIR / f"{name}.py" for name in ui.PAGES}  # each module exposes page(adresse)
PREVIOUS_PHASE_KEY = "_phase_precedente"
PREVIOUS_INDICATOR_KEY = "_indicateur_precedent"
PREVIOUS_PRIORITY_KEY = "_priorite_precedente"
TEST_ENTRY = config.REPO_ROOT / "tests" / "entree.py"  # quirk 2
DECLARATIONS = {  # name -> title, icon; the name is the page's path in the address
    "carte": ("Carte", ":material/map:"),
    "territoire": ("Fiche territoire", ":material/location_city:"),
    "projets": ("Projets", ":material/factory:"),
    "comparer": ("Comparer", ":material/compare_arrows:"),
    "france": ("Territoires et reste de la France", ":material/bar_chart:"),
    "methodologie": ("Méthodologie & sources", ":material/menu_book:"),
}
assert tuple(DECLARATIONS) == ui.PAGES, "les pages déclarées suivent relance.ui.adresse.PAGES"


@functools.cache
def page_function(name: str) -> Callable:
    """`page(adresse)` of the module pages/<name>.py (loaded once per process by its path: the folder is not a
    package, see quirk 1)."""
    spec = importlib.util.spec_from_file_location(f"relance_pages.{name}", PAGE[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.page


class Navigation:
    """This run's pages: each a function of the address (`st.Page(callable)`), called with the address the entry
    parsed once. Made anew every run (Streamlit lets a page object run once)."""

    def __init__(self) -> None:
        self.adresse: ui.Adresse | None = None
        self.pages = {name: st.Page(functools.partial(self._run, name), title=title, icon=icon, url_path=name,
                                    default=name == "carte")
                      for name, (title, icon) in DECLARATIONS.items()}

    def _run(self, name: str) -> None:
        page_function(name)(self.adresse)

    def name_of(self, page) -> str:
        return next(name for name, p in self.pages.items() if p is page)


def _legacy_pages_off() -> None:
    compat.streamlit_pages_directory_off()


def _guarded() -> None:
    """Quirk 3: the server started by `streamlit run` takes no middleware; `relance.garde.Garde` is set in front of
    it through `compat`."""
    from relance.garde import Garde

    compat.streamlit_server_middleware(Garde)


def serve(streamlit_args: list[str]) -> int:
    """`python -m relance serve`: `streamlit run dashboard.py` in this process, v1 pages mode off (quirk 1), the
    server behind `relance.garde` (quirk 3)."""
    from streamlit.web import cli

    _legacy_pages_off()
    _guarded()
    sys.argv = ["streamlit", "run", str(config.REPO_ROOT / "dashboard.py"), *streamlit_args]
    return cli.main()


def _phase_changed() -> None:
    # Territory ids are reused across phases for different territories: a phase change clears the selection.
    st.session_state["ti"] = None
    st.session_state["comparer"] = []


def shared_filters() -> Filtres:
    """The sidebar every page shares: phase, priority and the priority's France Relance indicator, in the URL."""
    run = ui.run
    ui.lier_partagee("phase", parse_phase)
    previous = st.session_state.get(PREVIOUS_PHASE_KEY)
    if previous is not None and previous != st.session_state["phase"]:
        _phase_changed()  # also when the phase changed in the address, not only with the radio button
    st.session_state[PREVIOUS_PHASE_KEY] = st.session_state["phase"]
    choices = ui.vue(common.priority_choices, run)
    ui.lier_partagee("priorite", lambda raw: parse_choice(raw, choices, ALL_PRIORITIES, "Priorité"))
    every = ui.vue(common.indicateurs, run, ALL_PRIORITIES)
    ui.lier_partagee("indicateur", lambda raw: parse_choice(raw, [i.id for i in every], DEFAULT_INDICATOR,
                                                            "Indicateur"))
    priorite = st.session_state["priorite"]
    offered = [i for i in every if priorite == ALL_PRIORITIES or i.priorite == priorite]
    with st.sidebar:
        st.markdown("### Relance & Territoires")
        extract = ui.vue(common.extract_warning, run)
        if extract:
            st.warning(extract, icon=":material/science:")
        st.radio("Phase du programme", options=list(PHASES), format_func=PHASES.get, key="phase",
                 on_change=_phase_changed)
        st.selectbox("Priorité", options=list(choices), format_func=choices.get, key="priorite")
        indicator, day = None, None
        if offered:
            replaced = None
            if st.session_state["indicateur"] not in {i.id for i in offered}:
                # said only when this session's reader changed the priority (not on a link's first view)
                changed = st.session_state.get(PREVIOUS_PRIORITY_KEY) not in (None, priorite)
                replaced = next((i for i in every if i.id == st.session_state["indicateur"]), None) if changed else None
                st.session_state["indicateur"] = offered[0].id
                ui.sync_url("indicateur")
            labels = {i.id: i.libelle_court for i in offered}
            st.selectbox("Indicateur du Baromètre", options=list(labels), format_func=labels.get,
                         key="indicateur", help="L'indicateur du Baromètre que lisent toutes les pages (carte, "
                                                "fiche, Comparer) ; il suit la priorité choisie.")
            indicator = next(i for i in offered if i.id == st.session_state["indicateur"])
            dates = {d.isoformat(): indicator.date_libelle(d) for d in reversed(indicator.dates)}
            ui.lier_partagee("date", lambda raw: parse_date(raw, dates, indicator.date_lecture))
            if st.session_state["date"] not in dates or st.session_state.get(PREVIOUS_INDICATOR_KEY) != indicator.id:
                if st.session_state.get(PREVIOUS_INDICATOR_KEY) not in (None, indicator.id) or \
                        st.session_state["date"] not in dates:
                    st.session_state["date"] = indicator.date_lecture.isoformat()
                    ui.sync_url("date")
            st.session_state[PREVIOUS_INDICATOR_KEY] = indicator.id
            st.selectbox("Date de lecture", options=list(dates), format_func=dates.get, key="date",
                         help=indicator.raison_lecture)
            day = dt.date.fromisoformat(st.session_state["date"])
            if replaced is not None:  # the priority changed the indicator (and its date): said in one line
                st.info(f"Priorité « {choices[priorite]} » : l'indicateur du Baromètre devient « "
                        f"{indicator.libelle_court} » (au lieu de « {replaced.libelle_court} »), lu au "
                        f"{fmt.date_longue(day)}.", icon=":material/swap_horiz:")
        else:
            st.caption("Aucun indicateur du Baromètre pour cette priorité : les Fonds friches (par région) "
                       "sont présentés sur la page « Territoires et reste de la France ».")
        st.caption("Les filtres sont gardés dans l'adresse de la page : copiez-la pour partager la vue.")
    st.session_state[PREVIOUS_PRIORITY_KEY] = priorite
    return Filtres(st.session_state["phase"], priorite, choices[priorite], indicator, day)


_SETTLED = threading.Event()


def settle_memory() -> None:
    """Once per process, after its first page has run: collect, then freeze what is alive (modules, caches, the
    connection) out of Python's garbage collector. Each full collection then walks only what reruns create: its
    pauses fell from about 190 ms to 60 ms, the slowest map reruns (bench/bench_map.py)."""
    if not _SETTLED.is_set():
        _SETTLED.set()
        gc.collect()
        gc.freeze()
