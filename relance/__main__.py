"""Command line: `python -m relance build [--raw DIR] [--db FILE]`, `python -m relance serve [streamlit options]`."""

from __future__ import annotations

import argparse
import sys
import time

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


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m relance`."""
    parser = argparse.ArgumentParser(prog="python -m relance", description="Relance & Territoires")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="construit la base DuckDB à partir des données brutes")
    build.add_argument("--raw", help="répertoire des données brutes (défaut : $RELANCE_RAW ou ../shared/data/raw)")
    build.add_argument("--db", help="fichier de base (défaut : $RELANCE_DB ou data/relance.duckdb)")
    build.set_defaults(func=_build)
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
