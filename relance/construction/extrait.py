"""A small real extract of the raw data: three départements cut from the raw files, for the fast tier of the tests
(`python -m relance extrait DOSSIER`).

The extract keeps the layout of the raw directory, so the same build reads it. It holds the communes of the
départements (`DEPARTEMENTS`), the EPCI whose communes are all among them, the Territoires d'industrie whose
members are all among them, the département polygons and 2018 commune contours of the départements, their
Baromètre files (regional and national ones whole), the industry shares and URSSAF jobs of the kept EPCI and
communes, and the DGE rows of the départements. The two `.rds` files of the Cerema stay whole (the applications are
national; the sites outside the départements find no commune and are left aside, as any site without a commune is).
Régions stay whole: the Fonds friches file names them all.

`extrait.json` at its root says it is an extract (the build then checks the extract's expected counts,
`relance/reference/controles_attendus.csv`, perimetre `extrait`, and the pages say the base is an extract) and lists
the files it holds (the files the build requires, in place of the sync manifest).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd

from relance.construction import sources

DEPARTEMENTS = ("18", "58", "76")  # Cher, Nièvre (Nevers Val de Loire), Seine-Maritime
MARQUE = sources.MARQUE_EXTRAIT


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _copy(raw: Path, out: Path, relative: str) -> None:
    (out / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(raw / relative, out / relative)


def _features(raw: Path, relative: str, keep) -> dict:
    data = json.loads((raw / relative).read_text(encoding="utf-8"))
    return {**data, "features": [f for f in data["features"] if keep(f["properties"])]}


def couper(raw: Path, out: Path, departements: tuple[str, ...] = DEPARTEMENTS) -> dict:
    """Write the extract of `raw` for `departements` in `out` (empty, or a former extract, which is replaced); return
    what `extrait.json` says."""
    raw, out = Path(raw), Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARQUE).exists():
            raise ValueError(f"{out} n'est pas vide et n'est pas un extrait : choisissez un dossier vide")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    path = {key: source.path for key, source in sources.SOURCES.items()}
    deps = set(departements)

    communes = json.loads((raw / path["communes"]).read_text(encoding="utf-8"))
    communes = [c for c in communes if c.get("departement") in deps]
    current = {c["code"] for c in communes if c["type"] == "commune-actuelle"}
    commune_sirens = {c["siren"] for c in communes if c["type"] == "commune-actuelle" and c.get("siren")}
    _write_json(out / path["communes"], communes)
    kept_groups = {}
    for key in ("epci", "ept"):
        groups = json.loads((raw / path[key]).read_text(encoding="utf-8"))
        groups = [g for g in groups if all(m["code"] in current for m in g["membres"])]
        kept_groups[key] = {g["code"] for g in groups}
        _write_json(out / path[key], groups)
    epci = kept_groups["epci"]
    known = epci | kept_groups["ept"] | commune_sirens
    departements_ref = json.loads((raw / path["departements"]).read_text(encoding="utf-8"))
    _write_json(out / path["departements"], [d for d in departements_ref if d["code"] in deps])
    _copy(raw, out, path["regions"])

    territoires = {}
    for key in ("ti_phase1", "ti_phase2"):
        (ident, _, field), members_of = sources.TERRITORY_LAYERS[key]

        def inside(p, field=field, members_of=members_of, where=raw / path[key]) -> bool:
            return all(s in known for s in members_of(str(p[field] or ""), where, 0))

        data = _features(raw, path[key], inside)
        territoires[key] = sorted(f["properties"][ident] for f in data["features"])
        _write_json(out / path[key], data)
    _write_json(out / path["dep_polygones"], _features(raw, path["dep_polygones"], lambda p: p["insee_dep"] in deps))
    for dep in sorted(deps):
        for file in (raw / path["communes_2018"]).glob(f"communes-{dep.lower()}-*.geojson"):
            _copy(raw, out, str(file.relative_to(raw)))
        for file in (raw / path["barometre_dep"]).glob(f"*-departement-{dep}.csv"):
            _copy(raw, out, str(file.relative_to(raw)))
    for key in ("barometre_reg", "barometre_nat", "fonds_friches", "cartofriches_sites"):
        _copy(raw, out, path[key])

    shares = json.loads((raw / path["ptod_epci"]).read_text(encoding="utf-8"))
    _write_json(out / path["ptod_epci"], [s for s in shares if s.get("code") in epci])
    jobs = pd.read_parquet(raw / path["urssaf_serie"])
    jobs = jobs[((jobs["echelon"] == "epci") & jobs["code"].isin(epci))
                | ((jobs["echelon"] == "communes") & jobs["code"].isin(current))]
    jobs.reset_index(drop=True).to_parquet(out / path["urssaf_serie"], index=False)

    dge = raw / path["dge_liste"]
    if dge.exists():
        text = dge.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        column, postcode = rows[0].index("code_departement"), rows[0].index("code_postal")

        def in_extract(row: list[str]) -> bool:  # the département as published (« 58.0 »), else the postcode's
            code = row[column].strip()
            code = str(int(float(code))).zfill(2) if re.fullmatch(r"\d+(\.0+)?", code) else code
            return code in deps or (not code and row[postcode].strip()[:2] in deps)

        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(
            [rows[0], *[r for r in rows[1:] if len(r) == len(rows[0]) and in_extract(r)]])
        (out / path["dge_liste"]).parent.mkdir(parents=True, exist_ok=True)
        (out / path["dge_liste"]).write_text(buffer.getvalue(), encoding="utf-8")

    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    marque = {"perimetre": "extrait", "departements": sorted(deps), "territoires": territoires,
              "source": str(raw), "fichiers": files}
    _write_json(out / MARQUE, marque)
    return marque
