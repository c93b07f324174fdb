"""The sync command against a local HTTP server on 127.0.0.1 serving files the tests write."""

from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from relance.construction import sync

FILES = {
    "a/ti.geojson": b'{"type": "FeatureCollection", "features": []}' * 200,
    "b/valeurs.csv": b"code;valeur\n01;1,5\n" * 500,
}


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves FILES with Range support; the first request for `cut/` paths stops halfway."""

    cut_once: ClassVar[set[str]] = set()

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.lstrip("/")
        cut = name.startswith("cut/")
        name = name.removeprefix("cut/")
        if name not in FILES:
            self.send_error(404)
            return
        body = FILES[name]
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if cut and name not in Handler.cut_once:
            Handler.cut_once.add(name)
            self.wfile.write(body[start:start + (len(body) - start) // 2])
            self.wfile.flush()
            self.connection.close()  # the connection drops halfway
            return
        self.wfile.write(body[start:])


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    Handler.cut_once = set()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_sync_fetches_checks_and_records(server, tmp_path):
    entries = [sync.Entry(name, f"{server}/{name}", sha(body)) for name, body in FILES.items()]
    entries.append(sync.Entry("c/liste.csv", f"{server}/b/valeurs.csv", None))  # not fixed: no SHA-256
    statuses = sync.sync(tmp_path, entries, report=lambda _: None)
    assert set(statuses.values()) == {"téléchargé"}
    assert (tmp_path / "a/ti.geojson").read_bytes() == FILES["a/ti.geojson"]
    log = (tmp_path / "SYNC.json").read_text(encoding="utf-8")
    assert "a/ti.geojson" in log and '"date"' in log
    # A second run fetches nothing: the files match their SHA-256.
    assert set(sync.sync(tmp_path, entries, report=lambda _: None).values()) == {"à jour"}


def test_interrupted_download_resumes_and_never_leaves_a_half_file(server, tmp_path):
    body = FILES["a/ti.geojson"]
    entries = [sync.Entry("a/ti.geojson", f"{server}/cut/a/ti.geojson", sha(body))]
    with pytest.raises(sync.SyncError, match="interrompu"):
        sync.sync(tmp_path, entries, report=lambda _: None)
    assert not (tmp_path / "a/ti.geojson").exists()
    part = tmp_path / "a/ti.geojson.part"
    assert 0 < part.stat().st_size < len(body)
    assert sync.sync(tmp_path, entries, report=lambda _: None) == {"a/ti.geojson": "téléchargé"}
    assert (tmp_path / "a/ti.geojson").read_bytes() == body
    assert not part.exists()


def test_wrong_checksum_is_refused(server, tmp_path):
    entries = [sync.Entry("b/valeurs.csv", f"{server}/b/valeurs.csv", "0" * 64)]
    with pytest.raises(sync.SyncError, match="SHA-256"):
        sync.sync(tmp_path, entries, report=lambda _: None)
    assert not (tmp_path / "b/valeurs.csv").exists()
    assert not (tmp_path / "b/valeurs.csv.part").exists()


def test_missing_file_on_server(server, tmp_path):
    with pytest.raises(sync.SyncError, match="HTTP 404"):
        sync.sync(tmp_path, [sync.Entry("x.csv", f"{server}/x.csv", None)], report=lambda _: None)


@pytest.mark.france_entiere
def test_recorded_manifest_covers_every_raw_file(raw_dir):
    entries = {e.fichier: e for e in sync.manifest()}
    sums = (raw_dir.parent / "SHA256SUMS").read_text(encoding="utf-8").split("\n")
    recorded = {line.split(None, 1)[1].strip().removeprefix("./"): line.split()[0] for line in sums if line.strip()}
    # Every fixed raw file has its origin and SHA-256 (the hand-transcribed DGE extract has no origin file).
    missing = set(recorded) - set(entries) - {"dge-plan-de-relance-extrait/plan-de-relance-extrait.csv"}
    assert not missing
    # The whole DGE list is a verified transcription: its SHA-256 is ours, not the publisher's export's, so sync
    # fetches that export without a fixed checksum.
    assert entries["dge-plan-de-relance/plan-de-relance.csv"].sha256 is None
    assert all(entries[name].sha256 == digest for name, digest in recorded.items()
               if name in entries and entries[name].sha256 is not None)


def test_command_line(server, tmp_path, capsys):
    from relance.__main__ import main

    manifest = tmp_path / "manifest.csv"
    body = FILES["b/valeurs.csv"]
    manifest.write_text(f"fichier;origine;sha256\nb/valeurs.csv;{server}/b/valeurs.csv;{sha(body)}\n",
                        encoding="utf-8")
    raw = tmp_path / "raw"
    assert main(["sync", "--raw", str(raw), "--manifest", str(manifest)]) == 0
    assert "1 téléchargés" in capsys.readouterr().out
    assert Path(raw / "b/valeurs.csv").read_bytes() == body
