"""The code base stays `ruff check` clean (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from relance import config


def test_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=config.REPO_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
