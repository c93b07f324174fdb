"""The docs describe the code base: every engine module is in the README's map, every table, column and query in
the pages written from the schema and the query files (and those pages are current), every address key in the
dashboard's page; the README stays short."""

from __future__ import annotations

import importlib.util
import re

from relance import config, db

ROOT = config.REPO_ROOT


def _generer():
    spec = importlib.util.spec_from_file_location("generer", ROOT / "docs" / "generer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_engine_module_is_in_the_readme_map():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    architecture = readme[readme.index("## Carte du code"):readme.index("## Documentation")]
    package = ROOT / "relance"
    modules = sorted(p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    modules += sorted(p.name for p in (package / "construction").glob("*.py") if p.name != "__init__.py")
    modules += sorted(p.name for p in (package / "ui").glob("*.py") if p.name != "__init__.py")
    modules += ["views/", "construction/", "ui/", "schema.sql", "reference/"]
    missing = [m for m in modules if f" {m} " not in architecture.replace("\n", " ")]
    assert not missing, f"absents de la carte des modules du README : {missing}"


def test_the_readme_is_read_in_five_minutes():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 150, lines
    linked = re.findall(r"\(docs/([a-z-]+\.md)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert sorted(linked) == sorted(p.name for p in (ROOT / "docs").glob("*.md"))  # every page reachable


def test_pages_written_from_the_schema_and_the_queries_are_current():
    generer = _generer()
    for name, make in generer.PAGES.items():
        assert (ROOT / "docs" / name).read_text(encoding="utf-8") == make(), (
            f"docs/{name} n'est plus à jour : lancez .venv/bin/python docs/generer.py")


def test_every_table_column_and_query_is_documented():
    generer = _generer()
    schema = (ROOT / "relance" / "schema.sql").read_text(encoding="utf-8")
    base = (ROOT / "docs" / "base.md").read_text(encoding="utf-8")
    for entry in generer.tables(schema):
        assert f"## `{entry['nom']}`" in base
        assert entry["description"], f"{entry['nom']} : aucune description au-dessus de sa définition"
        for column, _, _ in entry["colonnes"]:
            assert f"| `{column}` |" in base
    names = set(re.findall(r"create (?:table|view) (\w+)", schema))
    assert names == {e["nom"] for e in generer.tables(schema)}  # the reader misses no table
    queries = (ROOT / "docs" / "requetes.md").read_text(encoding="utf-8")
    for query in [*db.all_queries(), *db.checks()]:
        assert f"**`{query.name}`**" in queries
        assert query.description


def test_every_address_key_is_documented():
    """The address keys are declared once (`relance.ui.adresse.CLES`); every key the code binds is declared there,
    and every declared key is documented."""
    from relance.ui import CLES

    code = "\n".join(p.read_text(encoding="utf-8") for p in [*(ROOT / "pages").glob("*.py"),
                                                              *(ROOT / "relance").rglob("*.py"), ROOT / "dashboard.py"])
    bound = set(re.findall(r'url_state\("([a-z_]+)"', code)) | set(re.findall(r'lier_partagee\("([a-z_]+)"', code))
    keys = set(CLES)
    assert bound <= keys, f"clés liées à l'adresse mais non déclarées dans CLES : {bound - keys}"
    assert keys == {"phase", "priorite", "indicateur", "date", "ti", "metrique", "mode", "comparer", "onglet",
                    "recherche", "ou", "mesures", "filieres", "tailles", "douteux", "tri", "par_mesure"}
    page = (ROOT / "docs" / "tableau-de-bord.md").read_text(encoding="utf-8")
    missing = [k for k in sorted(keys) if f"`{k}`" not in page]
    assert not missing, f"clés de l'adresse absentes de docs/tableau-de-bord.md : {missing}"
