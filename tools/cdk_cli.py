"""Run the pinned CDK CLI (node_modules/.bin/cdk on Node 22), with failures as one-line ``ToolError``s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tools.project import ROOT, ToolError

NODE_BIN = ROOT / "node_modules" / ".bin"
CONSUMER_APP = ".venv/bin/python examples/consumer/consumer_app.py"
#: The exit code ``cdk diff --fail-on`` uses for "the diff has such changes".
DIFF_FOUND = 1
#: A CLI run that takes longer than this is stopped (seconds).
TIMEOUT_SECONDS = 900
#: How often a running CLI's target is checked for life (seconds).
WATCH_INTERVAL_SECONDS = 2.0


def cdk_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The process environment for the CLI: ours, Node 22 first on PATH, no telemetry, plus ``env``.

    ENVIRONMENT_SUFFIX is left out: the tools select an environment with ``-c environmentSuffix``
    only, and a synth without it must build the whole fleet whatever the caller's shell exports.
    """
    inherited = {name: value for name, value in os.environ.items() if name != "ENVIRONMENT_SUFFIX"}
    return {
        **inherited,
        "PATH": f"{NODE_BIN}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        **env,
    }


def cdk(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    capture: bool = False,
    check: bool = True,
    alive: Callable[[], bool] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``cdk args`` from the project root with ``env`` added and stdin closed.

    stdin is closed so the CLI can never wait for an answer: a prompt it would need is a failure.
    ``alive``, when given, is polled every few seconds; once it says False (the emulator died),
    the CLI is stopped instead of retrying a dead endpoint for a minute. A non-zero exit raises
    ``ToolError`` naming the command (the CLI printed the details above), unless ``check`` is False.
    """
    pipe = subprocess.PIPE if capture else None
    with subprocess.Popen(
        ["cdk", *args],
        cwd=ROOT,
        env=cdk_environment(env),
        stdin=subprocess.DEVNULL,
        stdout=pipe,
        stderr=pipe,
        text=True,
    ) as process:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            try:
                stdout, stderr = process.communicate(timeout=WATCH_INTERVAL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if (alive is not None and not alive()) or time.monotonic() > deadline:
                    process.terminate()
                    stdout, stderr = process.communicate()
                    break
    result = subprocess.CompletedProcess(["cdk", *args], process.returncode or 0, stdout, stderr)
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
