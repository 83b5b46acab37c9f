"""`make local`, `make local-down` and `make diff`: TAP VPC on a local AWS emulator.

``up`` starts (or reuses) the emulator on loopback, bootstraps it, deploys TapVpcStack-<suffix>
and the example consumer with the pinned CDK CLI, writes cfn-outputs/flat-outputs.json and prints
the outputs. Running it again updates the stacks in place.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tap_vpc.example_consumer import consumer_stack_name
from tools import emulator
from tools.cdk_cli import cdk, context_args, deploy_to_emulator
from tools.project import ROOT, config_for, run_cli

STATE_DIR = ROOT / ".local"
PID_FILE = STATE_DIR / "emulator.pid"
LOG_FILE = STATE_DIR / "emulator.log"
OUTPUTS_DIR = ROOT / "cfn-outputs"
DEFAULT_PORT = int(os.environ.get("TAP_VPC_EMULATOR_PORT", "4599"))


def emulator_context(suffix: str) -> dict[str, str]:
    """The ``-c`` values of the emulator target for ``suffix``."""
    return {"deployTarget": "emulator", "environmentSuffix": suffix}


def ensure_emulator(port: int) -> emulator.Emulator:
    """Reuse the emulator from the pid file, or start one in the background."""
    running = emulator.Emulator(port)
    if running.is_up():
        elsewhere = "" if PID_FILE.exists() else " (not started from this folder: stop it where it was started)"
        print(f"emulator: reusing moto server at {running.endpoint}{elsewhere}")
        return running
    process = emulator.start(port, LOG_FILE)
    PID_FILE.write_text(f"{process.pid} {port}\n")
    print(f"emulator: started moto server at {running.endpoint} (pid {process.pid}, log {LOG_FILE})")
    return running


def up(suffix: str, port: int) -> dict[str, str]:
    """Deploy producer and consumer to the emulator; return the producer's flat outputs."""
    config_for(**emulator_context(suffix))  # bad settings stop here, before an emulator starts
    config, outputs, consumer = deploy_to_emulator(ensure_emulator(port), emulator_context(suffix), STATE_DIR)
    OUTPUTS_DIR.mkdir(exist_ok=True)
    (OUTPUTS_DIR / "flat-outputs.json").write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n")
    print_table(config.stack_name, outputs)
    print_table(consumer_stack_name(suffix), consumer)
    print(f"\nwrote {OUTPUTS_DIR / 'flat-outputs.json'}; stop the emulator with `make local-down`")
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
    """`cdk diff` of the local stack against what `make local` deployed."""
    config = config_for(**emulator_context(suffix))
    server = emulator.Emulator(port)
    if not server.is_up():
        sys.exit(f"no emulator at {server.endpoint}: run `make local` first")
    cdk(
        [
            "diff",
            config.stack_name,
            "--method=template",
            "--fail",
            *context_args(emulator_context(suffix)),
        ],
        server.environment(config.region),
    )


def down(port: int, pid_file: Path = PID_FILE) -> str:
    """Stop the emulator this folder started; say so when one from elsewhere holds the port."""
    if emulator.stop_pid(pid_file):
        return "emulator stopped"
    server = emulator.Emulator(port)
    if server.is_up():
        return (
            f"no emulator was started from this folder, but one answers at {server.endpoint}:"
            " run `make local-down` in the folder that started it"
        )
    return "no emulator was running"


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.local {up,down,diff}``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "diff"])
    parser.add_argument("--suffix", default=os.environ.get("ENVIRONMENT_SUFFIX", "dev"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    STATE_DIR.mkdir(exist_ok=True)
    if args.command == "up":
        up(args.suffix, args.port)
    elif args.command == "diff":
        diff(args.suffix, args.port)
    else:
        print(down(args.port))


if __name__ == "__main__":
    run_cli(main, "local")
