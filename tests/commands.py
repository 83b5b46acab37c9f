"""Run a user's command as a subprocess: from the project root, stdin closed, no AWS settings of the shell."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tools.project import ROOT

CLEAN_AWS = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}


def run(
    args: list[str], *, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` as a user would, without the shell's AWS_* settings; never raises on exit codes."""
    return subprocess.run(
        args,
        cwd=cwd,
        env={**CLEAN_AWS, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_message(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's message: asserts a non-zero exit, no traceback, and one line on stderr."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
