"""Shared fixtures: the database is built once per session from the real raw data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from relance import build, config, db


@pytest.fixture(scope="session", autouse=True)
def _no_legacy_pages_mode():
    """As `python -m relance serve` does: Streamlit's v1 `pages/` mode off before any app runs."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = config.raw_dir()
    if not path.is_dir():
        pytest.fail(f"raw data directory missing: {path} (set RELANCE_RAW)")
    return path


@pytest.fixture(scope="session")
def built_db(raw_dir, tmp_path_factory) -> Path:
    """Build the real database once, in a temporary folder, with the two sample project lists imported."""
    from relance import projets

    path = tmp_path_factory.mktemp("db") / "relance.duckdb"
    fixtures = Path(__file__).parent / "fixtures"
    for name in ("dge_echantillon.csv", "liste_equipe.csv"):
        content = (fixtures / name).read_bytes()
        projets.store(projets.parse(content, name), content, projets.imports_dir(path), "2026-11-23")
    build.build(raw_dir, path)
    os.environ["RELANCE_DB"] = str(path)
    return path


@pytest.fixture(scope="session")
def con(built_db):
    connection = db.connect(built_db)
    yield connection
    connection.close()


@pytest.fixture
def raw_copy(raw_dir, tmp_path) -> callable:
    """A raw directory made of links to the real files, where one file can be replaced."""

    def mirror(source: Path, target: Path, parts: tuple[str, ...]) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for entry in source.iterdir():
            if parts and entry.name == parts[0]:
                if len(parts) > 1:
                    mirror(entry, target / entry.name, parts[1:])
            else:
                (target / entry.name).symlink_to(entry)

    def make(relative: str, content: bytes | None) -> Path:
        root = tmp_path / "raw"
        mirror(raw_dir, root, Path(relative).parts)
        if content is not None:
            (root / relative).write_bytes(content)
        return root

    return make


@pytest.fixture
def good_db(built_db, tmp_path) -> Path:
    """A copy of the good database, to check that a failed build leaves it untouched."""
    path = tmp_path / "previous.duckdb"
    shutil.copy(built_db, path)
    return path
