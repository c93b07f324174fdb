"""Shared fixtures: the real database is built once per test session; tests that only read share it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from relance import config, db, listes
from relance.construction import build, imports

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_LISTS = ("dge_echantillon.csv", "liste_equipe.csv")


def pytest_generate_tests(metafunc):
    """Two perimeters of the same real data (as PUDL keeps fast and full row counts): a test marked
    `france_entiere` reads the whole raw data and the base built from it; every other test reads the extract of
    three départements (`relance.construction.extrait`, cut once per run) and the base built from it, checked by
    its own expected counts. The perimeter is a session-wide parameter, so each base is built once."""
    if "perimetre" in metafunc.fixturenames:
        france = metafunc.definition.get_closest_marker("france_entiere") is not None
        metafunc.parametrize("perimetre", ["france" if france else "extrait"], indirect=True, scope="session")


def pytest_collection_modifyitems(items):
    """The extract's tests first, then those of all of France, then Chromium's (each group in its files' order):
    the pytest-xdist worker that reaches a test of all of France first builds its base while the other still runs
    the extract's tests, instead of both waiting on it (about 9 s of a core)."""
    def group(item) -> int:
        if item.get_closest_marker("browser"):
            return 2
        return 1 if item.get_closest_marker("france_entiere") else 0

    items.sort(key=group)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report kept on the test (`item.rapport_call`…), for fixtures that act on the outcome (the
    Chromium tab a failed test leaves behind is not given to the next)."""
    report = yield
    setattr(item, f"rapport_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def perimetre(request) -> str:
    return request.param


# Counts pinned from the raw files for each perimeter (PROVENANCE 1a and 1b; the extract's from its three
# départements: the territories whose members all lie in them).
ATTENDU = {
    "france": {"territoires": {1: 149, 2: 183}, "departements": 101, "membres": {1: 588, 2: 641}},
    "extrait": {"territoires": {1: 3, 2: 3}, "departements": 3, "membres": {1: 14, 2: 18}},
}


@pytest.fixture(scope="session")
def attendu(perimetre) -> dict:
    return ATTENDU[perimetre]


@pytest.fixture(autouse=True)
def _base_of_the_test(request, monkeypatch):
    """A test that reads a base (directly or through the app) gets its perimeter's: RELANCE_DB is set per test, as
    both bases live in one run."""
    if "built_db" in request.fixturenames:
        monkeypatch.setenv("RELANCE_DB", str(request.getfixturevalue("built_db")))


def _shared(tmp_path_factory) -> Path:
    """The folder the pytest-xdist workers share (what one builds under a lock, the others read)."""
    shared = tmp_path_factory.getbasetemp()
    return shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared


@pytest.fixture(scope="session")
def raw_dir(perimetre, tmp_path_factory) -> Path:
    """The raw data: whole for `france_entiere` tests, else the extract cut from it (once per run)."""
    import fcntl

    from relance.construction import extrait

    path = config.raw_dir()
    if not path.is_dir():
        pytest.fail(f"raw data directory missing: {path} (set RELANCE_RAW)")
    if perimetre == "france":
        return path
    shared = _shared(tmp_path_factory)
    out = shared / "extrait-brut"
    with open(shared / "extrait-brut.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / extrait.MARQUE).exists():
            extrait.couper(path, out)
    return out


@pytest.fixture(scope="session")
def built_db(perimetre, raw_dir, tmp_path_factory) -> Path:
    """The real database of the test's perimeter, built once per test run (the pytest-xdist workers share it, the
    first one builds it under a lock): every raw source, the DGE list, and the two sample lists imported. Tests
    only read it."""
    import fcntl

    shared = _shared(tmp_path_factory)
    path = shared / f"base-{perimetre}" / "relance.duckdb"
    path.parent.mkdir(exist_ok=True)
    with open(shared / f"base-{perimetre}.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            for name in SAMPLE_LISTS:
                content = (FIXTURES / name).read_bytes()
                import_id, _ = imports.store(listes.parse(content, name), content, imports.imports_dir(path),
                                             "2026-11-23")
                imports.finalise(imports.imports_dir(path), import_id)
            build.build(raw_dir, path)
    os.environ["RELANCE_DB"] = str(path)
    return path


@pytest.fixture(scope="session")
def con(built_db):
    connection = db.connect(built_db)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def reader(con) -> db.Reader:
    return db.reader(con)


@pytest.fixture(scope="session")
def run(reader):
    return reader.run


@pytest.fixture
def db_copy(built_db, tmp_path) -> Path:
    """A copy of the session database (and of its imported lists) that a test may change."""
    target = tmp_path / "copie" / "relance.duckdb"
    target.parent.mkdir()
    shutil.copyfile(os.path.realpath(built_db), target)
    shutil.copytree(imports.imports_dir(built_db), imports.imports_dir(target))
    return target


@pytest.fixture
def raw_copy(raw_dir, tmp_path) -> callable:
    """A raw directory made of links to the real files, where one file or folder can be replaced or left out."""

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


MAIN = "nb-entreprises-industrielles-agricoles"


@pytest.fixture(scope="session")
def make_filtres(run):
    """The filters a page would receive: `make_filtres(phase=1, priorite="toutes", indicateur=MAIN)`."""
    from relance.filtres import Filtres
    from relance.views import common

    def make(phase: int = 1, priorite: str = "toutes", indicateur: str | None = MAIN) -> Filtres:
        offered = common.indicateurs(run, priorite)
        indicator = next((i for i in offered if i.id == indicateur), offered[0] if offered else None)
        return Filtres(phase, priorite, common.priority_choices(run)[priorite], indicator)

    return make


@pytest.fixture
def empty_db(db_copy) -> Path:
    """A copy of the session database with no project source (as a build without the DGE list, the Cartofriches
    sites and any imported list would be)."""
    import duckdb

    con = duckdb.connect(str(db_copy))
    for (import_id,) in con.execute("select import_id from projet_import").fetchall():
        db.write(con, "retirer_liste", import_id=import_id)
    con.execute("delete from friche")
    con.execute("update source set present = false, lignes = 0 where cle in ('dge_liste', 'cartofriches_sites')")
    con.close()
    shutil.rmtree(imports.imports_dir(db_copy))
    return db_copy
