"""Canaries: each use of a library's internals (relance/compat.py) still behaves as relied on. A failure here
names the library to look at after an upgrade, and why the project needs it."""

from __future__ import annotations

import asyncio

import plotly.graph_objects as go
import pytest

from relance import compat, config


def test_streamlit_v1_pages_mode_is_a_class_flag_read_when_a_pages_manager_starts(monkeypatch):
    """Streamlit: the v1 `pages/` mode is decided once, from the class attribute, when the first PagesManager of the
    process starts; set to False before, a `pages/` folder beside the main script no longer switches it on."""
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(config.REPO_ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is True  # the folder pages/ is beside dashboard.py
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    compat.streamlit_pages_directory_off()
    PagesManager(str(config.REPO_ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is False


def test_streamlit_stop_and_rerun_raise_the_script_control_exception():
    """Streamlit: st.stop() and st.rerun() end a script by raising one base exception, which the pages' error
    boundary lets through (it is not an error to show)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from relance import compat

        try:
            st.stop()
        except compat.streamlit_script_control():
            st.write("arrêt reconnu")
            raise

    at = AppTest.from_function(script)
    at.run()
    assert not at.exception and not at.markdown  # stopped, nothing written after
    assert issubclass(compat.streamlit_script_control(), BaseException)


def test_streamlit_server_app_can_be_wrapped_once():
    """Streamlit: `streamlit run` makes its Starlette app with the server module's `create_starlette_app`; wrapping
    it puts a middleware in front of the app (relance.garde), once whatever the number of calls."""
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server.create_starlette_app

    class Enveloppe:
        def __init__(self, app):
            self.app = app

    try:
        compat.streamlit_server_middleware(Enveloppe)
        wrapped = starlette_server.create_starlette_app
        compat.streamlit_server_middleware(Enveloppe)
        assert starlette_server.create_starlette_app is wrapped is not original  # once
        import inspect

        assert list(inspect.signature(original).parameters)[:1] == ["runtime"]  # called as make(runtime)
    finally:
        starlette_server.create_starlette_app = original


def test_plotly_unchecked_figures_equal_checked_ones():
    """Plotly: a figure made with `_validate=False` from right traces equals the checked one (and skips the cost)."""
    traces = [{"type": "bar", "x": [1, 2], "y": [3, 4], "name": "a"}]
    layout = {"title": {"text": "Titre"}, "xaxis": {"title": {"text": "x"}}}
    checked = go.Figure(data=traces, layout=layout)
    assert compat.plotly_unchecked(traces, layout).to_dict() == checked.to_dict()
    assert compat.plotly_copy(checked).to_dict() == checked.to_dict()
    with pytest.raises(ValueError):
        go.Figure(data=[{"type": "bar", "colour": "red"}])  # the checks it skips exist


def test_plotly_copy_keeps_numeric_arrays_to_compute_with():
    """Plotly: a checked figure keeps numeric arrays in its own property dicts (`_data`), which the unchecked copy
    takes whole; the phone layout scales circle sizes from them (`to_dict()` gives base64 specs instead)."""
    import numpy as np

    sized = go.Figure(go.Scattergeo(lon=[1, 2], lat=[3, 4], marker={"size": np.array([5.0, 6.0])}))
    assert isinstance(sized.to_dict()["data"][0]["marker"]["size"], dict)  # what the copy must not hand over
    copied = compat.plotly_copy(sized)
    assert list(copied.data[0].marker.size * 2) == [10, 12]
    copied.data[0].marker.size = [1, 1]
    assert list(sized.data[0].marker.size) == [5, 6]  # a copy: the page's figure is left as it was
    assert copied.to_dict() != sized.to_dict()


def test_kaleido_hands_the_tab_back_before_its_reload():
    """Kaleido: `_return_kaleido_tab` reloads the tab then queues it; the subclass returns at once and lets the
    reload run in a task of its own."""
    import kaleido

    assert hasattr(kaleido.Kaleido, "_return_kaleido_tab")

    class Base:
        async def _return_kaleido_tab(self, tab) -> None:
            await asyncio.sleep(0.2)
            done.append(tab)

    done: list = []
    reloads: set = set()
    kind = compat.kaleido_reloading_after(Base, reloads)

    async def scenario():
        await kind()._return_kaleido_tab("onglet")
        handed_back = not done  # returned before the reload ended
        await asyncio.gather(*reloads)
        return handed_back

    assert asyncio.run(scenario()) and done == ["onglet"] and not reloads


def test_streamlit_frontend_holds_plotly_in_a_bundle_of_its_own():
    """Streamlit: Plotly's code is a file of its frontend named `PlotlyChart.<hash>.js`, which the page preloads."""
    from pathlib import Path

    import streamlit

    name = compat.streamlit_plotly_bundle()
    assert name and name.startswith("PlotlyChart.")
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js" / name
    assert bundle.stat().st_size > 1_000_000 and b"plotly" in bundle.read_bytes()[:2_000_000].lower()


def test_streamlit_apptest_opens_a_function_page_by_the_hash_of_its_address_path():
    """Streamlit: a page given as a function (`st.Page(callable, url_path=name)`) is known to AppTest by the hash of
    its address path, which `compat.apptest_open` sets (AppTest's `switch_page` takes only a file)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        def un():
            st.write("page un")

        def deux():
            st.write("page deux")

        st.navigation([st.Page(un, title="Un", url_path="un", default=True),
                       st.Page(deux, title="Deux", url_path="deux")]).run()

    at = AppTest.from_function(script)
    at.run()
    assert [m.value for m in at.markdown] == ["page un"]
    compat.apptest_open(at, "deux").run()
    assert not at.exception and [m.value for m in at.markdown] == ["page deux"]
