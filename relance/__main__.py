"""Command line: `python -m relance build|import|imports|fiche|sync|extrait|serve|multi` (see
`python -m relance --help`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from relance import config


def _say(args: argparse.Namespace, outcome: dict) -> None:
    """With --json, the outcome on one line of standard output (the dashboard reads it)."""
    if getattr(args, "json", False):
        print(json.dumps(outcome, ensure_ascii=False))


def _build(args: argparse.Namespace) -> int:
    from relance.construction.build import build
    from relance.errors import BuildError, SourceError

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
    except Exception as exc:  # a full disk, a killed child: said in French, the previous database kept
        reason = "disque plein" if getattr(exc, "errno", None) == 28 or "No space" in str(exc) else str(exc)[:300]
        print(f"Échec de la construction (erreur inattendue) : {reason}", file=sys.stderr)
        print("La base précédente est conservée." if db.exists() else "Aucune base n'a été écrite.", file=sys.stderr)
        return 1
    for name, count in sorted(counts.items()):
        print(f"  {name:<24} {count:>8} lignes")
    print(f"Base construite en {time.perf_counter() - start:.1f} s : {db}")
    return 0


def _fiche(args: argparse.Namespace) -> int:
    import duckdb

    from relance import db, filtres
    from relance.errors import DatabaseMissing
    from relance.export import ExportError
    from relance.views import common, territoire

    phase, message = filtres.parse_phase(str(args.phase), filtres.PHASES, 0)
    if message:
        print(f"Phase inconnue : {args.phase} (1 ou 2).", file=sys.stderr)
        return 2
    try:
        con = db.connect(args.db)
        con.execute("select count(*) from territoire").fetchone()
    except DatabaseMissing as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    except duckdb.Error:
        print("La base de données ne s'ouvre pas (fichier abîmé ou incomplet) : reconstruisez-la avec "
              "`python -m relance build`.", file=sys.stderr)
        return 1
    reader = db.reader(con)
    choices = common.priority_choices(reader.run)
    if args.priorite not in choices:
        print(f"Priorité inconnue : {args.priorite} ({', '.join(choices)}).", file=sys.stderr)
        return 2
    ti, message = filtres.parse_territory(args.ti_id, common.territory_names(reader.run, phase), phase)
    if ti is None:
        print(message or f"Territoire manquant : {args.ti_id!r}", file=sys.stderr)
        return 2
    items = common.indicateurs(reader.run, args.priorite)
    wanted = args.indicateur or filtres.DEFAULT_INDICATOR
    indicator = next((i for i in items if i.id == wanted), items[0] if items else None)
    chosen = filtres.Filtres(phase, args.priorite, choices[args.priorite], indicator)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        result = territoire.fiche(reader, chosen, ti)
    except ExportError as exc:
        print(f"Échec de la fiche : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Échec de la fiche : écriture ou lecture impossible ({exc.strerror or exc}).", file=sys.stderr)
        return 1
    document = (result.docx_name, result.docx) if args.format == "docx" else (result.pdf_name, result.pdf)
    for name, content in (document, (result.zip_name, result.zip)):
        (out / name).write_bytes(content)
        print(f"  {out / name} ({len(content) / 1000:.0f} Ko)")
    print(f"Fiche de {ti} (phase {phase}, {result.pages} pages) en {time.perf_counter() - start:.1f} s")
    return 0


def _failed(args: argparse.Namespace, what: str, exc: Exception, db_file: Path) -> int:
    print(f"{what} : {exc}", file=sys.stderr)
    print("La base précédente est conservée." if db_file.exists() else "Aucune base n'a été écrite.", file=sys.stderr)
    _say(args, {"erreur": str(exc)})
    return 1


def _import(args: argparse.Namespace) -> int:
    from relance import db, fmt, listes
    from relance.construction import build
    from relance.errors import BuildError, ListeError, SourceError

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : {path}", file=sys.stderr)
        _say(args, {"erreur": f"fichier introuvable : {path.name}"})
        return 2
    raw, db_file = config.raw_dir(args.raw), config.db_path(args.db)
    name = args.nom or path.name
    try:
        parsed, import_id, new = build.import_list(path.read_bytes(), name, raw, db_file)
    except ListeError as exc:
        return _failed(args, "Import refusé", exc, db_file)
    except (SourceError, BuildError) as exc:
        return _failed(args, "Échec de la construction", exc, db_file)
    except Exception as exc:  # a full disk, a damaged file: said in French, details in the exception text
        return _failed(args, "Échec de l'import (erreur inattendue)", exc, db_file)
    print(f"{name} : {listes.FORMAT_LABELS[parsed.format]}, "
          f"{fmt.compte(len(parsed.rows), 'projet lisible', 'projets lisibles')}, "
          f"{fmt.compte(len(parsed.rejects), 'ligne rejetée', 'lignes rejetées')}")
    for line, reason in parsed.rejects:
        print(f"  ligne {line} rejetée : {reason}")
    for warning in parsed.warnings:
        print(f"  attention : {warning}")
    if not new:
        print(f"Déjà importé (import {import_id}) : rien n'est dupliqué.")
    else:
        print(f"Import {import_id} enregistré, base reconstruite.")
        con = db.connect(db_file)
        for row in db.run(con, "import_resume", import_id=import_id).itertuples():
            print(f"  placement {row.confiance} : {row.projets} projets, dont {row.dans_territoire} dans un "
                  "territoire de la phase 2")
        con.close()
    _say(args, {"import_id": import_id, "nouveau": new})
    return 0


def _imports(args: argparse.Namespace) -> int:
    from relance.construction import build, imports
    from relance.errors import BuildError, ListeError, SourceError

    raw, db_file = config.raw_dir(args.raw), config.db_path(args.db)
    if args.remove:
        try:
            build.remove_list(args.remove, raw, db_file)
        except ListeError as exc:
            print(f"{exc}", file=sys.stderr)
            _say(args, {"erreur": str(exc)})
            return 2
        except (SourceError, BuildError) as exc:
            return _failed(args, "Échec de la construction", exc, db_file)
        except Exception as exc:  # a full disk, a damaged file: said in French, details in the exception text
            return _failed(args, "Échec du retrait (erreur inattendue)", exc, db_file)
        print(f"Import {args.remove} retiré, base reconstruite.")
        _say(args, {"retire": args.remove})
        return 0
    items = imports.stored(imports.imports_dir(db_file))
    if not items:
        print("Aucune liste de projets importée.")
    for item in items:
        print(f"{item['import_id']}  {item['importe_le']}  {item['format']:<6} {item['fichier']}")
    return 0


def _verifier(args: argparse.Namespace) -> int:
    from relance.construction import build
    from relance.errors import BuildError, SourceError

    raw, db_file = config.raw_dir(args.raw), config.db_path(args.db)
    try:
        done = build.reconcile(raw, db_file)
    except (SourceError, BuildError, OSError) as exc:
        print(f"Vérification impossible : {exc}", file=sys.stderr)
        return 1
    for line in done:
        print(f"  {line}")
    print("Listes et base en accord." if not done else f"{len(done)} correction(s) faite(s).")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from relance.construction import sync

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


def _extrait(args: argparse.Namespace) -> int:
    from relance.construction import extrait

    raw = config.raw_dir(args.raw)
    out = Path(args.sortie)
    if out.resolve() == raw.resolve() or raw.resolve() in out.resolve().parents:
        print(f"Échec : le dossier de l'extrait ({out}) ne peut pas être dans les données brutes ({raw})",
              file=sys.stderr)
        return 1
    try:
        mark = extrait.couper(raw, out)
    except (OSError, KeyError, ValueError) as exc:
        print(f"Échec de l'extrait : {exc}", file=sys.stderr)
        return 1
    print(f"Extrait des départements {', '.join(mark['departements'])} écrit dans {out} "
          f"({len(mark['fichiers'])} fichiers) ; territoires : phase 1 {', '.join(mark['territoires']['ti_phase1'])}, "
          f"phase 2 {', '.join(mark['territoires']['ti_phase2'])}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m relance`."""
    parser = argparse.ArgumentParser(prog="python -m relance", description="Relance & Territoires")
    commands = parser.add_subparsers(dest="command", required=True)
    raw_help = "répertoire des données brutes (défaut : $RELANCE_RAW ou ../shared/data/raw)"
    db_help = "fichier de base (défaut : $RELANCE_DB ou data/relance.duckdb)"
    build = commands.add_parser("build", help="construit la base DuckDB à partir des données brutes")
    build.add_argument("--raw", help=raw_help)
    build.add_argument("--db", help=db_help)
    build.set_defaults(func=_build)
    fiche = commands.add_parser("fiche", help="écrit la fiche territoire (PDF ou Word) et ses graphiques (ZIP)")
    fiche.add_argument("ti_id", metavar="TI_ID", help="identifiant du territoire, ex. ti-2706")
    fiche.add_argument("--phase", required=True, help="phase du programme : 1 ou 2")
    fiche.add_argument("--out", required=True, help="répertoire où écrire la fiche et le ZIP")
    fiche.add_argument("--format", choices=("pdf", "docx"), default="pdf",
                       help="pdf (défaut) ou docx (Word, modifiable) ; le ZIP contient les deux")
    fiche.add_argument("--db", help=db_help)
    fiche.add_argument("--priorite", default="toutes", help="priorité des indicateurs (défaut : toutes)")
    fiche.add_argument("--indicateur", help="indicateur du graphique (défaut : entreprises industrielles aidées)")
    fiche.set_defaults(func=_fiche)
    imp = commands.add_parser("import", help="importe une liste de projets (DGE ou liste de l'équipe)")
    imp.add_argument("file", metavar="FILE", help="fichier CSV ou XLSX")
    imp.add_argument("--nom", help="nom de la liste tel qu'il sera affiché (défaut : le nom du fichier)")
    imp.add_argument("--db", help=db_help)
    imp.add_argument("--raw", help=raw_help)
    imp.add_argument("--json", action="store_true", help="imprime aussi le résultat en JSON (dernière ligne)")
    imp.set_defaults(func=_import)
    lst = commands.add_parser("imports", help="liste (ou supprime) les listes de projets importées")
    lst.add_argument("--remove", metavar="IMPORT_ID", help="supprime cet import et reconstruit la base")
    lst.add_argument("--db", help=db_help)
    lst.add_argument("--raw", help=raw_help)
    lst.add_argument("--json", action="store_true", help="imprime aussi le résultat en JSON (dernière ligne)")
    lst.set_defaults(func=_imports)
    ver = commands.add_parser("verifier", help="met d'accord les listes gardées et la base après une interruption")
    ver.add_argument("--db", help=db_help)
    ver.add_argument("--raw", help=raw_help)
    ver.set_defaults(func=_verifier)
    syn = commands.add_parser("sync", help="remplit le répertoire des données brutes depuis les origines")
    syn.add_argument("--raw", help=raw_help)
    syn.add_argument("--manifest", help="manifeste des origines (défaut : relance/reference/sync_manifest.csv)")
    syn.add_argument("--timeout", type=float, default=60, help="délai réseau par fichier, en secondes")
    syn.set_defaults(func=_sync)
    ext = commands.add_parser("extrait", help="coupe un petit extrait réel des données brutes (tests rapides)")
    ext.add_argument("sortie", metavar="DOSSIER", help="dossier où écrire l'extrait (vidé d'abord)")
    ext.add_argument("--raw", help=raw_help)
    ext.set_defaults(func=_extrait)
    serve = commands.add_parser("serve", help="ouvre le tableau de bord (streamlit run dashboard.py)")
    serve.set_defaults(func=None)
    multi = commands.add_parser("multi", help="plusieurs processus du tableau de bord derrière HAProxy "
                                                  "(docs/echelle.md)")
    multi.add_argument("--processus", type=int, default=None,
                       help="nombre de processus (défaut : un par cœur que ce processus peut utiliser)")
    multi.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501),
                       help="port d'écoute de HAProxy (défaut : $PORT ou 8501)")
    multi.add_argument("--adresse", default="127.0.0.1",
                       help="adresse d'écoute (défaut : 127.0.0.1, cette machine seulement ; 0.0.0.0 : le réseau)")
    multi.set_defaults(func=None)
    args, rest = parser.parse_known_args(argv)
    if args.command == "serve":
        from relance.app import serve as serve_app

        return serve_app(rest)
    if args.command == "multi":  # what follows the options goes to each process (e.g. --server.allowedHosts NOM)
        from relance import multi as several

        return several.main(args.processus, args.port, args.adresse, rest)
    if rest:
        parser.error(f"arguments inconnus : {' '.join(rest)}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
