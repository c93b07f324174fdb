"""Serving never imports the build: the entry, the pages, the views and the engine they use load without the
build side (the package relance.construction: build, sources, geo, rds, sync, imports, friches)."""

from __future__ import annotations

import ast
import subprocess
import sys

from relance import config

BUILD_PACKAGE = "relance.construction"
BUILD_SIDE = {BUILD_PACKAGE, *(f"{BUILD_PACKAGE}.{p.stem}" for p in (config.REPO_ROOT / "relance" / "construction")
                              .glob("*.py") if p.stem != "__init__")}
SERVING = ["relance.app", "relance.ui", "relance.garde", "relance.fiche", "relance.views.carte",
           "relance.views.territoire", "relance.views.projets", "relance.views.comparer", "relance.views.france",
           "relance.views.methodologie", "relance.views.synthese", "relance.views.laureats"]


def test_serving_modules_load_without_the_build():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in SERVING)
            + f"print(sorted(m for m in sys.modules if m.startswith({BUILD_PACKAGE!r})))")
    result = subprocess.run([sys.executable, "-c", code], cwd=config.REPO_ROOT, capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_pages_import_only_the_serving_side_and_name_no_query():
    for page in [*sorted((config.REPO_ROOT / "pages").glob("*.py")), config.REPO_ROOT / "dashboard.py"]:
        source = page.read_text(encoding="utf-8")
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        assert not imported & BUILD_SIDE, page.name
        assert 'ui.run("' not in source and "select " not in source.lower(), f"{page.name} names a query"
