"""Command line: `python -m relance build|fiche|serve` (see `python -m relance --help`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from relance import config


def _build(args: argparse.Namespace) -> int:
    from relance.build import BuildError, build
    from relance.sources import SourceError

    raw, db = config.raw_dir(args.raw), config.db_path(args.db)
    print(f"Données brutes : {raw}")
    print(f"Base de données : {db}")
    start = time.perf_counter()
    try:
        counts = build(raw, db)
    except (SourceError, BuildError) as exc:
        print(f"Échec de la construction : {exc}", file=sys.stderr)
        kept = "La base précédente est conservée." if db.exists() else "Aucune base n'a été écrite."
        print(kept, file=sys.stderr)
        return 1
    for name, count in sorted(counts.items()):
        print(f"  {name:<24} {count:>8} lignes")
    print(f"Base construite en {time.perf_counter() - start:.1f} s : {db}")
    return 0


def _fiche(args: argparse.Namespace) -> int:
    import json
    from functools import partial

    from relance import db, fiche, state
    from relance.export import ExportError
    from relance.metrics import PHASES, PRIORITIES

    phase, message = state.parse_phase(str(args.phase), PHASES, 0)
    if message:
        print(f"Phase inconnue : {args.phase} (1 ou 2).", file=sys.stderr)
        return 2
    if args.priorite not in PRIORITIES:
        print(f"Priorité inconnue : {args.priorite} ({', '.join(PRIORITIES)}).", file=sys.stderr)
        return 2
    try:
        con = db.connect(args.db)
    except db.DatabaseMissing as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    run = partial(db.run, con)
    territories = set(run("territoires", phase=phase)["ti_id"])
    ti, message = state.parse_territory(args.ti_id, territories, phase)
    if ti is None:
        print(message or f"Territoire manquant : {args.ti_id!r}", file=sys.stderr)
        return 2

    def load(name: str, **params):
        return json.loads(run(name, **params).iloc[0, 0])

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        result = fiche.build(run, load, phase, ti, priorite=args.priorite, indicator_id=args.indicateur)
    except ExportError as exc:
        print(f"Échec de la fiche : {exc}", file=sys.stderr)
        return 1
    for name, content in ((result.pdf_name, result.pdf), (result.zip_name, result.zip)):
        (out / name).write_bytes(content)
        print(f"  {out / name} ({len(content) / 1000:.0f} Ko)")
    print(f"Fiche de {ti} (phase {phase}, {result.pages} pages) en {time.perf_counter() - start:.1f} s")
    return 0


def _rebuild(raw: Path, db_file: Path) -> int:
    from relance.build import BuildError, build
    from relance.sources import SourceError

    try:
        build(raw, db_file)
    except (SourceError, BuildError) as exc:
        print(f"Échec de la construction : {exc}", file=sys.stderr)
        print("La base précédente est conservée." if db_file.exists() else "Aucune base n'a été écrite.",
              file=sys.stderr)
        return 1
    return 0


def _import(args: argparse.Namespace) -> int:
    import datetime as dt

    from relance import db, projets

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : {path}", file=sys.stderr)
        return 2
    raw, db_file = config.raw_dir(args.raw), config.db_path(args.db)
    content = path.read_bytes()
    try:
        parsed = projets.parse(content, path.name)
    except projets.ImportError_ as exc:
        print(f"Import refusé : {exc}", file=sys.stderr)
        return 1
    label = "liste officielle DGE" if parsed.format == "dge" else "liste de l'équipe"
    print(f"{path.name} : {label}, {len(parsed.rows)} projets lisibles, {len(parsed.rejects)} lignes rejetées")
    for line, reason in parsed.rejects:
        print(f"  ligne {line} rejetée : {reason}")
    if not parsed.rows:
        print("Aucun projet à importer.", file=sys.stderr)
        return 1
    import_id, new = projets.store(parsed, content, projets.imports_dir(db_file), dt.date.today().isoformat())
    if not new:
        print(f"Déjà importé (import {import_id}) : rien n'est dupliqué.")
        return 0
    print(f"Import {import_id} enregistré ; reconstruction de la base…")
    status = _rebuild(raw, db_file)
    if status:
        projets.remove(projets.imports_dir(db_file), import_id)
        return status
    con = db.connect(db_file)
    summary = db.run(con, "import_resume", import_id=import_id)
    con.close()
    for row in summary.itertuples():
        print(f"  placement {row.confiance} : {row.projets} projets, dont {row.dans_territoire} dans un territoire "
              "de la phase 2")
    return 0


def _imports(args: argparse.Namespace) -> int:
    from relance import projets

    raw, db_file = config.raw_dir(args.raw), config.db_path(args.db)
    folder = projets.imports_dir(db_file)
    if args.remove:
        try:
            moved = projets.set_aside(folder, args.remove)
        except projets.ImportError_ as exc:
            print(f"{exc}", file=sys.stderr)
            return 2
        print(f"Import {args.remove} retiré ; reconstruction de la base…")
        status = _rebuild(raw, db_file)
        projets.restore(moved) if status else projets.discard(moved)
        return status
    items = projets.stored(folder)
    if not items:
        print("Aucune liste de projets importée.")
    for item in items:
        print(f"{item['import_id']}  {item['importe_le']}  {item['format']:<6} {item['fichier']}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from relance import sync

    raw = config.raw_dir(args.raw)
    entries = sync.manifest(Path(args.manifest)) if args.manifest else None
    print(f"Données brutes : {raw}")
    try:
        statuses = sync.sync(raw, entries, timeout=args.timeout)
    except sync.SyncError as exc:
        print(f"Échec de la synchronisation : {exc}", file=sys.stderr)
        return 1
    fetched = sum(1 for s in statuses.values() if s == "téléchargé")
    print(f"{len(statuses)} fichiers : {fetched} téléchargés, {len(statuses) - fetched} déjà à jour")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m relance`."""
    parser = argparse.ArgumentParser(prog="python -m relance", description="Relance & Territoires")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="construit la base DuckDB à partir des données brutes")
    build.add_argument("--raw", help="répertoire des données brutes (défaut : $RELANCE_RAW ou ../shared/data/raw)")
    build.add_argument("--db", help="fichier de base (défaut : $RELANCE_DB ou data/relance.duckdb)")
    build.set_defaults(func=_build)
    fiche = commands.add_parser("fiche", help="écrit la fiche territoire (PDF) et ses graphiques (ZIP)")
    fiche.add_argument("ti_id", metavar="TI_ID", help="identifiant du territoire, ex. ti-2706")
    fiche.add_argument("--phase", required=True, help="phase du programme : 1 ou 2")
    fiche.add_argument("--out", required=True, help="répertoire où écrire le PDF et le ZIP")
    fiche.add_argument("--db", help="fichier de base (défaut : $RELANCE_DB ou data/relance.duckdb)")
    fiche.add_argument("--priorite", default="toutes", help="priorité des indicateurs (défaut : toutes)")
    fiche.add_argument("--indicateur", help="indicateur du graphique (défaut : entreprises industrielles aidées)")
    fiche.set_defaults(func=_fiche)
    imp = commands.add_parser("import", help="importe une liste de projets (DGE ou liste de l'équipe)")
    imp.add_argument("file", metavar="FILE", help="fichier CSV ou XLSX")
    imp.add_argument("--db", help="fichier de base (défaut : $RELANCE_DB ou data/relance.duckdb)")
    imp.add_argument("--raw", help="répertoire des données brutes (défaut : $RELANCE_RAW ou ../shared/data/raw)")
    imp.set_defaults(func=_import)
    lst = commands.add_parser("imports", help="liste (ou supprime) les listes de projets importées")
    lst.add_argument("--remove", metavar="IMPORT_ID", help="supprime cet import et reconstruit la base")
    lst.add_argument("--db", help="fichier de base")
    lst.add_argument("--raw", help="répertoire des données brutes")
    lst.set_defaults(func=_imports)
    syn = commands.add_parser("sync", help="remplit le répertoire des données brutes depuis les origines")
    syn.add_argument("--raw", help="répertoire des données brutes (défaut : $RELANCE_RAW ou ../shared/data/raw)")
    syn.add_argument("--manifest", help="manifeste des origines (défaut : relance/reference/sync_manifest.csv)")
    syn.add_argument("--timeout", type=float, default=60, help="délai réseau par fichier, en secondes")
    syn.set_defaults(func=_sync)
    serve = commands.add_parser("serve", help="ouvre le tableau de bord (streamlit run dashboard.py)")
    serve.set_defaults(func=None)
    args, rest = parser.parse_known_args(argv)
    if args.command == "serve":
        from relance.serve import main as serve_main

        return serve_main(rest)
    if rest:
        parser.error(f"arguments inconnus : {' '.join(rest)}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
