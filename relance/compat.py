"""Every use of a library's internals, in one place. Each has a canary test (tests/test_compat.py) that checks the
behaviour relied on, not only that a name exists: an upgrade of Streamlit, Plotly or Kaleido fails one test that
names the library and the reason.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable

import plotly.graph_objects as go

# --- Streamlit 1.67 (pinned) -----------------------------------------------------------------------------------


def streamlit_pages_directory_off() -> None:
    """A `pages/` folder beside the main script makes Streamlit 1.67 treat the app as a v1 multipage app until
    `st.navigation` first runs: the class attribute the pages manager reads, switched off."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def streamlit_script_control() -> type[BaseException]:
    """The exception Streamlit raises for `st.stop()` and `st.rerun()`: how a script ends, never an error to show."""
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    return ScriptControlException


def streamlit_server_middleware(wrap: Callable) -> None:
    """Streamlit's server started by `streamlit run` takes no middleware: the function of its server module that
    makes the Starlette app is wrapped, so that `wrap(app)` stands in front of it (once)."""
    from streamlit.web.server.starlette import starlette_server

    make = starlette_server.create_starlette_app
    if getattr(make, "enveloppe", None) is wrap:
        return

    def create_starlette_app(*args, **kwargs):
        return wrap(make(*args, **kwargs))

    create_starlette_app.enveloppe = wrap
    starlette_server.create_starlette_app = create_starlette_app


def streamlit_plotly_bundle() -> str | None:
    """The file of Streamlit's frontend that holds Plotly (its name carries a hash that changes with versions): the
    page preloads it while the server computes the page."""
    from pathlib import Path

    import streamlit

    found = sorted((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if found else None


def apptest_open(at, page: str):
    """Streamlit's AppTest opens a page by its file (`switch_page`); a page registered as a function
    (`st.Page(callable, url_path=page)`) is opened by the hash Streamlit gives it: that of its address path."""
    from streamlit.util import calc_hash

    at._page_hash = calc_hash(page)
    return at


# --- Plotly 7.1 (pinned) ---------------------------------------------------------------------------------------


def plotly_unchecked(data=None, layout=None) -> go.Figure:
    """A figure made from traces and layout that were built right (or copied from a checked figure), without
    Plotly's per-property checks: on a map they cost ten times the rest (`_validate=False`)."""
    return go.Figure(data=data, layout=layout, _validate=False)


def plotly_copy(figure: go.Figure) -> go.Figure:
    """A copy of a checked figure, not checked again (the phone layout, an export). It copies the figure's own
    property dicts (`_data`, `_layout`): `to_dict()` would hand numeric arrays over as Plotly's base64 specs
    (`{"dtype", "bdata"}`), which code laying the copy out again (sizes, labels) cannot compute with."""
    return plotly_unchecked(copy.deepcopy(figure._data), copy.deepcopy(figure._layout))


# --- Kaleido 1.5 (pinned) --------------------------------------------------------------------------------------


def kaleido_reloading_after(base: type, reloads: set) -> type:
    """Kaleido reloads its tab after every image, before handing the tab back: this subclass hands it back at once
    and reloads it in a task of its own (kept in `reloads` until done), so a click does not wait for the reload."""

    class Kaleido(base):
        async def _return_kaleido_tab(self, tab) -> None:
            reload = asyncio.get_running_loop().create_task(super()._return_kaleido_tab(tab))
            reloads.add(reload)
            reload.add_done_callback(reloads.discard)

    return Kaleido
