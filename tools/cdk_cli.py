"""Run the pinned CDK CLI (node_modules/.bin/cdk on Node 22), with failures as one-line ``ToolError``s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tools.project import ROOT, ToolError

NODE_BIN = ROOT / "node_modules" / ".bin"
CONSUMER_APP = ".venv/bin/python consumer_app.py"
#: The exit code ``cdk diff --fail-on`` uses for "the diff has such changes".
DIFF_FOUND = 1


def cdk_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The process environment for the CLI: ours, Node 22 first on PATH, no telemetry, plus ``env``."""
    return {
        **os.environ,
        "PATH": f"{NODE_BIN}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        **env,
    }


def cdk(
    args: Sequence[str], env: Mapping[str, str], *, capture: bool = False, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``cdk args`` from the project root with ``env`` added and stdin closed.

    stdin is closed so the CLI can never wait for an answer: a prompt it would need is a failure.
    A non-zero exit raises ``ToolError`` naming the command (the CLI printed the details above),
    unless ``check`` is False.
    """
    result = subprocess.run(
        ["cdk", *args],
        cwd=ROOT,
        env=cdk_environment(env),
        check=False,
        text=True,
        capture_output=capture,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    if check and result.returncode != 0:
        detail = f":\n{result.stderr.strip()[-2000:]}" if capture and result.stderr else "; its output is above"
        raise ToolError(f"`cdk {args[0]}` failed (exit {result.returncode}){detail}")
    return result


def context_args(context: Mapping[str, str]) -> list[str]:
    """``-c key=value`` arguments for each entry of ``context``."""
    return [arg for key, value in context.items() for arg in ("-c", f"{key}={value}")]


def read_outputs(outputs_file: Path, stack: str) -> dict[str, str]:
    """``{OutputKey: value}`` of ``stack`` from a ``cdk deploy --outputs-file``."""
    outputs: dict[str, str] = json.loads(outputs_file.read_text())[stack]
    return outputs
