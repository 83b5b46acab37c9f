"""Run the pinned CDK CLI (node_modules/.bin/cdk on Node 22) against a target environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"
CONSUMER_APP = "python3 consumer_app.py"


def cdk(args: Sequence[str], env: Mapping[str, str], *, capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``cdk args`` from the project root with ``env`` added; raise on a non-zero exit."""
    environment = {
        **os.environ,
        "PATH": f"{NODE_BIN}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        **env,
    }
    return subprocess.run(
        ["cdk", *args], cwd=ROOT, env=environment, check=True, text=True, capture_output=capture, timeout=900
    )


def deploy(
    stack: str,
    *,
    env: Mapping[str, str],
    context: Mapping[str, str],
    outputs_file: Path,
    consumer: bool = False,
    quiet: bool = False,
) -> dict[str, str]:
    """``cdk deploy --method=direct`` one stack and return its outputs as ``{OutputKey: value}``."""
    args = ["deploy", stack, "--method=direct", "--require-approval=never", "--outputs-file", str(outputs_file)]
    if consumer:
        args += ["--app", CONSUMER_APP, "--output", "cdk.consumer.out"]
    for key, value in context.items():
        args += ["-c", f"{key}={value}"]
    cdk(args, env, capture=quiet)
    outputs: dict[str, str] = json.loads(outputs_file.read_text())[stack]
    return outputs
