#!/usr/bin/env bash
# Relance & Territoires — one script for a fresh machine.
#   ./run.sh          install, build the database from the raw open data, open the dashboard
#   ./run.sh test     install (Chromium included) and run every test
#   ./run.sh multi    as ./run.sh, with one dashboard process per core behind HAProxy (installed when missing;
#                     docs/echelle.md); ./run.sh and ./run.sh test stay one process and install no proxy
# Settings: RELANCE_RAW (raw data, default ../shared/data/raw), RELANCE_DB (default data/relance.duckdb),
#           PORT (dashboard port, default 8501), PYTHON (interpreter for the virtualenv, default python3).
set -euo pipefail
cd "$(dirname "$0")"

venv() {
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
  fi
  local want stamp=.venv/.requirements.sha256
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "Installation des dépendances Python (requirements.txt)…"
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" > "$stamp"
  fi
}

debian_package() {
  # A Debian package (never a downloaded program), installed when its command is missing: debian_package NAME COMMAND
  if command -v "$2" >/dev/null 2>&1 || [ -x "/usr/sbin/$2" ]; then return 0; fi
  echo "Installation de $1 (paquet Debian $1)…"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$1"
}

chromium_installed() {
  debian_package chromium chromium  # for the browser tests and static exports
}

database() {
  raw="${RELANCE_RAW:-../shared/data/raw}"
  if [ ! -d "$raw" ]; then
    echo "Données brutes absentes ($raw) : téléchargement depuis les origines (python -m relance sync)…"
    .venv/bin/python -m relance sync --raw "$raw" || echo "Synchronisation incomplète (hors ligne ?)." >&2
  fi
  # an import or a removal cut short (power, kill, full disk) is finished or undone first
  .venv/bin/python -m relance verifier || true
  if ! .venv/bin/python -m relance build; then
    if [ -f "${RELANCE_DB:-data/relance.duckdb}" ]; then
      echo "La construction a échoué : le tableau de bord s'ouvre sur la base précédente." >&2
    else
      exit 1
    fi
  fi
}

haproxy_installed() {
  debian_package haproxy haproxy  # for ./run.sh multi
}

case "${1:-run}" in
  run)
    venv
    database
    exec .venv/bin/python -m relance serve --server.port "${PORT:-8501}"
    ;;
  multi)
    shift
    venv
    haproxy_installed
    database
    exec .venv/bin/python -m relance multi --port "${PORT:-8501}" "$@"
    ;;
  test)
    shift
    venv
    chromium_installed
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh [run|test [pytest options]|multi [--processus N] [--adresse 0.0.0.0]]" >&2
    exit 2
    ;;
esac
