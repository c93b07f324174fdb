"""Every benchmark in one command, printed one after the other with the machine they ran on.

Run: .venv/bin/python bench/run_all.py [--sessions 20]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("Construction, géométrie, requêtes, constructeurs de graphiques, carte", "bench_map.py", []),
    ("Pages (rerun côté serveur)", "bench_pages.py", []),
    ("Pages dans Chromium (de bout en bout)", "bench_browser.py", []),
    ("Exports", "bench_export.py", []),
    ("Utilisateurs simultanés", "load_test.py", sys.argv[1:]),
]


def main() -> int:
    failures = 0
    for title, script, args in SCRIPTS:
        print(f"\n=== {title} ({script}) ===", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *args], check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
