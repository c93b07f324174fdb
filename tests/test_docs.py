"""The README describes the code base: every engine module appears in its map."""

from __future__ import annotations

from relance import config


def test_every_engine_module_is_in_the_readme_map():
    readme = (config.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    architecture = readme[readme.index("## Architecture"):readme.index("## Performance")]
    package = config.REPO_ROOT / "relance"
    modules = sorted(p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    modules += ["views/", "schema.sql", "reference/"]
    missing = [m for m in modules if f" {m} " not in architecture.replace("\n", " ")]
    assert not missing, f"absents de la carte des modules du README : {missing}"
