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
