"""Concurrent users: N simultaneous sessions in headless Chromium against a local server.

Run: .venv/bin/python bench/load_test.py [--sessions 20] [--time-limit 300]
Starts the app on 127.0.0.1 (a free port), drives every session through the main path — open the map,
change phase and priority, open a profile, export a chart as CSV — and reports errors, p50/p95 step
times and the server's memory before and after. Each session checks that it only ever sees its own
filters. Bounded in sessions and time; stops by itself. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, p95
from relance import config

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PRIORITIES = [("competences", "Compétences / recruter"), ("innover", "Innover / décarboner"),
              ("toutes", "Toutes les priorités")]
MAX_SESSIONS = 50
# The load generator (one Chromium page per session) shares the machine's 2 cores with the server:
# steps are slow under load, so they get a generous bound.
STEP_TIMEOUT_MS = 180_000


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(depot: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m relance serve` of this checkout (or of `depot`, another one) on a free port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "relance", "serve", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true"], cwd=depot or config.REPO_ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310 (localhost)
                return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("le serveur n'a pas démarré")


async def session(index: int, browser, url: str, steps: dict[str, list[float]], errors: list[str]) -> None:
    phase = 1 + index % 2
    other = 3 - phase
    priorite, priorite_label = PRIORITIES[index % 3]
    await asyncio.sleep(0.5 * index)  # users arrive over a few seconds, not in the same millisecond
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.set_default_navigation_timeout(STEP_TIMEOUT_MS)
    page = await context.new_page()

    async def step(name: str, action) -> None:
        start = time.perf_counter()
        await action()
        steps.setdefault(name, []).append(time.perf_counter() - start)

    async def map_subtitle_has(text: str) -> None:
        await page.wait_for_function(
            "(t) => [...document.querySelectorAll('.js-plotly-plot .gtitle')].some(e => e.textContent.includes(t))",
            arg=text, timeout=STEP_TIMEOUT_MS)

    try:
        await step("ouvrir la carte", lambda: _open(page, f"{url}/?phase={other}"))
        await step("changer de phase", lambda: _radio(page, f"Phase {phase} (", map_subtitle_has, f"Phase {phase} ("))
        await step("changer de priorité", lambda: _priority(page, priorite_label, map_subtitle_has))
        query = await page.evaluate("() => window.location.search")
        if f"phase={phase}" not in query or (priorite != "toutes" and f"priorite={priorite}" not in query):
            errors.append(f"session {index}: filtres inattendus dans l'adresse {query}")
        await step("ouvrir une fiche", lambda: _profile(page, url, phase, priorite))
        await step("exporter un graphique (CSV)", lambda: _export(page))
        if await page.locator("[data-testid='stException']").count():
            errors.append(f"session {index}: exception affichée")
        caption = await page.get_by_text(f"Phase {phase} (").first.text_content()
        if f"Phase {other} (" in (caption or ""):
            errors.append(f"session {index}: voit la phase d'une autre session")
    except Exception as exc:  # report and go on: one failed session must not hide the others
        errors.append(f"session {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def _open(page, target: str) -> None:
    await page.goto(target)
    await page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=STEP_TIMEOUT_MS, state="attached")


async def _radio(page, label: str, wait, text: str) -> None:
    await page.get_by_text(label).first.click()
    await wait(text)


async def _priority(page, label: str, wait) -> None:
    box = page.get_by_role("combobox", name="Priorité")
    await box.click()
    await page.get_by_role("option", name=label).click()
    await wait(label)


async def _profile(page, url: str, phase: int, priorite: str) -> None:
    ti = "ti-2706" if phase == 1 else "ti-8401"
    await page.goto(f"{url}/territoire?phase={phase}&ti={ti}&priorite={priorite}")
    await page.get_by_role("heading", name="France Relance dans le territoire").wait_for(timeout=STEP_TIMEOUT_MS)
    await page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=STEP_TIMEOUT_MS, state="attached")


async def _idle(page) -> None:
    """Wait until the script run is over (a download link made by a run that a newer run replaced is void)."""
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                 timeout=STEP_TIMEOUT_MS)


async def _export(page) -> None:
    for attempt in range(3):
        await _idle(page)
        button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
        async with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
            await button.click()
        download = await info.value
        if await download.failure() is None:
            break
        if attempt == 2:
            raise RuntimeError(f"téléchargement interrompu : {await download.failure()}")
    path = await download.path()
    if not path or Path(path).read_bytes()[:3] != "\ufeff".encode():
        raise RuntimeError("CSV vide ou sans BOM")


async def run(sessions: int, time_limit: float) -> int:
    from playwright.async_api import async_playwright

    server, url = start_server()
    try:
        await asyncio.sleep(1)
        before = rss_mb(server.pid)
        steps: dict[str, list[float]] = {}
        errors: list[str] = []
        start = time.perf_counter()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            tasks = [session(i, browser, url, steps, errors) for i in range(sessions)]
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=time_limit)
            except TimeoutError:
                errors.append(f"limite de temps atteinte ({time_limit:.0f} s)")
            await browser.close()
        elapsed = time.perf_counter() - start
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"Machine : {machine()}")
    print(f"{sessions} sessions simultanées, {elapsed:.1f} s au total")
    print(f"{'étape':<32} {'n':>3} {'p50':>9} {'p95':>9}")
    for name, values in steps.items():
        print(f"{name:<32} {len(values):>3} {statistics.median(values):8.2f}s {p95(values):8.2f}s")
    print(f"Mémoire du serveur : {before:.0f} Mo avant, {after:.0f} Mo après")
    print(f"Erreurs : {len(errors)}")
    for error in errors:
        print(f"  - {error}")
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=300)
    args = parser.parse_args()
    sessions = max(1, min(args.sessions, MAX_SESSIONS))
    os.environ.setdefault("RELANCE_DB", str(config.db_path()))
    raise SystemExit(asyncio.run(run(sessions, min(args.time_limit, 900))))


if __name__ == "__main__":
    main()
