"""`make local`, `make local-down` and `make diff`: TAP VPC on the local AWS emulator.

``up`` starts (or reuses) this folder's emulator on loopback, then deploys the declared fleet
(every TapVpcStack-<environment> of cdk.json, in waves, see ``tools.emulator_fleet``) through the
same synth-and-deploy path as `make deploy`, and the example consumer beside the primary
environment (dev). It checks live that no two environments of a routable group overlap, writes
cfn-outputs/flat-outputs.json (the primary's outputs) and cfn-outputs/fleet-outputs.json (every
stack's), and prints them. Running it again after a settings change updates the stacks in place.
``diff`` diffs the whole fleet. One `make local` at a time runs per folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

from tap_vpc.fleet.overlaps import overlaps_within_groups
from tap_vpc.settings.config import TapVpcConfig
from tools import emulator
from tools.assembly_cache import inputs_digest, is_current, stamp
from tools.cdk_cli import CONSUMER_APP, cdk, context_args
from tools.deploy import (
    EMULATOR_DEFAULT_ACCOUNT,
    FLEET_ASSEMBLY,
    Target,
    assembly_dir,
    bootstrap_emulator,
    cdk_diff,
    deploy,
    deploy_stack,
    parse_context,
    synth,
)
from tools.emulator_fleet import (
    FleetMember,
    deploy_batches,
    deploy_fleet,
    live_vpc_cidrs,
    selected_declarations,
    synth_context,
    synthesize_unless_current,
)
from tools.project import ROOT, ToolError, config_for, run_cli

STATE_DIR = ROOT / ".local"
#: The example consumer's cloud assembly: synthesized, then deployed (again without a synth while current).
CONSUMER_ASSEMBLY = ROOT / "cdk.consumer.out"
OUTPUTS_DIR = ROOT / "cfn-outputs"
DEFAULT_PORT = 4599


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
    """Bootstrap ``server``, deploy one TapVpcStack (``context`` selects it) and the example consumer.

    The templates are the AWS templates, byte for byte. Returns the config, and both stacks' outputs.
    The producer goes through `make deploy`'s synth and deploy; the emulator is disposable, so no
    destructive-change gate stands in the way of the local loop.
    """
    config = config_for(**context)
    target = Target(server, quiet=quiet)
    assembly = assembly_dir(config)
    synth(config, context, target, assembly)
    bootstrap_emulator(config, target, assembly)
    producer = deploy([config], target, assembly, "never", state_dir / "producer-outputs.json")[config.stack_name]
    return config, producer, deploy_consumer(config, target, state_dir)


def deploy_consumer(config: TapVpcConfig, target: Target, state_dir: Path) -> dict[str, str]:
    """Deploy the example consumer of the TAP VPC ``config`` describes; return its outputs."""
    # Imported here, not at the top: it loads aws-cdk-lib, which bad input and `make diff` need not wait for.
    from examples.consumer.consumer_app import consumer_stack_name

    # The consumer knows the producer only by what another team would pass: suffix, AZs, account, region.
    consumer_context = {
        "environmentSuffix": config.environment_suffix,
        "azCount": str(config.az_count),
        "account": config.account or EMULATOR_DEFAULT_ACCOUNT,
        "region": config.region,
    }
    # Another team's app would import the installed tap-vpc package; here the repository stands in for it.
    extra_env = {"PYTHONPATH": str(ROOT)}
    digest = inputs_digest(CONSUMER_APP, consumer_context)
    if is_current(CONSUMER_ASSEMBLY, digest):
        if not target.quiet:
            print(f"deploy: {CONSUMER_ASSEMBLY.name} is current (nothing it is synthesized from changed); no synth")
    else:
        shutil.rmtree(CONSUMER_ASSEMBLY, ignore_errors=True)
        synth_args = ["synth", "--quiet", "--app", CONSUMER_APP, "--output", str(CONSUMER_ASSEMBLY)]
        cdk(
            [*synth_args, *context_args(consumer_context)],
            {**target.environment(config), **extra_env},
            capture=target.quiet,
        )
        stamp(CONSUMER_ASSEMBLY, digest)
    return deploy_stack(
        config,
        target,
        consumer_stack_name(config.environment_suffix),
        ["--app", str(CONSUMER_ASSEMBLY)],
        "never",
        state_dir / "consumer-outputs.json",
        extra_env=extra_env,
    )


def primary_environment(names: list[str]) -> str:
    """The environment the example consumer joins and flat-outputs.json describes: dev, else the first."""
    return "dev" if "dev" in names else names[0]


def deploy_fleet_and_consumer(
    server: emulator.Emulator,
    extra: dict[str, str],
    state_dir: Path,
    *,
    names: list[str] | None = None,
    quiet: bool = False,
) -> tuple[dict[str, FleetMember], dict[str, str]]:
    """Deploy the declared fleet (or ``names`` of it) and the example consumer beside its primary environment.

    Refuses (``ToolError``) when two environments of a routable group overlap in the emulator.
    """
    members = deploy_fleet(server, extra, state_dir, names=names, quiet=quiet)
    declared = selected_declarations()
    groups = {name: str(d["routableGroup"]) if "routableGroup" in d else None for name, d in declared.items()}
    overlaps = overlaps_within_groups(groups, live_vpc_cidrs(server, members))
    if overlaps:
        raise ToolError(
            "; ".join(
                f"{o.first} ({o.first_cidr}) and {o.second} ({o.second_cidr}) overlap in routable group {o.group!r}"
                for o in overlaps
            )
        )
    primary = members[primary_environment(list(members))]
    return members, deploy_consumer(primary.config, Target(server, quiet=quiet), state_dir)


def up(port: int, extra: dict[str, str], names: list[str] | None = None) -> dict[str, FleetMember]:
    """Deploy the fleet (or ``names`` of it; ``-c extra`` on each) and the consumer to this folder's emulator.

    Writes and prints the outputs; returns name -> deployed member.
    """
    for name in selected_declarations(names):
        config_for(**{**extra, "environmentSuffix": name})  # bad settings stop here, before an emulator starts
    with emulator.folder_lock(STATE_DIR):
        server = ensure_emulator(port)
        members, consumer = deploy_fleet_and_consumer(server, extra, STATE_DIR, names=names)
    primary = members[primary_environment(list(members))]
    OUTPUTS_DIR.mkdir(exist_ok=True)
    (OUTPUTS_DIR / "flat-outputs.json").write_text(json.dumps(primary.outputs, indent=2, sort_keys=True) + "\n")
    fleet_outputs = {member.config.stack_name: member.outputs for member in members.values()}
    (OUTPUTS_DIR / "fleet-outputs.json").write_text(json.dumps(fleet_outputs, indent=2, sort_keys=True) + "\n")
    print_table(primary.config.stack_name, primary.outputs)
    from examples.consumer.consumer_app import consumer_stack_name  # loaded already by deploy_consumer

    print_table(consumer_stack_name(primary.config.environment_suffix), consumer)
    print_fleet(members)
    print(
        f"\nwrote {OUTPUTS_DIR.relative_to(ROOT) / 'flat-outputs.json'} ({primary.config.stack_name}) and "
        f"{OUTPUTS_DIR.relative_to(ROOT) / 'fleet-outputs.json'}; stop the emulator with `make local-down`"
    )
    return members


def print_table(title: str, outputs: dict[str, str]) -> None:
    """Print ``outputs`` as a two-column table."""
    width = max(len(key) for key in outputs)
    print(f"\n{title} outputs")
    print(f"{'OutputKey'.ljust(width)}  Value")
    print(f"{'-' * width}  {'-' * 40}")
    for key in sorted(outputs):
        print(f"{key.ljust(width)}  {outputs[key]}")


def print_fleet(members: dict[str, FleetMember]) -> None:
    """One line per deployed environment: stack, account, region, VPC and its CIDR."""
    print("\nfleet (no routable group overlaps)")
    for member in members.values():
        config = member.config
        print(
            f"  {config.stack_name:<22} {config.account}  {config.region:<10} {member.outputs['VpcId']}  "
            f"{member.outputs.get('VpcCidr', config.vpc_cidr)}"
        )


def diff(port: int, extra: dict[str, str], names: list[str] | None = None) -> None:
    """`cdk diff` of every declared stack (or ``names``; ``-c extra``) against the emulator; differences exit 1."""
    declared = selected_declarations(names)
    configs = {name: config_for(**{**extra, "environmentSuffix": name}) for name in declared}
    server = emulator.Emulator(port)
    if not server.is_up():
        raise ToolError(f"no emulator answers at {server.endpoint}: run `make local` first")
    target = Target(server)
    synthesize_unless_current(next(iter(configs.values())), synth_context(extra, list(configs)), target)
    differing = []
    for batch in deploy_batches(declared):
        stacks = [configs[name].stack_name for name in batch]
        args = ["--app", str(FLEET_ASSEMBLY), *stacks, "--method=template", "--fail"]
        if cdk_diff(configs[batch[0]], target, args):
            differing += stacks
    if differing:
        verb = "differs" if len(differing) == 1 else "differ"
        raise ToolError(f"{', '.join(differing)} {verb} from what `make local` deployed (the diff is above)")


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
    parser.add_argument("--port", type=int)
    parser.add_argument("-c", dest="context", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--environments", default="", help="space-separated declared environments (default: all)")
    args = parser.parse_args(argv)
    extra = parse_context(args.context)
    names = args.environments.split() or None
    port = args.port or port_from_environment()
    STATE_DIR.mkdir(exist_ok=True)
    if args.command == "up":
        up(port, extra, names)
    elif args.command == "diff":
        diff(port, extra, names)
    else:
        print(emulator.stop(STATE_DIR, port))


if __name__ == "__main__":
    run_cli(main, "local")
