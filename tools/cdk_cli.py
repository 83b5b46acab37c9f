"""Run the pinned CDK CLI (node_modules/.bin/cdk on Node 22) against a target environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tap_vpc.config import TapVpcConfig
from tap_vpc.example_consumer import consumer_stack_name
from tools.emulator import EMULATOR_ACCOUNT, Emulator
from tools.project import ROOT, config_for

NODE_BIN = ROOT / "node_modules" / ".bin"
CONSUMER_APP = ".venv/bin/python consumer_app.py"


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


def context_args(context: Mapping[str, str]) -> list[str]:
    """``-c key=value`` arguments for each entry of ``context``."""
    return [arg for key, value in context.items() for arg in ("-c", f"{key}={value}")]


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
    cdk([*args, *context_args(context)], env, capture=quiet)
    outputs: dict[str, str] = json.loads(outputs_file.read_text())[stack]
    return outputs


def deploy_to_emulator(
    server: Emulator, context: Mapping[str, str], state_dir: Path, *, quiet: bool = False
) -> tuple[TapVpcConfig, dict[str, str], dict[str, str]]:
    """Bootstrap ``server``, then deploy TapVpcStack and the example consumer with ``-c context``.

    ``context`` must select ``deployTarget=emulator``. Returns the config the CLI built from
    cdk.json plus ``context``, and both stacks' outputs. ``quiet`` captures the CLI's output
    instead of printing it. Running it again updates the stacks in place.
    """
    config = config_for(**context)
    env = server.environment(config.region)
    cdk(["bootstrap", f"aws://{EMULATOR_ACCOUNT}/{config.region}"], env, capture=quiet)
    producer = deploy(
        config.stack_name, env=env, context=context, outputs_file=state_dir / "producer-outputs.json", quiet=quiet
    )
    consumer = deploy(
        consumer_stack_name(config.environment_suffix),
        env=env,
        context=context,
        outputs_file=state_dir / "consumer-outputs.json",
        consumer=True,
        quiet=quiet,
    )
    return config, producer, consumer
