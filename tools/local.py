"""`make local`, `make local-down` and `make diff`: TAP VPC on the local AWS emulator.

``up`` starts (or reuses) this folder's emulator on loopback, bootstraps it, then deploys
TapVpcStack-<suffix> through the same synth-and-deploy path as `make deploy`, and the example
consumer. It writes cfn-outputs/flat-outputs.json and prints the outputs. Running it again after a
settings change updates the stacks in place. One `make local` at a time runs per folder.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from examples.consumer.consumer_app import consumer_stack_name
from tap_vpc.config import TapVpcConfig
from tools import emulator
from tools.cdk_cli import CONSUMER_APP, context_args
from tools.deploy import (
    EMULATOR_DEFAULT_ACCOUNT,
    Target,
    assembly_dir,
    bootstrap_emulator,
    cdk_diff,
    deploy,
    deploy_stack,
    synth,
)
from tools.project import ROOT, ToolError, config_for, run_cli

STATE_DIR = ROOT / ".local"
OUTPUTS_DIR = ROOT / "cfn-outputs"
DEFAULT_PORT = 4599


def emulator_context(suffix: str) -> dict[str, str]:
    """The ``-c`` values of the emulator target for ``suffix``."""
    return {"environmentSuffix": suffix.strip()}


def ensure_emulator(port: int, state_dir: Path = STATE_DIR) -> emulator.Emulator:
    """Reuse the emulator this folder started on ``port``, or start one in the background."""
    server = emulator.Emulator(port)
    record_file = emulator.pid_file(state_dir, port)
    server_record = emulator.read_record(record_file)
    if server_record is not None and server_record.mismatch() is None and server.is_up():
        print(f"emulator: reusing moto server at {server.endpoint} (pid {server_record.pid})")
        return server
    if server.is_up():
        raise ToolError(
            f"an emulator answers at {server.endpoint}, but this folder did not start it; stop it where it "
            "was started, or choose another port with TAP_VPC_EMULATOR_PORT=NNNN"
        )
    log = state_dir / f"emulator-{port}.log"
    process = emulator.start(port, log)
    emulator.record(process, port, record_file)
    print(f"emulator: started moto server at {server.endpoint} (pid {process.pid}, log {log.relative_to(ROOT)})")
    return server


def deploy_to_emulator(
    server: emulator.Emulator, context: dict[str, str], state_dir: Path, *, quiet: bool = False
) -> tuple[TapVpcConfig, dict[str, str], dict[str, str]]:
    """Bootstrap ``server``, deploy TapVpcStack and the example consumer with ``-c context``.

    The templates are the AWS templates, byte for byte. Returns the config, and both stacks' outputs.
    The producer goes through `make deploy`'s synth and deploy; the emulator is disposable, so no
    destructive-change gate stands in the way of the local loop.
    """
    config = config_for(**context)
    target = Target(server, quiet=quiet)
    bootstrap_emulator(config, target)
    assembly = assembly_dir(config)
    synth(config, context, target, assembly)
    producer = deploy(config, target, assembly, "never", state_dir / "producer-outputs.json")
    consumer_stack = consumer_stack_name(config.environment_suffix)
    # The consumer knows the producer only by what another team would pass: suffix, AZs, account, region.
    consumer_context = {
        "environmentSuffix": config.environment_suffix,
        "azCount": str(config.az_count),
        "account": config.account or EMULATOR_DEFAULT_ACCOUNT,
        "region": config.region,
    }
    consumer = deploy_stack(
        config,
        target,
        consumer_stack,
        ["--app", CONSUMER_APP, "--output", "cdk.consumer.out", *context_args(consumer_context)],
        "never",
        state_dir / "consumer-outputs.json",
        # Another team's app would import the installed tap-vpc package; here the repository stands in for it.
        extra_env={"PYTHONPATH": str(ROOT)},
    )
    return config, producer, consumer


def up(suffix: str, port: int) -> dict[str, str]:
    """Deploy producer and consumer to this folder's emulator; return the producer's flat outputs."""
    config_for(**emulator_context(suffix))  # bad settings stop here, before an emulator starts
    with emulator.folder_lock(STATE_DIR):
        server = ensure_emulator(port)
        config, outputs, consumer = deploy_to_emulator(server, emulator_context(suffix), STATE_DIR)
    OUTPUTS_DIR.mkdir(exist_ok=True)
    (OUTPUTS_DIR / "flat-outputs.json").write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n")
    print_table(config.stack_name, outputs)
    print_table(consumer_stack_name(config.environment_suffix), consumer)
    print(f"\nwrote {OUTPUTS_DIR.relative_to(ROOT) / 'flat-outputs.json'}; stop the emulator with `make local-down`")
    return outputs


def print_table(title: str, outputs: dict[str, str]) -> None:
    """Print ``outputs`` as a two-column table."""
    width = max(len(key) for key in outputs)
    print(f"\n{title} outputs")
    print(f"{'OutputKey'.ljust(width)}  Value")
    print(f"{'-' * width}  {'-' * 40}")
    for key in sorted(outputs):
        print(f"{key.ljust(width)}  {outputs[key]}")


def diff(suffix: str, port: int) -> None:
    """`cdk diff` of the local stack against what `make local` deployed; differences exit 1."""
    context = emulator_context(suffix)
    config = config_for(**context)
    server = emulator.Emulator(port)
    if not server.is_up():
        raise ToolError(f"no emulator answers at {server.endpoint}: run `make local` first")
    if cdk_diff(config, Target(server), [config.stack_name, "--method=template", "--fail", *context_args(context)]):
        raise ToolError(f"{config.stack_name} differs from what `make local` deployed (the diff is above)")


def port_from_environment() -> int:
    """TAP_VPC_EMULATOR_PORT, or 4599; anything but a port number is a ``ToolError``."""
    raw = os.environ.get("TAP_VPC_EMULATOR_PORT", str(DEFAULT_PORT))
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ToolError(f"TAP_VPC_EMULATOR_PORT must be a port number (1-65535), got {raw!r}")
    return int(raw)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.local {up,down,diff}``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "diff"])
    parser.add_argument("--suffix", default=os.environ.get("ENVIRONMENT_SUFFIX", "dev"))
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    port = args.port or port_from_environment()
    STATE_DIR.mkdir(exist_ok=True)
    if args.command == "up":
        up(args.suffix, port)
    elif args.command == "diff":
        diff(args.suffix, port)
    else:
        print(emulator.stop(STATE_DIR, port))


if __name__ == "__main__":
    run_cli(main, "local")
