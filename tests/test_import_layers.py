"""The background layer (outbox, emails, webhooks) imports no domain app, directly
or through another module: the contracts in pyproject.toml, checked by import-linter
on vetting's whole import graph (function-level imports included)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed tool
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
