"""Helpers shared by the bench scripts: timing statistics and the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable


def machine() -> str:
    """Cores and memory of this machine, printed beside every figure."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "?"
    return f"{os.cpu_count()} cœurs, {memory} de mémoire, Python {platform.python_version()}"


def timings(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of `repeat` calls after `warmup` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def stats_ms(values: list[float]) -> str:
    """`médiane 12.3 ms, p95 15.0 ms`."""
    return f"médiane {statistics.median(values) * 1000:7.1f} ms   p95 {p95(values) * 1000:7.1f} ms"


# A point inside a territory's drawn polygon, in page coordinates (Plotly binds each path to its location): the
# middle one of the points of a 23 × 23 grid over its box that fall inside it. Read by the Chromium tests too.
POINT_IN_TERRITORY = """(ti) => {
  const el = [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')]
    .find(e => e.__data__ && e.__data__.loc === ti);
  if (!el) return null;
  const b = el.getBBox(), m = el.getScreenCTM(), inside = [];
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const p = new DOMPoint(b.x + b.width * i / 24, b.y + b.height * j / 24);
    if (el.isPointInFill(p)) inside.push(p);
  }
  if (!inside.length) return null;
  const p = inside[Math.floor(inside.length / 2)].matrixTransform(m);
  return [p.x, p.y];
}"""
