"""The commands that change the project lists (a child process runs `python -m relance import` or
`imports --remove`: the one place where a list and the database change together), and what a session keeps of an
uploaded file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from relance import config


def session_cached(slot: str, key, make: Callable, *args):
    """`make(*args)` once per `key` in this session (an uploaded file is parsed once, not on every rerun);
    a failure is cached too, and raised again."""
    held = st.session_state.get(f"_cache_{slot}")
    if held is None or held[0] != key:
        try:
            held = (key, make(*args), None)
        except Exception as exc:  # kept to be raised again on the next rerun, without parsing again
            held = (key, None, exc)
        st.session_state[f"_cache_{slot}"] = held
    if held[2] is not None:
        raise held[2]
    return held[1]


class CommandFailed(Exception):
    """A list command failed; the message (French) says why, the previous database stays."""


def _command(args: list[str]) -> dict:
    """Run `python -m relance …` with `--json` in a child process; its result, or CommandFailed."""
    result = subprocess.run([sys.executable, "-m", "relance", *args, "--json"], capture_output=True, text=True,
                            timeout=900, cwd=config.REPO_ROOT, env={**os.environ}, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    outcome = json.loads(lines[-1]) if lines else {}
    if result.returncode != 0 or "erreur" in outcome:
        raise CommandFailed(outcome.get("erreur") or (result.stderr.strip().splitlines() or ["erreur inconnue"])[-1])
    return outcome


def save_list(content: bytes, name: str) -> tuple[str, bool]:
    """Keep an uploaded list and rebuild the database with it (import id, False when it was there already)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("liste.xlsx" if content[:4] == b"PK\x03\x04" else "liste.csv")
        path.write_bytes(content)
        outcome = _command(["import", str(path), f"--nom={name}"])  # a name starting with « - » is no option
    return outcome["import_id"], outcome["nouveau"]


def remove_list(import_id: str) -> None:
    """Forget a list and rebuild the database without it."""
    _command(["imports", "--remove", import_id])
