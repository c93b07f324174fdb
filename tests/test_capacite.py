"""Capacity (issue 23): what a view returns is computed once per address and database version and shared by the
sessions of a process, within a bound; one script run reads the database's identity once; a phone's layout is made
once per figure; several processes behind HAProxy keep each browser in its own process."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from relance import app, config
from relance.ui import donnees


@pytest.fixture
def base(tmp_path, monkeypatch):
    """A file standing for the database: the shared views are keyed on its identity (inode, size, time)."""
    path = tmp_path / "base.duckdb"
    path.write_bytes(b"version 1")
    monkeypatch.setenv("RELANCE_DB", str(path))
    return path


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"valeur": np.arange(rows, dtype="float64")})  # 8 bytes a row


def test_a_view_is_computed_once_and_shared_within_its_bound(base):
    cache = donnees.VuesPartagees(limite=2_000_000)
    calls = []

    def view(n):
        calls.append(n)
        return frame(25_000)  # 200 kB

    first = cache.get(("vue", 1), lambda: view(1))
    assert cache.get(("vue", 1), lambda: view(1)) is first  # the same object, not a copy: nothing recomputed
    assert calls == [1] and (cache.calculees, cache.trouvees) == (1, 1)
    for n in range(2, 30):  # 29 views of 200 kB: 5.8 MB asked, 2 MB kept, the least recently used dropped
        cache.get(("vue", n), lambda n=n: view(n))
        assert cache.total <= cache.limite
    assert 8 <= len(cache._valeurs) <= 10
    cache.get(("vue", 1), lambda: view(1))
    assert calls.count(1) == 2  # dropped, so computed again
    assert cache.get(("grande",), lambda: frame(100_000)) is not None  # 800 kB: more than an eighth, not kept
    assert ("grande",) not in {k[1:] for k in cache._valeurs}


def test_views_are_dropped_when_the_database_changes(base):
    cache = donnees.VuesPartagees(limite=10_000_000)
    old = cache.get(("vue",), lambda: frame(10))
    time.sleep(0.01)
    base.write_bytes(b"version 2, rebuilt")  # a new identity: size and time
    new = cache.get(("vue",), lambda: frame(10))
    assert new is not old and len(cache._valeurs) == 1 and cache.calculees == 2


def together(cache: donnees.VuesPartagees, sessions: int) -> tuple[list, list, float]:
    """`sessions` threads asking `cache` for one slow view at once: the computations, the results, the seconds."""
    calls, results = [], []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return frame(10)

    threads = [threading.Thread(target=lambda: results.append(cache.get(("lente",), slow))) for _ in range(sessions)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return calls, results, time.perf_counter() - begin


def test_sessions_asking_together_compute_a_view_once(base):
    calls, results, _ = together(donnees.VuesPartagees(limite=10_000_000), 8)
    assert len(calls) == 1 and len(results) == 8 and all(r is results[0] for r in results)


def test_a_failed_view_is_not_kept_and_holds_no_one(base):
    """A session waiting for a view that fails in another is released at once and computes it itself."""
    cache = donnees.VuesPartagees(limite=10_000_000)
    started, got = threading.Event(), []

    def fails():
        started.set()
        time.sleep(0.3)
        raise ValueError("requête en faute")

    def other():
        started.wait()
        begin = time.perf_counter()
        got.append((cache.get(("vue",), lambda: "calculée"), time.perf_counter() - begin))

    waiting = threading.Thread(target=other)
    waiting.start()
    with pytest.raises(ValueError):
        cache.get(("vue",), fails)
    waiting.join()
    assert got[0][0] == "calculée" and got[0][1] < 2  # released when the first failed, not after a timeout
    assert cache.get(("vue",), lambda: "autre") == "calculée"  # the second's value is kept; the failure was not


def test_sessions_asking_together_share_a_view_the_cache_does_not_keep(base):
    """With no room (RELANCE_CACHE_VUES_MO=0) the sessions asking together still compute the view once."""
    cache = donnees.VuesPartagees(limite=0)
    calls, results, seconds = together(cache, 6)
    assert len(calls) == 1 and seconds < 1.5 and all(r is results[0] for r in results) and len(cache._valeurs) == 0


def test_the_size_counts_frames_figures_and_what_closures_hold():
    data = frame(100_000)  # 800 kB
    figure = go.Figure(go.Scatter(y=np.arange(100_000, dtype="float64")), skip_invalid=True)
    assert 800_000 <= donnees._bytes(data) < 900_000
    assert 800_000 <= donnees._bytes(figure) < 1_000_000
    assert 800_000 <= donnees._bytes(lambda: data.sum()) < 900_000  # an export built on a click holds its data
    assert donnees._bytes({"a": data, "b": data}) < 900_000  # each object counted once


def test_one_run_reads_the_database_identity_once(base, monkeypatch):
    reads = []
    real = donnees._read_stamp
    monkeypatch.setattr(donnees, "_read_stamp", lambda: reads.append(1) or real())
    with donnees.une_version():
        stamps = {donnees._db_stamp() for _ in range(20)}  # a rerun's 15 to 25 queries
    assert len(reads) == 1 and len(stamps) == 1
    donnees._db_stamp()
    assert len(reads) == 2  # outside a run (a download built on a click): read each time


def test_a_phone_layout_is_made_once_per_figure(base):
    made = []

    def for_phone(figure):
        made.append(figure)
        return go.Figure(figure)

    figure, other = go.Figure(go.Bar(y=[1, 2])), go.Figure(go.Bar(y=[3]))
    first = donnees.derivee(for_phone, figure)
    assert donnees.derivee(for_phone, figure) is first and len(made) == 1
    assert donnees.derivee(for_phone, other) is not first and len(made) == 2


def test_sessions_share_a_view_and_each_sees_its_own_address(built_db):
    """Two sessions on the same address: the second reuses the first's map; a third on another territory gets its
    own (the key is the address, never a session's state)."""
    donnees.VUES.vider()

    def session(ti: str) -> AppTest:
        at = AppTest.from_file(str(app.TEST_ENTRY), default_timeout=60)
        at.query_params["ti"] = ti
        at.run()
        assert not at.exception
        return at

    first = session("ti-2706")
    computed, found = donnees.VUES.calculees, donnees.VUES.trouvees
    second = session("ti-2706")
    assert donnees.VUES.calculees == computed and donnees.VUES.trouvees > found  # nothing computed again
    assert [h.value for h in second.header] == [h.value for h in first.header]
    third = session("ti-2401")
    assert donnees.VUES.calculees > computed
    assert [h.value for h in third.header] != [h.value for h in first.header]
    assert "ti-2401" in str(third.query_params["ti"]) and "ti-2706" in str(second.query_params["ti"])


def test_streamlit_full_collection_after_each_run_is_off():
    """Streamlit collects all garbage (`gc.collect(2)`) after every run unless `runner.postScriptGC` is false: a
    walk of every live object of every open session, so that a rerun cost more the more sessions were open."""
    import inspect
    import tomllib

    from streamlit import config as st_config
    from streamlit.runtime.scriptrunner import script_runner

    settings = tomllib.loads((config.REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False
    assert "runner.postScriptGC" in st_config.get_config_options()
    assert 'get_option("runner.postScriptGC")' in inspect.getsource(script_runner.ScriptRunner._on_script_finished)


def _haproxy() -> str | None:
    from relance import multi

    return multi.haproxy()


needs_haproxy = pytest.mark.skipif(_haproxy() is None,
                                   reason="HAProxy absent (paquet Debian haproxy ; .ci/run l'installe)")


@needs_haproxy
def test_several_processes_behind_haproxy_keep_a_browser_in_its_own(built_db, tmp_path):
    """`python -m relance multi`: two processes behind HAProxy; a new browser gets a cookie naming its process, and
    every later request with it (page, websocket) reaches that process; sessions run the page through the proxy."""
    from bench import load_ws
    from relance import multi
    from relance.filtres import PHASES

    port = multi.free_port()
    servers, proxy = multi.start(2, port, "127.0.0.1", tmp_path / "multi", quiet=True)
    url = f"http://127.0.0.1:{port}"
    try:
        cookies = set()
        for _ in range(4):
            with urllib.request.urlopen(url + "/") as answer:  # noqa: S310 (127.0.0.1)
                cookies.add(answer.headers["Set-Cookie"].split(";")[0])
        assert cookies == {"RELANCE_PROCESSUS=p1", "RELANCE_PROCESSUS=p2"}  # both processes serve new browsers
        for name in ("p1", "p2"):
            for path in ("/", "/_stcore/health", "/territoire"):
                asked = urllib.request.Request(url + path, headers={"Cookie": f"RELANCE_PROCESSUS={name}"})  # noqa: S310
                with urllib.request.urlopen(asked) as answer:  # noqa: S310
                    assert answer.headers["X-Relance-Processus"] == name
        cible = load_ws.Cible("multi", url, servers[0], {"phase": [(str(p), t) for p, t in PHASES.items()],
                                                          "priorite": load_ws.PRIORITES,
                                                          "metrique": load_ws.METRICS}, True, load_ws.territoires(),
                              [servers[1], proxy])
        line = asyncio.run(load_ws.mesurer(cible, 4, 3))
        fields = line.split("\n")[0].split()
        assert fields[7:9] == ["0", "0"], line  # no error, no session given another's filters
    finally:
        multi.stop([proxy, *servers])


def test_the_bound_counts_the_parts_a_view_computes_later(base):
    """A view's long parts are computed when the page first reads them (`common.later`): the cache counts them the
    next time it stores a view, and drops what no longer fits."""
    import functools

    class Vue:
        @functools.cached_property
        def lourde(self):
            return frame(100_000)  # 800 kB, computed after the view was stored

    class Profil:  # a part computed later that itself computes parts later (the fiche's laureates)
        def __init__(self) -> None:
            self.laureats = Vue()

    cache = donnees.VuesPartagees(limite=8_000_000)
    view = cache.get(("vue",), Vue)
    profil = cache.get(("profil",), Profil)
    before = cache.total
    assert before < 10_000
    view.lourde  # noqa: B018 (the page reads it)
    profil.laureats.lourde  # noqa: B018
    cache.get(("autre",), lambda: "petite")
    assert cache.total >= before + 1_600_000


def test_a_light_table_is_markdown_the_staff_read_and_never_render():
    """The fiche's first-tab tables (ui.show_light_table): numbers the French way and aligned right, a name from a
    staff list shown as typed (its Markdown made inert), empty cells empty."""
    from relance.ui.sorties import markdown_table

    table = markdown_table(pd.DataFrame({"Échelle": ["Nevers Val de Loire", "[lien](http://x) | *gras*"],
                                         "Population": [138181, 68350798], "Taux": [1.0132, None]}))
    lines = table.splitlines()
    assert lines[0] == "| Échelle | Population | Taux |"
    assert lines[1] == "|:---|---:|---:|"
    assert lines[2] == "| Nevers Val de Loire | 138\u00a0181 | 1,01 |"
    assert lines[3] == r"| \[lien\]\(http\://x\) \| \*gras\* | 68" + "\u00a0350\u00a0798 |  |"
