"""Errors that carry a French message for users, shared by the build and the dashboard."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A raw file is missing, malformed or holds an unexpected value: the message names the file and the row."""

    def __init__(self, path: Path | str, message: str, row: int | str | None = None):
        self.path = str(path)
        self.row = row
        self.detail = message
        where = f"{self.path}" + (f", {row}" if row is not None else "")
        super().__init__(f"{where} : {message}")


class BuildError(Exception):
    """A check of the assembled data failed; the previous database is kept."""


class ListeError(Exception):
    """A whole project list cannot be read (format, size, missing columns)."""


class DatabaseMissing(Exception):
    """The database file does not exist yet (run `python -m relance build`)."""
