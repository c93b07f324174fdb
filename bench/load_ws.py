"""Concurrent sessions without browsers: N clients speak Streamlit's own websocket protocol to a local server.

Run: .venv/bin/python bench/load_ws.py [--niveaux 10,25,50] [--duree 20]   (prints; asserts nothing)
Starts the dashboard and a bare page (one radio, one Plotly chart) on 127.0.0.1. For each level N and each server
in turn, N sessions connect and run the page, then all send reruns that change a widget (phase, priorité,
couleur de la carte, territoire) for `--duree` seconds. The territory goes over every territory of the phase (each
session from its own, by a step prime to their number), so that no cache of a few dozen states passes for speed.
Reports p50/p95 rerun latency, reruns per second, errors, sessions that got filters they had not asked for, the
server's RSS (before connecting; after the reruns, sessions still open) and this client's CPU time.

The protocol, as the server reads it (streamlit/web/server/starlette/starlette_websocket.py, app_session.py):
1. Open ws://HOST/_stcore/stream, subprotocol "streamlit". The XSRF token (2nd subprotocol entry, checked
   against the `_streamlit_xsrf` cookie) only guards the auth cookie: a client without one sends none.
2. Nothing runs until the client sends a binary `BackMsg.rerun_script`: a `ClientState` with the query string,
   the page hash ("" for `/`), the widget values it holds (`string_value` = the option label, for a radio or a
   selectbox) and the hashes of the cacheable messages it keeps (the server then sends `ref_hash` instead).
3. The server answers with binary `ForwardMsg`s: `new_session`, `page_info_changed` (the query string the app
   wrote, for the next rerun), deltas (widgets, charts, `exception`), then `script_finished`:
   FINISHED_SUCCESSFULLY ends the run, FINISHED_EARLY_FOR_RERUN only one run of a chain (`st.rerun()`).
A rerun's latency is the time from sending the BackMsg to the `script_finished` that ends its run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from urllib.parse import parse_qs, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.common import machine, p95
from bench.load_test import rss_mb, start_server
from relance import config, db
from relance.filtres import PHASES
from relance.metriques import METRIC_LABELS, METRIQUES
from relance.views import common

BARE_PAGE = """import plotly.graph_objects as go
import streamlit as st

x = st.radio("phase", [1, 2], key="phase")
st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2]), layout_title_text=f"Phase {x} (page nue)"))
"""
PRIORITES = [("toutes", "Toutes les priorités"), ("foncier", "Foncier / accueillir"),
             ("competences", "Compétences / recruter"), ("innover", "Innover / décarboner")]
METRICS = [(k, ({k: m.libelle for k, m in METRIQUES.items()} | METRIC_LABELS)[k])
           for k in ("nb_projets", "projets_10000", "relance", "population")]
TI_STEP = 37  # prime to 149 and 183: a session's territory goes over the whole phase
RUN_TIMEOUT = 180  # seconds for one run: 50 sessions share 2 cores with this client


@dataclass
class Cible:
    nom: str
    url: str
    proc: subprocess.Popen
    widgets: dict[str, list[tuple[str, str]]]  # widget key -> its choices (address value, label)
    dans_adresse: bool  # the app keeps these filters in the query string
    territoires: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # phase -> the `ti` choices
    autres: list[subprocess.Popen] = field(default_factory=list)  # more processes whose memory counts (HAProxy's)

    def rss(self) -> float:
        return sum(rss_mb(p.pid) for p in [self.proc, *self.autres])

    @property
    def changes(self) -> list[str]:
        """The widgets a session moves in turn."""
        return [*self.widgets, *(["ti"] if self.territoires else [])]


@dataclass
class Niveau:
    """What the N sessions of one level measure, and the barriers that keep them (and `mesurer`) in step."""

    n: int
    duree: float
    premiers: list[float] = field(default_factory=list)  # first runs (s)
    relances: list[float] = field(default_factory=list)  # reruns (s)
    erreurs: list[str] = field(default_factory=list)
    melanges: dict[int, str] = field(default_factory=dict)  # session -> first filters it got and had not asked for
    debut: float = 0.0  # when the reruns started (perf_counter)

    def __post_init__(self) -> None:
        self.prets, self.finis, self.close = (asyncio.Barrier(self.n + 1) for _ in range(3))


class Session:
    """One browser tab, as the server sees it: a websocket, the address, the page and the widget values."""

    def __init__(self, ws: ClientConnection, cible: Cible, index: int, erreurs: list[str]) -> None:
        self.ws, self.cible, self.index, self.erreurs = ws, cible, index, erreurs
        # The dashboard's sessions start from different addresses; the bare page reads no address.
        self.etat = {k: (index + j) % len(v) if cible.dans_adresse else 0
                     for j, (k, v) in enumerate(cible.widgets.items())}
        self.ti: int | None = None  # index of the chosen territory in its phase's list (None: none chosen)
        self.pas_ti = 0  # territory changes made so far
        first = {k: v[self.etat[k]][0] for k, v in cible.widgets.items()}
        if cible.territoires:
            self.ti = index * TI_STEP % len(self._territoires())
            first["ti"] = self._territoires()[self.ti][0]
        self.query = urlencode(first) if cible.dans_adresse else ""
        self.page = ""  # "" = the default page, as for a browser opening `/`
        self.ids: dict[str, str] = {}  # widget key -> widget id
        self.values: dict[str, str | None] = {}  # widget id -> label, as a browser holds them
        self.cache: dict[str, tuple] = {}  # hash of a cacheable message -> its summary (`_summary`)
        self.melange = ""

    def _territoires(self) -> list[tuple[str, str]]:
        return self.cible.territoires[self.cible.widgets["phase"][self.etat["phase"]][0]]

    async def run(self, change: str | None = None) -> float:
        """One script run, in seconds; `change` is the widget key moved to its next choice."""
        sent = dict(self.values)
        if change == "ti":  # the next territory of the phase, TI_STEP further: every one is visited
            choices = self._territoires()
            self.pas_ti += 1  # counted apart from the phase changes, which clear the territory
            self.ti = (self.index + self.pas_ti * TI_STEP) % len(choices)
            sent[self.ids[change]] = choices[self.ti][1]
        elif change:
            self.etat[change] = (self.etat[change] + 1) % len(self.cible.widgets[change])
            sent[self.ids[change]] = self.cible.widgets[change][self.etat[change]][1]
            if change == "phase":
                self.ti = None  # a phase change clears the territory (ids are reused across phases)
        widgets = WidgetStates(widgets=[WidgetState(id=w, string_value=v) for w, v in sent.items() if v is not None])
        msg = BackMsg(rerun_script=ClientState(query_string=self.query, page_script_hash=self.page,
                                               widget_states=widgets, cached_message_hashes=list(self.cache)))
        errors, charts, seen = [], [], {}
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(RUN_TIMEOUT):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                kind = fm.WhichOneof("type")
                if kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        errors.append("erreur de compilation du script")
                    break
                if kind == "page_info_changed":
                    self.query = fm.page_info_changed.query_string
                elif kind == "new_session":
                    self.page = fm.new_session.page_script_hash
                elif kind == "navigation" and fm.navigation.page_script_hash:
                    self.page = fm.navigation.page_script_hash
                elif kind in ("delta", "ref_hash"):  # ref_hash: a message this client said it holds
                    summary = self.cache.get(fm.ref_hash, ("erreur", "message inconnu")) if kind == "ref_hash" \
                        else _summary(fm)
                    if fm.metadata.cacheable:
                        self.cache[fm.hash] = summary
                    if summary[0] == "erreur":
                        errors.append(summary[1])
                    elif summary[0] == "graphique":
                        charts.append(summary[1])
                    elif summary[0] == "widget":  # the value the server set, else the one this client holds
                        _, wid, is_set, raw, default = summary
                        self.ids[wid.rsplit("-", 1)[-1]] = wid  # ids end with the widget key: `$$ID-<hash>-phase`
                        seen[wid] = raw if is_set else sent.get(wid, default)
        elapsed = time.perf_counter() - start
        self.values = seen  # a browser forgets the widgets that the last run did not draw
        self.erreurs.extend(f"session {self.index}{'' if change else ', premier affichage'} : {e}" for e in errors)
        if not errors and not self.melange:
            self.melange = self._check(charts)
        return elapsed

    def _check(self, charts: list[frozenset[str]]) -> str:
        """The filters this session got back and had not asked for (another session's?), or ""."""
        wrong = []
        query = parse_qs(self.query)
        for key, choices in self.cible.widgets.items():
            code, label = choices[self.etat[key]]
            if key in self.ids and self.values.get(self.ids[key]) != label:
                wrong.append(f"{key} affiché {self.values.get(self.ids[key])!r} au lieu de {label!r}")
            if self.cible.dans_adresse and query.get(key) != [code]:
                wrong.append(f"{key}={query.get(key)} dans l'adresse au lieu de {code}")
        if self.cible.territoires:
            code, label = self._territoires()[self.ti] if self.ti is not None else (None, None)
            if "ti" in self.ids and self.values.get(self.ids["ti"]) != label:
                wrong.append(f"territoire affiché {self.values.get(self.ids['ti'])!r} au lieu de {label!r}")
            if query.get("ti", [None]) != [code]:
                wrong.append(f"ti={query.get('ti')} dans l'adresse au lieu de {code}")
        phase = int(self.cible.widgets["phase"][self.etat["phase"]][0])
        if not any(f"Phase {phase} (" in c for c in charts) or any(f"Phase {3 - phase} (" in c for c in charts):
            wrong.append(f"graphique sans la phase {phase}, ou avec l'autre")
        return "; ".join(wrong)


def _summary(fm: ForwardMsg) -> tuple:
    """What a load client keeps of a delta: an error, a chart's phase markers, or a widget's value."""
    element = fm.delta.new_element
    what = element.WhichOneof("type") if fm.delta.WhichOneof("type") == "new_element" else None
    if what == "exception":
        return ("erreur", f"exception {element.exception.type} : {element.exception.message[:120]}")
    if what == "alert" and element.alert.format == Alert.ERROR:
        return ("erreur", f"erreur affichée : {element.alert.body[:120]}")
    if what == "plotly_chart":
        return ("graphique", frozenset(m for m in ("Phase 1 (", "Phase 2 (") if m in element.plotly_chart.spec))
    if what in ("radio", "selectbox"):
        w = getattr(element, what)
        default = w.options[w.default] if w.HasField("default") and w.default < len(w.options) else None
        return ("widget", w.id, w.set_value, w.raw_value if w.HasField("raw_value") else None, default)
    return ("autre",)


async def utilisateur(cible: Cible, index: int, niveau: Niveau) -> None:
    """Connect and run the page; once every session has, rerun until the deadline; close when told."""
    ws = session = None
    keys, step = cible.changes, 0
    try:
        try:
            ws = await connect(cible.url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                               max_size=None, ping_interval=None, open_timeout=RUN_TIMEOUT)
            session = Session(ws, cible, index, niveau.erreurs)
            niveau.premiers.append(await session.run())
        finally:
            await niveau.prets.wait()  # every session has run the page (or failed): the reruns start
        niveau.debut = niveau.debut or time.perf_counter()
        while time.perf_counter() < niveau.debut + niveau.duree:
            niveau.relances.append(await session.run(keys[step % len(keys)]))
            step += 1
    except Exception as exc:  # report and go on: one failed session must not hide the others
        what = "déconnexion" if isinstance(exc, ConnectionClosed) else "délai dépassé" \
            if isinstance(exc, TimeoutError) else type(exc).__name__
        niveau.erreurs.append(f"session {index} : {what} {str(exc)[:120]}")
    finally:
        if session is not None and session.melange:
            niveau.melanges[index] = session.melange
        await niveau.finis.wait()
        await niveau.close.wait()
        if ws is not None:
            await ws.close()


async def mesurer(cible: Cible, n: int, duree: float) -> str:
    """N sessions against one server: one line of the report, and the first problems under it."""
    niveau = Niveau(n, duree)
    avant, cpu = cible.rss(), time.process_time()
    tasks = [asyncio.create_task(utilisateur(cible, i, niveau)) for i in range(n)]
    await niveau.prets.wait()
    await niveau.finis.wait()
    elapsed = time.perf_counter() - (niveau.debut or time.perf_counter() - 1)
    apres = cible.rss()  # the sessions are still open
    await niveau.close.wait()
    await asyncio.gather(*tasks)
    cpu = time.process_time() - cpu
    nan = [float("nan")]
    lat = niveau.relances or nan
    line = (f"{cible.nom:<16} {n:>3} {median(niveau.premiers or nan) * 1000:>8.0f} {median(lat) * 1000:>8.0f} "
            f"{p95(lat) * 1000:>8.0f} {len(niveau.relances):>8} {len(niveau.relances) / elapsed:>10.1f} "
            f"{len(niveau.erreurs):>7} {len(niveau.melanges):>8} {avant:>9.0f} → {apres:<5.0f} {cpu:>10.1f}")
    problems = niveau.erreurs[:3] + [f"session {i} : {m}" for i, m in list(niveau.melanges.items())[:3]]
    return "\n".join([line, *(f"    - {p}" for p in problems)])


def territoires() -> dict[str, list[tuple[str, str]]]:
    """Phase -> every territory as the map's « Territoire » list offers it (id, label), read from the database."""
    with duckdb.connect(str(config.db_path()), read_only=True) as con:
        return {str(p): list(common.territory_labels(db.runner(con), p).items()) for p in PHASES}


SAME_RUNS = 30


async def sans_changement(cible: Cible) -> float:
    """A rerun that changes nothing (a widget sent back as it is), one session alone: its median latency in ms, the
    server's time for a rerun plus the local round trip."""
    async with connect(cible.url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None, ping_interval=None, open_timeout=RUN_TIMEOUT) as ws:
        errors: list[str] = []
        session = Session(ws, cible, 0, errors)
        await session.run()
        await session.run()  # the first rerun may still fill caches
        found = median([await session.run() for _ in range(SAME_RUNS)]) * 1000
        if errors:  # a page that fails fast must not pass for a fast one
            raise SystemExit(f"{cible.nom} : erreur pendant les relances sans changement : {errors[0]}")
        return found


# The dashboard's own settings that make a run cheaper (.streamlit/config.toml). The bare page runs Streamlit's
# defaults (what the capacity issue measured and set its targets on: a full garbage collection after every run, the
# file watcher) unless `--reglages` gives it these too: then it runs about ten times faster (docs/echelle.md).
REGLAGES = ["--runner.postScriptGC", "false", "--server.fileWatcherType", "none", "--runner.magicEnabled", "false"]


def start_bare(script: Path, reglee: bool = False) -> tuple[subprocess.Popen, str]:
    """`streamlit run` the bare page on a free port of 127.0.0.1 (Streamlit's settings, or the dashboard's when
    `reglee`); wait for its health check."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false", *(REGLAGES if reglee else [])],
        cwd=script.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, deadline = f"http://127.0.0.1:{port}", time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310 (localhost)
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("la page nue n'a pas démarré")


async def run(niveaux: list[int], duree: float, processus: int = 1, reglee: bool = False) -> None:
    server, url = start_server()
    procs = [server]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "page_nue.py"
            script.write_text(BARE_PAGE, encoding="utf-8")
            bare, bare_url = start_bare(script, reglee)
            procs.append(bare)
            cibles = [Cible("tableau de bord", url, server, {"phase": [(str(p), t) for p, t in PHASES.items()],
                                                             "priorite": PRIORITES, "metrique": METRICS}, True,
                            territoires()),
                      Cible("page nue", bare_url, bare, {"phase": [("1", "1"), ("2", "2")]}, False)]
            if processus > 1:  # the multi-process option (relance.multi): N servers behind HAProxy
                from relance import multi

                port = multi.free_port()
                servers, proxy = multi.start(processus, port, "127.0.0.1", Path(tmp) / "multi", quiet=True)
                procs += [proxy, *servers]
                cibles.append(Cible(f"×{processus} via HAProxy", f"http://127.0.0.1:{port}",
                                    servers[0], cibles[0].widgets, True, cibles[0].territoires,
                                    [*servers[1:], proxy]))
            print(f"Machine : {machine()}")
            print(f"Client websocket (protocole Streamlit, sans navigateur) ; {duree:.0f} s de relances par niveau ; "
                  f"page nue {'avec les réglages du tableau de bord' if reglee else 'aux réglages de Streamlit'}")
            print(f"{'serveur':<16} {'N':>3} {'1er (ms)':>8} {'p50 (ms)':>8} {'p95 (ms)':>8} {'relances':>8} "
                  f"{'relances/s':>10} {'erreurs':>7} {'mélanges':>8} {'RSS Mo avant → après':>20} CPU client (s)")
            for n in niveaux:
                for cible in cibles:
                    print(await mesurer(cible, n, duree), flush=True)
            same = {c.nom: await sans_changement(c) for c in cibles}
            print(f"Relance sans changement (une session seule, {SAME_RUNS} relances, médiane) : "
                  + " · ".join(f"{nom} {ms:.0f} ms" for nom, ms in same.items())
                  + f" ; rapport tableau de bord / page nue "
                    f"{same['tableau de bord'] / same['page nue']:.2f} (cible ≤ 1,5)".replace(".", ","))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
    print("1er : premier affichage (p50). p50/p95 : relances, de l'envoi du BackMsg à script_finished. "
          "Mélanges : sessions qui ont reçu des filtres qu'elles n'avaient pas demandés.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--niveaux", default="10,25,50", help="sessions simultanées par niveau, ex. 10,25,50")
    parser.add_argument("--duree", type=float, default=20, help="secondes de relances par niveau")
    parser.add_argument("--processus", type=int, default=1,
                        help="mesure aussi l'option multi-processus (python -m relance multi) avec ce nombre de "
                             "processus derrière HAProxy, sur une ligne de plus")
    parser.add_argument("--reglages", action="store_true",
                        help="la page nue avec les réglages du tableau de bord (sans ramasse-miettes après chaque "
                             "run, sans surveillance des fichiers)")
    args = parser.parse_args()
    niveaux = [max(1, min(int(n), 100)) for n in args.niveaux.split(",") if n.strip()]
    os.environ.setdefault("RELANCE_DB", str(config.db_path()))
    asyncio.run(run(niveaux, min(max(args.duree, 1), 600), max(1, min(args.processus, 8)), args.reglages))


if __name__ == "__main__":
    main()
