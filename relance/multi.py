"""`python -m relance multi`: several dashboard processes on one machine behind HAProxy, every core used.

One Python process runs one script at a time per core (the interpreter's lock): on this 2-core machine a single
process leaves a core to the others. This command starts `--processus` servers (`python -m relance serve`, each on a
free port of 127.0.0.1, the same cookie secret), waits until each answers its health check, writes HAProxy's
configuration (`deploy/haproxy.cfg` and one `server` line per process, under `data/multi/`), checks it, and runs
HAProxy in front: a browser's session stays in its process by a cookie (uploads and media files live there). It
stops everything on Ctrl-C, or when one of them stops. `./run.sh` and `./run.sh test` stay one process.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from relance import config

TEMPLATE = config.REPO_ROOT / "deploy" / "haproxy.cfg"
START_TIMEOUT = 120  # seconds for a process to answer its health check (it loads the database's first views)
EVERY_ADDRESS = ("0.0.0.0", "::", "*")  # noqa: S104 (the network, when the user asks for it)
NO_HAPROXY = ("HAProxy est introuvable. Installez le paquet Debian `haproxy` (`sudo apt-get install haproxy`) ou "
              "lancez `./run.sh multi`, qui l'installe.")


def haproxy() -> str | None:
    """The haproxy program (Debian installs it in /usr/sbin, often outside a user's PATH)."""
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
                                            if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configuration(ports: list[int]) -> str:
    """HAProxy's configuration: the repository's, then one server per process (health-checked, named by its cookie)."""
    lines = [f"    server p{i} 127.0.0.1:{port} check inter 5s cookie p{i}" for i, port in enumerate(ports, 1)]
    return TEMPLATE.read_text(encoding="utf-8") + "\n".join(lines) + "\n"


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
            return True
    except OSError:
        return False


def start(processus: int, port: int, adresse: str, workdir: Path, quiet: bool = False,
          streamlit_args: list[str] | None = None) -> tuple[list[subprocess.Popen], subprocess.Popen]:
    """Start the servers and HAProxy; return them once HAProxy listens (or raise SystemExit with a French message).
    `streamlit_args` go to each server (`--server.allowedHosts NOM` for the name users type)."""
    program = haproxy()
    if program is None:
        raise SystemExit(NO_HAPROXY)
    out = subprocess.DEVNULL if quiet else None
    secret = secrets.token_hex(32)  # one XSRF secret: a page and its websocket agree whichever process they reach
    ports = [free_port() for _ in range(processus)]
    started: list[subprocess.Popen] = []  # the servers, then HAProxy
    try:
        proxy = _start(started, program, secret, ports, port, adresse, workdir, out, streamlit_args)
    except BaseException:  # a failure or a signal during the start: nothing left running
        stop(started)
        raise
    return started[:len(ports)], proxy


def _start(started: list[subprocess.Popen], program: str, secret: str, ports: list[int], port: int, adresse: str,
           workdir: Path, out, streamlit_args: list[str] | None) -> subprocess.Popen:
    """`start`'s work; every process it starts is put in `started` at once (the caller stops them on failure)."""
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}  # Streamlit takes it from there, not its flags
    servers = started
    servers += [subprocess.Popen([sys.executable, "-m", "relance", "serve", "--server.address", "127.0.0.1",
                                 "--server.port", str(p), "--server.headless", "true", *(streamlit_args or [])],
                                cwd=config.REPO_ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=out)  # stdout: a URL not to use
               for p in ports]
    deadline = time.time() + START_TIMEOUT
    waiting = set(ports)
    while waiting and time.time() < deadline:
        if any(s.poll() is not None for s in servers):
            raise SystemExit("Un processus du tableau de bord s'est arrêté au démarrage (voir ses messages).")
        waiting = {p for p in waiting if not _healthy(p)}
        time.sleep(0.3)
    if waiting:
        raise SystemExit(f"Les processus n'ont pas répondu en {START_TIMEOUT} s.")
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "haproxy.cfg"
    cfg.write_text(configuration(ports), encoding="utf-8")
    env = {**os.environ, "RELANCE_ADRESSE": adresse, "RELANCE_PORT": str(port)}
    check = subprocess.run([program, "-c", "-q", "-f", str(cfg)], env=env, capture_output=True, text=True)
    if check.returncode:
        raise SystemExit(f"Configuration HAProxy refusée ({cfg}) : {check.stderr.strip()[:500]}")
    proxy = subprocess.Popen([program, "-db", "-f", str(cfg)], env=env, stdout=out, stderr=out)
    started.append(proxy)
    deadline = time.time() + 20
    while time.time() < deadline:
        if proxy.poll() is not None:
            raise SystemExit(f"HAProxy ne démarre pas (port {port} déjà pris ?).")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1" if adresse in EVERY_ADDRESS else adresse, port)) == 0:
                return proxy
        time.sleep(0.2)
    raise SystemExit(f"HAProxy n'écoute pas sur le port {port}.")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def cores() -> int:
    """The cores this process may use (its CPU affinity, which a container's limit sets), not the machine's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main(processus: int | None, port: int, adresse: str, streamlit_args: list[str] | None = None) -> int:
    """Run until Ctrl-C, a SIGTERM (or until one process stops)."""
    processus = max(1, min(processus or cores(), 4 * cores()))
    stopping = []

    def terminated(*_) -> None:
        stopping.append(True)
        raise KeyboardInterrupt  # during the start too: `start` stops what it started

    signal.signal(signal.SIGTERM, terminated)
    try:
        servers, proxy = start(processus, port, adresse, config.REPO_ROOT / "data" / "multi",
                               streamlit_args=streamlit_args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    print(f"Tableau de bord : http://{'localhost' if adresse in ('127.0.0.1', *EVERY_ADDRESS) else adresse}:{port} "
          f"({processus} processus derrière HAProxy ; Ctrl-C pour arrêter)", flush=True)
    try:
        while not stopping and all(p.poll() is None for p in [*servers, proxy]):
            time.sleep(0.5)
    except KeyboardInterrupt:  # Ctrl-C (the processes got it too) or SIGTERM
        stopping.append(True)
    stopped = [p for p in [*servers, proxy] if p.poll() is not None]
    stop([proxy, *servers])
    if stopped and not stopping:
        print("Un processus s'est arrêté : tout est arrêté.", file=sys.stderr)
        return 1
    return 0
