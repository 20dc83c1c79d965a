"""The house rules a tool can check: the layers contract (import-linter) and the types (mypy).

Both read their settings from pyproject.toml. A broken layer names the import that breaks it;
a type error names the file and line. They run as the tools run from a shell, so the tests
prove what a contributor sees.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_every_import_respects_the_layers() -> None:
    """cli > console > session|doctor > show > adapters|commands > report > metrics > store >
    ranking > transcript > tokens > config > platform|events > domain (pyproject.toml), and
    Textual, discord.py and twitchio only where they belong."""
    if shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    done = run("lint-imports", "--no-cache")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_types_check() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    done = run(sys.executable, "-m", "mypy", "--no-error-summary")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
