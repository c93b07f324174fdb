"""`python -m relance sync`: fill the raw directory from the origins recorded in PROVENANCE.md.

Each file comes from its origin (a repository file at its recorded commit, a package at its version,
the DGE project list from its publisher's export), is checked against its recorded SHA-256 when the
file is fixed, and only then takes its final name: a download in progress lives in `<name>.part` and
resumes from where it stopped (HTTP Range). What was fetched, from where and when is written to
`SYNC.json` in the raw directory.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent.parent / "reference" / "sync_manifest.csv"
CHUNK = 1 << 16


class SyncError(Exception):
    """A file could not be fetched or did not match its recorded SHA-256 (message in French)."""


@dataclass(frozen=True)
class Entry:
    """One file of the raw directory and where it comes from."""

    fichier: str
    origine: str  # an http(s) URL, or npm:<package>@<version>:<path in the package>
    sha256: str | None  # None when the file is not fixed (the publisher's export changes)


def manifest(path: Path = MANIFEST) -> list[Entry]:
    """The recorded origins and SHA-256 of every raw file."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return [Entry(r["fichier"], r["origine"], r["sha256"] or None) for r in rows]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, part: Path, timeout: float) -> None:
    """Download into `part`, resuming after its current size when the server allows it."""
    start = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "relance-territoires-sync"})  # noqa: S310
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (recorded origins)
            mode = "ab" if start and response.status == 206 else "wb"
            with open(part, mode) as out:
                while True:
                    block = response.read(CHUNK)
                    if not block:
                        break
                    out.write(block)
                    out.flush()
            expected = response.headers.get("Content-Length")
            written = part.stat().st_size - (start if mode == "ab" else 0)
            if expected is not None and written < int(expected):
                raise SyncError(f"{url} : téléchargement interrompu ({written} octets sur {expected})")
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # already complete
            return
        raise SyncError(f"{url} : erreur HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise SyncError(f"{url} : téléchargement interrompu ({exc}) ; relancez pour reprendre") from exc


def _from_npm(origin: str, part: Path) -> None:
    """Take one file out of a package fetched with the ordinary `npm pack` client."""
    _, spec, inner = origin.split(":", 2)
    if not shutil.which("npm"):
        raise SyncError(f"{spec} : npm est introuvable (paquet Debian « npm »)")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(["npm", "pack", spec, "--silent"], cwd=folder, capture_output=True,
                                text=True, check=False, timeout=300)
        if result.returncode != 0:
            raise SyncError(f"{spec} : npm pack a échoué ({result.stderr.strip()[:200]})")
        tarball = next(Path(folder).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(f"package/{inner}")
            if member is None:
                raise SyncError(f"{spec} : {inner} absent du paquet")
            with open(part, "wb") as out:
                shutil.copyfileobj(member, out)


def sync(raw: Path, entries: list[Entry] | None = None, timeout: float = 60,
         report: Callable[[str], None] = print) -> dict[str, str]:
    """Fetch what is missing or wrong in `raw`; return {file: status}. Raises SyncError on the first failure
    after recording what was done."""
    raw = Path(raw)
    raw.mkdir(parents=True, exist_ok=True)
    log_path = raw / "SYNC.json"
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else {}
    statuses: dict[str, str] = {}
    try:
        for entry in entries if entries is not None else manifest():
            target = raw / entry.fichier
            if target.exists() and (entry.sha256 is None or sha256_of(target) == entry.sha256):
                statuses[entry.fichier] = "à jour"
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(target.name + ".part")
            if entry.origine.startswith("npm:"):
                _from_npm(entry.origine, part)
            else:
                _download(entry.origine, part, timeout)
            digest = sha256_of(part)
            if entry.sha256 and digest != entry.sha256:
                part.unlink()
                raise SyncError(f"{entry.fichier} : SHA-256 {digest[:12]}… au lieu de {entry.sha256[:12]}… "
                                f"(origine {entry.origine}) ; fichier écarté")
            os.replace(part, target)
            log[entry.fichier] = {"origine": entry.origine, "sha256": digest,
                                  "date": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
            statuses[entry.fichier] = "téléchargé"
            report(f"  {entry.fichier} : téléchargé")
    finally:
        tmp = log_path.with_name("SYNC.json.part")
        tmp.write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, log_path)
    return statuses
