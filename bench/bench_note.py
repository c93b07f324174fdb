"""The note-writer's path, timed and counted in headless Chromium at 1440 × 900: the five tasks of a two-page note,
done as a first-time user would, with the time each takes and its steps (clicks, keys, and every screen scrolled to
reach what the task needs: an element below the first screen costs one step per screen).

1. find a territory by search (type its name, Enter) and by a click on the map, until its figures show;
2. read its fiche (from the map's link) until its tabs and its first sentence are on screen;
3. export a chart (the fiche's « Graphiques » tab, PNG) and the fiche (PDF);
4. compare three territories (typed in Comparer's box), until the chart shows the three;
5. answer « territoires vs reste de la France » until the answer's sentence shows.

Run: .venv/bin/python bench/bench_note.py [--depot DIR] [--passes 3]
`--depot` serves another checkout of the project (e.g. an earlier commit, `git worktree add /tmp/avant <commit>`)
on the same database (RELANCE_DB), so the figures of two versions are measured side by side on this machine.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import POINT_IN_TERRITORY, machine
from bench.load_test import CHROMIUM_ARGS, start_server

SCREEN = {"width": 1440, "height": 900}


class Task:
    """One task: its steps and its time."""

    def __init__(self, page) -> None:
        self.page, self.steps, self.start = page, 0, time.perf_counter()

    def act(self, count: int = 1) -> None:
        self.steps += count

    def reach(self, locator) -> None:
        """Scroll to an element as a person would: one step per screen below the current one."""
        locator.wait_for(state="visible", timeout=60_000)
        box = locator.bounding_box()
        below = box["y"] + min(box["height"], 120) - SCREEN["height"]
        if below > 0:
            self.steps += math.ceil(below / (SCREEN["height"] * 0.8))
        locator.scroll_into_view_if_needed()

    def seconds(self) -> float:
        return time.perf_counter() - self.start


def settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def tasks(browser, url: str, downloads: Path) -> dict[str, tuple[float, int]]:
    context = browser.new_context(viewport=SCREEN, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    done: dict[str, tuple[float, int]] = {}

    task = Task(page)  # 1a: by search
    task.act()
    page.goto(f"{url}/?phase=1")
    box = page.get_by_role("combobox", name="Territoire", exact=True)
    task.reach(box)
    box.click()
    box.fill("Nevers")
    page.get_by_role("option", name="Nevers Val de Loire (ti-2706)").wait_for(timeout=30_000)
    box.press("Enter")
    task.act(3)
    page.get_by_role("heading", name="Nevers Val de Loire").wait_for(timeout=60_000)
    task.reach(page.get_by_text("Lauréats", exact=True).first)
    done["1. territoire par la recherche"] = (task.seconds(), task.steps)

    task = Task(page)  # 1b: by a click on the map
    task.act()
    page.goto(f"{url}/?phase=1")
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", state="attached", timeout=60_000)
    settle(page)
    task.reach(page.locator(".js-plotly-plot").first)
    x, y = page.evaluate(POINT_IN_TERRITORY, "ti-2706")
    page.mouse.click(x, y)
    task.act()
    page.get_by_role("heading", name="Nevers Val de Loire").wait_for(timeout=60_000)
    task.reach(page.get_by_text("Lauréats", exact=True).first)
    done["1. territoire par un clic sur la carte"] = (task.seconds(), task.steps)

    task = Task(page)  # 2: its fiche
    link = page.get_by_role("link", name="Ouvrir la fiche du territoire")
    task.reach(link)
    link.click()
    task.act()
    page.get_by_role("heading", name="Nevers Val de Loire", exact=True).wait_for(timeout=60_000)
    task.reach(page.get_by_role("tablist").first)
    task.reach(page.get_by_role("heading", name="France Relance dans le territoire"))
    done["2. lire sa fiche"] = (task.seconds(), task.steps)

    task = Task(page)  # 3: a chart and the fiche
    pdf = page.get_by_role("button", name="Fiche territoire (PDF)")
    page.evaluate("() => window.scrollTo(0, 0)")
    task.reach(pdf)
    with page.expect_download(timeout=120_000) as info:
        pdf.click()
    info.value.save_as(downloads / "fiche.pdf")
    task.act()
    page.get_by_role("tab", name="Graphiques").click()
    task.act()
    settle(page)
    png = page.get_by_test_id("stDownloadButton").filter(has_text="PNG").first
    task.reach(png)
    with page.expect_download(timeout=120_000) as info:
        png.click()
    info.value.save_as(downloads / "graphique.png")
    task.act()
    done["3. exporter un graphique et la fiche"] = (task.seconds(), task.steps)

    task = Task(page)  # 4: compare three, from the fiche just read (the sidebar's link, as a person goes there)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.get_by_role("link", name="Comparer", exact=True).click()
    task.act()
    chooser = page.get_by_role("combobox", name="Territoires à comparer (2 à 6)")
    chooser.wait_for(timeout=60_000)
    settle(page)
    task.reach(chooser)
    chooser.click()  # once: the box keeps the focus after each Enter
    task.act()
    chosen = page.get_by_test_id("stMultiSelect").first.inner_text()  # its label and the names already chosen
    for name in ("Nevers", "Grand Dole", "Carros"):
        if name in chosen:  # already there (the territory being read): nothing to type
            continue
        page.keyboard.type(name)
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        task.act(2)
        settle(page)
    page.wait_for_function("() => (location.search.match(/ti-/g) || []).length === 3", timeout=60_000)
    settle(page)
    task.reach(page.locator(".js-plotly-plot").first)
    done["4. comparer trois territoires"] = (task.seconds(), task.steps)

    task = Task(page)  # 5: territories vs the rest of France
    task.act()
    page.goto(f"{url}/france?phase=1")
    answer = page.locator("strong", has_text="En partie.").or_(page.locator("strong", has_text="Oui.")).or_(
        page.locator("strong", has_text="Pas nettement.")).first
    task.reach(answer)
    done["5. territoires et reste de la France"] = (task.seconds(), task.steps)
    context.close()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depot", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    commit = subprocess.run(["git", "-C", str(args.depot), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"Machine : {machine()} ; version servie : {commit or args.depot} ; écran 1440 × 900 ; "
          f"{args.passes} passages (médiane)")
    server, url = start_server(args.depot)
    runs: list[dict[str, tuple[float, int]]] = []
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            for _ in range(args.passes):
                runs.append(tasks(browser, url, Path(folder)))
            browser.close()
    finally:
        server.terminate()
    print(f"{'tâche':<42} {'durée (s)':>10} {'étapes':>7}")
    total_s, total_steps = 0.0, 0
    for name in runs[0]:
        seconds = statistics.median(r[name][0] for r in runs)
        steps = runs[0][name][1]
        total_s, total_steps = total_s + seconds, total_steps + steps
        print(f"{name:<42} {seconds:>10.1f} {steps:>7}")
    print(f"{'total':<42} {total_s:>10.1f} {total_steps:>7}")


if __name__ == "__main__":
    main()
