"""Write docs/base.md (the database's tables and views, from relance/schema.sql) and docs/requetes.md (every query
file, from its header). Run: .venv/bin/python docs/generer.py   (tests/test_docs.py checks the files are current)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEAD = "[← README](../README.md)\n\n"


def _comments(lines: list[str], index: int) -> list[str]:
    """The comment lines right above line `index`."""
    found = []
    while index > 0 and lines[index - 1].startswith("--"):
        index -= 1
        found.insert(0, lines[index][2:].strip())
    return found


def tables(schema: str) -> list[dict]:
    """Each table and view of the schema: its name, kind, description (the comments above it) and, for a table,
    its columns with their type and the comments about them."""
    lines = schema.split("\n")
    found = []
    for index, line in enumerate(lines):
        table = re.match(r"create table (\w+) \($", line)
        view = re.match(r"create view (\w+) as$", line)
        if not (table or view):
            continue
        entry = {"nom": (table or view).group(1), "genre": "table" if table else "vue",
                 "description": " ".join(_comments(lines, index)), "colonnes": []}
        if table:
            pending: list[str] = []
            for inner in lines[index + 1:]:
                text = inner.strip()
                if text.startswith(");"):
                    break
                if text.startswith("--"):
                    pending.append(text[2:].strip())
                    continue
                column = re.match(r"(\w+) (\w+(?: ?\[\])?)(.*?)(?:--\s*(.*))?$", text)
                if column and column.group(1) not in ("primary", "check", "unique", "foreign"):
                    note = " ".join([*pending, column.group(4) or ""]).strip()
                    entry["colonnes"].append((column.group(1), column.group(2), note))
                pending = []
        found.append(entry)
    return found


def base_md() -> str:
    """docs/base.md."""
    out = [HEAD, "# La base de données (`data/relance.duckdb`)\n",
           "Page écrite par `docs/generer.py` à partir de `relance/schema.sql` : ne pas la modifier à la main.\n",
           "Les analystes peuvent l'ouvrir directement (`duckdb data/relance.duckdb`, ou "
           "`duckdb.connect(..., read_only=True)`). `data/relance.duckdb` est un lien vers la version courante "
           "(`data/relance.v<numéro>.<heure UTC>.duckdb`) : chaque construction écrit un nouveau fichier et ne bascule "
           "le lien qu'une fois tout vérifié. Noms de tables et de colonnes stables. Deux tables sont écrites par la "
           "construction à partir des vues de méthode (`queries/ecritures/methodes.sql`) : `territoire_indicateur` "
           "(colonnes de la vue `territoire_indicateur_methode`) et `departement_couverture` (vue "
           "`departement_couverture_methode`).\n"]
    for entry in tables((ROOT / "relance" / "schema.sql").read_text(encoding="utf-8")):
        out.append(f"## `{entry['nom']}` ({entry['genre']})\n")
        if entry["description"]:
            out.append(entry["description"] + "\n")
        if entry["colonnes"]:
            out.append("| colonne | type | note |\n|---|---|---|")
            out += [f"| `{name}` | {kind} | {note} |" for name, kind, note in entry["colonnes"]]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def requetes_md() -> str:
    """docs/requetes.md: every query file with what it answers, its parameters and columns."""
    from relance import db

    out = [HEAD, "# Les requêtes (`queries/`)\n",
           "Page écrite par `docs/generer.py` à partir de l'en-tête de chaque fichier : ne pas la modifier à la "
           "main. Une question par fichier ; les valeurs sont liées (`$phase`), jamais écrites dans le SQL.\n"]
    groups = [("Questions des pages", db.all_queries()), ("Contrôles de données (`queries/controles/`)", db.checks())]
    for title, queries in groups:
        out.append(f"## {title}\n")
        for query in queries:
            params = ", ".join(f"`${k}` {v}" for k, v in query.params.items()) or "aucun"
            columns = ", ".join(f"`{c}`" for c in query.columns) or "—"
            out.append(f"- **`{query.name}`** — {query.description} Paramètres : {params}. Colonnes : {columns}.")
        out.append("")
    out.append("## Écritures (`queries/ecritures/`)\n")
    for path in sorted((ROOT / "queries" / "ecritures").glob("*.sql")):
        first = " ".join(line[2:].strip() for line in path.read_text(encoding="utf-8").split("\n")
                         if line.startswith("--") and not line.startswith("-- params"))
        out.append(f"- **`{path.stem}`** — {first}")
    return "\n".join(out).rstrip() + "\n"


PAGES = {"base.md": base_md, "requetes.md": requetes_md}

if __name__ == "__main__":
    for name, make in PAGES.items():
        (ROOT / "docs" / name).write_text(make(), encoding="utf-8")
        print(f"docs/{name} écrit")
