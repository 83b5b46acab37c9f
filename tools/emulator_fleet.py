"""The declared fleet on the emulator: one synth, a bootstrap per account and region, deploys in waves.

What `make local` and the integration suite deploy: every environment of cdk.json's
``tapVpcEnvironments`` (dev, staging and uat, prod, prod-dr: three accounts, two regions), from one
cloud assembly, in the deploy workflow's wave order, one ``cdk deploy --concurrency`` per account
within a wave, as the workflow's one job per account does. moto tells accounts apart by the
access key (see ``tools.emulator_accounts``), so each account's deploy uses its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tap_vpc.fleet.declarations import ENVIRONMENTS_KEY
from tap_vpc.settings.config import TapVpcConfig
from tools import emulator
from tools.assembly_cache import inputs_digest, is_current, stamp
from tools.declared_environments import WAVES, deploy_waves
from tools.deploy import FLEET_ASSEMBLY, Target, bootstrap_emulator, deploy, synth
from tools.project import ToolError, cdk_json_context, config_for


@dataclass(frozen=True)
class FleetMember:
    """One deployed environment of the fleet: its config and its stack's outputs."""

    config: TapVpcConfig
    outputs: dict[str, str]


def deploy_batches(declared: Mapping[str, Mapping[str, object]]) -> list[list[str]]:
    """The environments of each ``cdk deploy``, in order: wave by wave, one batch per account."""
    waves = deploy_waves(declared)
    return [str(target["environments"]).split() for wave in WAVES for target in waves[wave]]


def selected_declarations(names: Sequence[str] | None = None) -> dict[str, Mapping[str, object]]:
    """cdk.json's declarations, or only ``names`` of them (in declaration order); an unknown name is a ``ToolError``.

    A cdk.json that does not parse, or declares nothing, is a ``ToolError`` too.
    """
    declared = cdk_json_context().get(ENVIRONMENTS_KEY)
    if not isinstance(declared, dict) or not declared or not all(isinstance(d, dict) for d in declared.values()):
        raise ToolError(f"cdk.json declares no environment the emulator can deploy (context.{ENVIRONMENTS_KEY})")
    if not names:
        return declared
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise ToolError(
            f"ENVIRONMENTS names {', '.join(unknown)}, not a declared environment ({', '.join(declared)}; cdk.json "
            "tapVpcEnvironments); the emulator fleet holds declared environments only"
        )
    return {name: declaration for name, declaration in declared.items() if name in names}


def synth_context(extra: dict[str, str], names: Sequence[str]) -> dict[str, str]:
    """The ``-c`` values of a synth of ``names``: one environment selects it, several synthesize the fleet."""
    return {**extra, "environmentSuffix": names[0]} if len(names) == 1 else extra


def synthesize_unless_current(first: TapVpcConfig, context: dict[str, str], target: Target) -> None:
    """Synthesize app.py with ``context`` into ``FLEET_ASSEMBLY``, unless a synth of the same inputs wrote it.

    ``synth`` removes the old assembly, stamp included, and the stamp is written only once the synth
    succeeded: an assembly a failed synth left is never taken for current (``tools.assembly_cache``).
    ``make local`` and ``make diff`` both go through here; ``make deploy`` always synthesizes.
    """
    digest = inputs_digest("app.py", context)
    if is_current(FLEET_ASSEMBLY, digest):
        if not target.quiet:
            print(f"deploy: {FLEET_ASSEMBLY.name} is current (nothing it is synthesized from changed); no synth")
        return
    synth(first, context, target, FLEET_ASSEMBLY)
    stamp(FLEET_ASSEMBLY, digest)


def deploy_fleet(
    server: emulator.Emulator,
    extra: dict[str, str],
    state_dir: Path,
    *,
    names: Sequence[str] | None = None,
    quiet: bool = False,
) -> dict[str, FleetMember]:
    """Synthesize the declared fleet once with ``-c extra`` and deploy it to ``server``; name -> member.

    ``names`` (default: all) limits the deploy to those declared environments. Settings in
    ``extra`` apply to every environment. Bad settings raise ``ConfigError`` before anything is
    synthesized. The assembly a synth of the same inputs wrote is deployed again without a synth
    (``tools.assembly_cache``).
    """
    declared = selected_declarations(names)
    configs = {name: config_for(**{**extra, "environmentSuffix": name}) for name in declared}
    target = Target(server, quiet=quiet)
    first = next(iter(configs.values()))
    synthesize_unless_current(first, synth_context(extra, list(configs)), target)
    for config in {(config.account, config.region): config for config in configs.values()}.values():
        bootstrap_emulator(config, target, FLEET_ASSEMBLY)
    members: dict[str, FleetMember] = {}
    for batch in deploy_batches(declared):
        batch_configs = [configs[name] for name in batch]
        outputs_file = state_dir / f"fleet-{batch_configs[0].account}-{'-'.join(batch)}.json"
        deployed = deploy(batch_configs, target, FLEET_ASSEMBLY, "never", outputs_file)
        members.update(
            {config.environment_suffix: FleetMember(config, deployed[config.stack_name]) for config in batch_configs}
        )
    return members


def live_vpc_cidrs(server: emulator.Emulator, members: Mapping[str, FleetMember]) -> dict[str, list[str]]:
    """Name -> the CIDR blocks of its deployed VPC, read from the emulator in its account and region."""
    cidrs = {}
    for name, member in members.items():
        assert member.config.account is not None, "a fleet member is a declared environment"
        ec2 = server.client("ec2", account=member.config.account, region=member.config.region)
        (vpc,) = ec2.describe_vpcs(VpcIds=[member.outputs["VpcId"]])["Vpcs"]
        cidrs[name] = [block["CidrBlock"] for block in vpc["CidrBlockAssociationSet"]]
    return cidrs
