"""Project lists kept for the build: the DGE list of the raw directory and the lists imported by the staff
(stored in `data/imports/`, named by their content hash), and the project tables placed from them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pandas as pd

from relance import listes, placement
from relance.construction import sources
from relance.errors import ListeError, SourceError

MEASURES_FILE = Path(__file__).resolve().parent.parent / "reference" / "mesures_priorites.csv"


def measure_priorities() -> pd.DataFrame:
    """The reviewed mapping of each France Relance measure to a programme priority."""
    return sources.read_csv_checked(MEASURES_FILE, ["mesure", "priorite", "justification"], sep=";")


def imports_dir(db: Path) -> Path:
    """Where imported project files are kept: $RELANCE_IMPORTS, else `imports/` beside the database."""
    return Path(os.environ.get("RELANCE_IMPORTS") or Path(db).parent / "imports")


PENDING = ".en-cours"  # a list kept but not yet in the database: finalised once the database has it


def write_atomic(path: Path, content: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, flushed to disk, then renamed (a full disk
    leaves the previous state, never an empty or cut file)."""
    tmp = path.with_name(f".{path.name}.ecriture")
    try:
        with open(tmp, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def metadata(fichier: str, format_: str, day: str, sha256: str, donnees: str) -> bytes:
    """What is kept of an imported list beside its file (JSON)."""
    return json.dumps({"fichier": fichier, "format": format_, "importe_le": day, "sha256": sha256,
                       "donnees": donnees}, ensure_ascii=False).encode("utf-8")


def store(parsed: listes.Parsed, content: bytes, folder: Path, day: str) -> tuple[str, bool]:
    """Keep an imported file (named by its content hash) as pending; (import_id, False) when it was kept already.
    `finalise` makes it a loaded list once the database holds its projects. Both files are written whole or not
    at all; on a failure (a full disk) neither is left."""
    folder.mkdir(parents=True, exist_ok=True)
    import_id = parsed.sha256[:16]
    meta = folder / f"{import_id}.json"
    if meta.exists() and _read(meta) is not None:
        return import_id, False
    suffix = ".xlsx" if content[:4] == b"PK\x03\x04" else ".csv"
    data = folder / f"{import_id}{suffix}"
    pending = meta.with_name(meta.name + PENDING)
    try:
        write_atomic(data, content)
        write_atomic(pending, metadata(parsed.name, parsed.format, day, parsed.sha256, data.name))
    except BaseException:
        for path in (data, pending):
            path.unlink(missing_ok=True)
        raise
    return import_id, True


def finalise(folder: Path, import_id: str) -> None:
    """The database holds this list: it is now a loaded list."""
    pending = Path(folder) / f"{import_id}.json{PENDING}"
    if pending.exists():
        os.replace(pending, pending.with_name(f"{import_id}.json"))


def _read(meta: Path) -> dict | None:
    """A list's metadata, or None when the file is empty or unreadable (cut by a full disk, edited by hand)."""
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("importe_le"), str) else None


def _item(meta: Path, import_id: str) -> dict | None:
    info = _read(meta)
    if info is None:
        return None
    data = meta.parent / str(info.get("donnees", ""))
    if not info.get("donnees") or not data.exists():
        data = next((p for p in (meta.parent / f"{import_id}.csv", meta.parent / f"{import_id}.xlsx") if p.exists()),
                    None)
    return {**info, "import_id": import_id, "path": data} if data is not None else None


def unreadable(folder: Path) -> list[Path]:
    """Metadata files that cannot be read (loaded or pending): `verifier` repairs or sets them aside."""
    return [meta for pattern in ("*.json", f"*.json{PENDING}") for meta in sorted(Path(folder).glob(pattern))
            if _read(meta) is None]


def stored(folder: Path) -> list[dict]:
    """The loaded lists kept in `folder`, oldest first."""
    out = [item for meta in sorted(Path(folder).glob("*.json")) if (item := _item(meta, meta.stem))]
    return sorted(out, key=lambda i: (i["importe_le"], i["import_id"]))


def pending(folder: Path) -> list[dict]:
    """Lists kept but not (yet) in the database: an import that was interrupted, or is running."""
    return [item for meta in sorted(Path(folder).glob(f"*.json{PENDING}"))
            if (item := _item(meta, meta.name.split(".")[0]))]


def remove(folder: Path, import_id: str) -> bool:
    """Forget an import (its file and metadata, pending or not); False if unknown."""
    if not re.fullmatch(r"[0-9a-f]{16}", import_id):
        return False
    found = [p for p in Path(folder).glob(f"{import_id}.*")]
    for path in found:
        path.unlink()
    return bool(found)


def set_aside(folder: Path, import_id: str) -> list[tuple[Path, Path]]:
    """Move an import's files out of the way (renamed), so a rebuild leaves it out; see restore/discard."""
    if not re.fullmatch(r"[0-9a-f]{16}", import_id):
        raise ListeError(f"import inconnu : {import_id}")
    moved = []
    for path in Path(folder).glob(f"{import_id}.*"):
        aside = path.with_name(path.name + ".retire")
        path.rename(aside)
        moved.append((path, aside))
    if not moved:
        raise ListeError(f"import inconnu : {import_id}")
    return moved


def restore(moved: list[tuple[Path, Path]]) -> None:
    """Put set-aside files back (the rebuild failed)."""
    for original, aside in moved:
        aside.rename(original)


def discard(moved: list[tuple[Path, Path]]) -> None:
    """Delete set-aside files (the rebuild succeeded)."""
    for _, aside in moved:
        aside.unlink(missing_ok=True)


def official_files(raw: Path) -> list[Path]:
    """The full DGE list where `sync` puts it (the 14-row extract is for tests and is imported by hand)."""
    folder = Path(raw) / "dge-plan-de-relance"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def lists(raw: Path, folder: Path) -> list[dict]:
    """Every list to load: the DGE list of the raw directory, then the imported lists (oldest first)."""
    official = [{"import_id": "dge-" + p.stem[:11], "fichier": p.name, "path": p, "lecture": "dge",
                 "importe_le": dt.date.fromtimestamp(p.stat().st_mtime).isoformat()} for p in official_files(raw)]
    return official + stored(folder)


COLUMNS = {
    "projet": ["projet_id", "source", "import_id", "ligne", "nom", "entreprise", "siren", "type_entreprise",
               "filiere", "mesure", "priorite", "departement_code", "commune_code", "epci_siren", "lat", "lon",
               "placement", "confiance", "problemes", "montant_aide", "montant_investissement", "date", "description",
               "annee", "tonnes_co2", "position"],
    "projet_territoire": ["projet_id", "phase", "ti_id"],
    "projet_import": ["import_id", "fichier", "format", "lecture", "source", "importe_le", "lignes", "rejetees",
                      "sha256"],
    "projet_rejet": ["import_id", "ligne", "motif"],
}


def _rows(items: list[dict], parsed_lists: list[tuple[dict, listes.Parsed]], ref: placement.Reference,
          measures) -> dict[str, list[dict]]:
    projects, links, imports, rejects = [], [], [], []
    for item, parsed in parsed_lists:
        label = item.get("source") or listes.SOURCE_LABELS[parsed.format]
        imports.append({"import_id": item["import_id"], "fichier": item["fichier"], "format": parsed.format,
                        # the DGE list of the raw data and the Fonds friches feed their readings; every imported
                        # list, whatever its format, is the staff's own
                        "lecture": item.get("lecture", "equipe"),
                        "source": label, "importe_le": item["importe_le"],
                        "lignes": len(parsed.rows), "rejetees": len(parsed.rejects), "sha256": parsed.sha256})
        rejects += [{"import_id": item["import_id"], "ligne": line, "motif": reason}
                    for line, reason in parsed.rejects]
        for row, where in zip(parsed.rows, placement.place_all(parsed.rows, ref), strict=True):
            projet_id = f"{item['import_id']}-{row.ligne}"
            priorite = listes.classify(row, measures)
            projects.append({
                "projet_id": projet_id, "source": label, "import_id": item["import_id"], "ligne": row.ligne,
                "nom": row.nom, "entreprise": row.entreprise, "siren": row.siren,
                "type_entreprise": row.type_entreprise, "filiere": row.filiere, "mesure": row.mesure,
                "priorite": priorite, "departement_code": where.departement_code,
                "commune_code": where.commune_code, "epci_siren": where.epci_siren, "lat": where.lat,
                "lon": where.lon, "placement": where.methode, "confiance": where.confiance,
                "problemes": "; ".join(row.problemes) or None, "montant_aide": row.montant_aide,
                "montant_investissement": row.montant_investissement, "date": row.date,
                "description": row.description, "annee": row.annee, "tonnes_co2": row.tonnes_co2,
                "position": where.position,
            })
            links += [{"projet_id": projet_id, "phase": phase, "ti_id": ti}
                      for phase, ti in where.territoires.items() if ti]
    return {"projet": projects, "projet_territoire": links, "projet_import": imports, "projet_rejet": rejects}


def _frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(values, columns=COLUMNS[name]) for name, values in rows.items()}


def tables(con, raw: Path, items: list[dict]) -> dict[str, pd.DataFrame]:
    """projet, projet_territoire, projet_import, projet_rejet for the given lists (see `lists`), each project
    placed against the territories, communes and postcodes of the database `con` holds."""
    measures = listes.measure_map(measure_priorities())
    ref = placement.Reference.from_database(con, raw)
    parsed_lists = []
    for item in items:
        try:
            parsed_lists.append((item, listes.parse(Path(item["path"]).read_bytes(), item["fichier"])))
        except ListeError as exc:
            raise SourceError(item["path"], str(exc)) from exc
    return _frames(_rows(items, parsed_lists, ref, measures))


FRICHES_IMPORT = "cerema-friches"
FRICHES_LABEL = "Cerema, Fonds friches (lauréats France Relance)"
FRICHES_MEASURE = "Fonds friches"


def friche_tables(con, raw: Path, friche: pd.DataFrame, rejets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The France Relance laureates of the Fonds friches as projects (measure "Fonds friches"), placed by the
    commune of their application like any list; applications that could not be joined are listed as rejects."""
    if friche.empty and rejets.empty:
        return _frames({"projet": [], "projet_territoire": [], "projet_import": [], "projet_rejet": []})
    laureates = friche[friche["france_relance"] & friche["laureat"] & friche["commune_code"].notna()]
    rows = [listes.Row(ligne=i + 1, nom=r.site_nom or f"Friche (dossier {r.num_dossier})",
                       commune_code=r.commune_code, lat=r.lat, lon=r.lon, mesure=FRICHES_MEASURE,
                       description=f"{r.edition}, dossier {r.num_dossier}")
            for i, r in enumerate(laureates.itertuples())]
    parsed = listes.Parsed("friches", rows, [(int(r.ligne), r.motif) for r in rejets.itertuples()],
                           "", sources.SOURCES["cartofriches_sites"].path)
    item = {"import_id": FRICHES_IMPORT, "fichier": Path(sources.SOURCES["cartofriches_sites"].path).name,
            "lecture": "friches",
            "importe_le": dt.date.today().isoformat(), "source": FRICHES_LABEL}
    measures = listes.measure_map(measure_priorities())
    frames = _frames(_rows([item], [(item, parsed)], placement.Reference.from_database(con, raw), measures))
    frames["projet"]["projet_id"] = [f"friche-{n}" for n in laureates["num_dossier"]]
    links = frames["projet_territoire"]
    by_line = dict(zip([f"{FRICHES_IMPORT}-{i + 1}" for i in range(len(laureates))], frames["projet"]["projet_id"],
                       strict=True))
    links["projet_id"] = links["projet_id"].map(by_line)
    return frames
