"""`make deploy`: synthesize once, diff that assembly, refuse destructive changes, deploy it unattended.

    python -m tools.deploy --environment prod [--environment ...] [--assembly DIR]
                           [--require-approval LEVEL] [--approve-destructive]
                           [--emulator-port PORT] [-c key=value ...]

Several ``--environment`` (``make deploy ENVIRONMENTS="staging uat"``) must share one account:
the deploy workflow runs one job per account, with that account's role.

1. Synth: ``cdk synth`` writes the cloud assembly ``cdk.<env>.out`` (``cdk.fleet.out``, every
   declared environment, when several are named), or ``--assembly`` names one an earlier step
   built, as the deploy workflow does. Diff and deploy both read that assembly.
2. Diff: ``cdk diff --fail-on=destructive`` against the deployed stacks. A change that replaces,
   deletes or orphans a resource is refused unless ``--approve-destructive`` is given.
3. Deploy: ``cdk deploy --require-approval LEVEL --concurrency N`` (N: the stacks named) with stdin
   closed. LEVEL defaults to ``broadening`` in a terminal (the CLI asks you); without a terminal
   it must be given, and ``never`` belongs only behind an approval gate (the protected GitHub
   environment).

The target is a real account (the ambient credentials, which must belong to the declared
account) unless ``--emulator-port`` is given: nothing read from the environment selects the
emulator, and AWS_ENDPOINT_URL is refused on the AWS path.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from tap_vpc.settings.config import TapVpcConfig
from tools import emulator
from tools.cdk_cli import DIFF_FOUND, cdk, context_args, read_outputs
from tools.credentials import caller_account
from tools.project import ROOT, ToolError, config_for, run_cli

APPROVAL_LEVELS = ("never", "any-change", "broadening")
#: The account moto uses for ephemeral environments, which declare none.
EMULATOR_DEFAULT_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Target:
    """Where the deploy goes: a real account, or the emulator on ``emulator.port``."""

    emulator: emulator.Emulator | None = None
    #: Capture the CLI's output instead of printing it (the integration suite).
    quiet: bool = False

    def environment(self, config: TapVpcConfig) -> dict[str, str]:
        """Extra process environment for the CLI: none for AWS, the emulator's endpoint otherwise."""
        if self.emulator is None:
            return {}
        return self.emulator.environment(config.region, config.account or EMULATOR_DEFAULT_ACCOUNT)

    def alive(self) -> Callable[[], bool] | None:
        """For the emulator: a check that it still answers (the CLI is stopped when it does not)."""
        return None if self.emulator is None else self.emulator.is_up

    def describe(self) -> str:
        """One phrase for messages."""
        return f"the emulator at {self.emulator.endpoint}" if self.emulator else "AWS"


#: The cloud assembly of the whole declared fleet (a synth with no environment selected).
FLEET_ASSEMBLY = ROOT / "cdk.fleet.out"


def assembly_dir(config: TapVpcConfig) -> Path:
    """Default cloud-assembly folder of an environment: ``cdk.<suffix>.out``."""
    return ROOT / f"cdk.{config.environment_suffix}.out"


def synth(config: TapVpcConfig, context: dict[str, str], target: Target, out: Path) -> None:
    """Synthesize with ``-c context`` into the cloud assembly ``out`` (replacing an older one).

    ``context`` without ``environmentSuffix`` synthesizes every declared environment; ``config``
    (any of them) supplies the emulator credentials.
    """
    shutil.rmtree(out, ignore_errors=True)
    cdk(
        ["synth", "--quiet", "--output", str(out), *context_args(context)],
        target.environment(config),
        capture=target.quiet,
    )
    if not target.quiet:
        what = config.stack_name if "environmentSuffix" in context else "the declared fleet"
        print(f"deploy: synthesized {what} into {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def cdk_diff(config: TapVpcConfig, target: Target, args: list[str]) -> bool:
    """Run ``cdk diff args`` (which print the diff) against ``target``; True when it found what it fails on.

    A failure of the CLI itself, or of the emulator under it, raises ``ToolError``.
    """
    result = cdk(["diff", *args], target.environment(config), check=False, alive=target.alive())
    if result.returncode == 0:
        return False
    ensure_emulator_alive(target, "cdk diff")
    if result.returncode != DIFF_FOUND:
        raise ToolError(f"`cdk diff` failed (exit {result.returncode}); its output is above")
    return True


def diff_gate(configs: list[TapVpcConfig], target: Target, assembly: Path, *, approve_destructive: bool) -> None:
    """Print the diff of ``assembly`` against the deployed stacks; refuse a destructive one unless approved."""
    stacks = [config.stack_name for config in configs]
    if not cdk_diff(
        configs[0], target, ["--app", str(assembly), *stacks, "--method=template", "--fail-on=destructive"]
    ):
        return
    if approve_destructive:
        print("deploy: destructive change approved with --approve-destructive (APPROVE_DESTRUCTIVE=1)")
        return
    raise ToolError(
        f"refused: the diff above replaces, deletes or orphans resources of {', '.join(stacks)} "
        "(or `cdk diff` failed; see above). Review it; to go ahead, run again with APPROVE_DESTRUCTIVE=1 "
        "(in CI: the deploy workflow's approve-destructive input, behind the protected environment)."
    )


def ensure_emulator_alive(target: Target, step: str) -> None:
    """After a failed ``step`` on the emulator: say so in one line when the emulator died."""
    if target.emulator is not None and not target.emulator.is_up():
        raise ToolError(
            f"the emulator at {target.emulator.endpoint} stopped answering during {step}; "
            "see .local/ for its log, then run `make local` again"
        )


def deploy_stacks(
    config: TapVpcConfig,
    target: Target,
    stacks: list[str],
    app_args: list[str],
    approval: str,
    outputs_file: Path,
    extra_env: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """``cdk deploy stacks`` of the app ``app_args`` select, with stdin closed; return each stack's outputs.

    ``app_args`` are ``--app`` (an assembly or an app command) and anything that goes with it. The
    stacks deploy side by side (``--concurrency``); ``config`` (any of them) supplies the account.
    """
    args = [
        "deploy",
        *stacks,
        *app_args,
        f"--require-approval={approval}",
        f"--concurrency={len(stacks)}",
        # The CLI would pass UsePreviousValue for BootstrapVersion; a fresh value is the same on
        # AWS and gets past moto 5.2.5's KeyError 'BootstrapVersion' on update.
        "--previous-parameters=false",
        "--outputs-file",
        str(outputs_file),
    ]
    if target.emulator is not None:
        args.append("--method=direct")  # moto 5.2.5 records no outputs for change-set deploys
    try:
        cdk(args, {**target.environment(config), **(extra_env or {})}, capture=target.quiet, alive=target.alive())
    except ToolError:
        ensure_emulator_alive(target, "cdk deploy")
        raise
    return {stack: read_outputs(outputs_file, stack) for stack in stacks}


def deploy_stack(
    config: TapVpcConfig,
    target: Target,
    stack: str,
    app_args: list[str],
    approval: str,
    outputs_file: Path,
    extra_env: dict[str, str] | None = None,
) -> dict[str, str]:
    """``deploy_stacks`` of the one ``stack``; return its outputs."""
    return deploy_stacks(config, target, [stack], app_args, approval, outputs_file, extra_env)[stack]


def deploy(
    configs: list[TapVpcConfig], target: Target, assembly: Path, approval: str, outputs_file: Path
) -> dict[str, dict[str, str]]:
    """``cdk deploy`` the TapVpcStacks of ``configs`` (one account) from ``assembly``; return their outputs."""
    stacks = [config.stack_name for config in configs]
    return deploy_stacks(configs[0], target, stacks, ["--app", str(assembly)], approval, outputs_file)


def bootstrap_emulator(config: TapVpcConfig, target: Target, assembly: Path | None = None) -> None:
    """Bootstrap the emulator account and region, unless it already is (a real account is bootstrapped by hand).

    ``assembly``, a cloud assembly already synthesized, spares the CLI a synth of the app.
    """
    assert target.emulator is not None
    account = config.account or EMULATOR_DEFAULT_ACCOUNT
    cloudformation = target.emulator.client("cloudformation", account=account, region=config.region)
    try:
        cloudformation.describe_stacks(StackName="CDKToolkit")
        return  # a second `make local` need not bootstrap again
    except ClientError:
        pass
    bootstrap = ["bootstrap", f"aws://{account}/{config.region}", *(["--app", str(assembly)] if assembly else [])]
    if cdk(bootstrap, target.environment(config), check=False, capture=target.quiet, alive=target.alive()).returncode:
        ensure_emulator_alive(target, "cdk bootstrap")
        raise ToolError(f"`cdk bootstrap` of the emulator account {account} failed; its output is above")


def resolve_approval(requested: str | None, interactive: bool) -> str:
    """The ``--require-approval`` level: as requested, else ``broadening`` in a terminal.

    Without a terminal the CLI cannot ask, and would stop at the first broadening change; so the
    level must then be stated, and ``never`` is stated only behind an approval gate.
    """
    if requested:
        return requested
    if interactive:
        return "broadening"
    raise ToolError(
        "no terminal to ask for approval: state APPROVAL=never where an approval gate already ran "
        "(the protected GitHub environment), or run `make deploy` in a terminal"
    )


def resolve_target(emulator_port: int | None) -> Target:
    """The emulator on ``emulator_port`` when given (it must answer); otherwise AWS."""
    if emulator_port is None:
        endpoint = [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]
        if endpoint:
            raise ToolError(
                f"{endpoint[0]} is set, but make deploy targets AWS unless EMULATOR_PORT is given; unset it"
            )
        return Target()
    server = emulator.Emulator(emulator_port)
    if not server.is_up():
        raise ToolError(f"no emulator answers at {server.endpoint}: start one with `make local`")
    return Target(server)


def parse_context(pairs: list[str]) -> dict[str, str]:
    """``key=value`` strings from ``-c`` as a dict."""
    context = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ToolError(f"-c {pair!r}: expected key=value")
        context[key] = value
    return context


def environment_names(requested: list[str]) -> list[str]:
    """The ``--environment`` values, each of which may list several names separated by spaces."""
    names = [name for value in requested for name in value.split()]
    if not names:
        raise ToolError('name an environment: make deploy SUFFIX=dev, or ENVIRONMENTS="staging uat"')
    if len(set(names)) != len(names):
        raise ToolError(f"an environment is named twice: {' '.join(names)}")
    return names


def one_account(configs: list[TapVpcConfig]) -> None:
    """Several environments deploy together only within one account (one role, one job)."""
    accounts = {config.account for config in configs}
    if len(accounts) > 1:
        listed = ", ".join(f"{config.environment_suffix} in {config.account}" for config in configs)
        raise ToolError(
            f"one deploy runs in one account, but these are in {len(accounts)}: {listed}; deploy each account "
            "separately (the deploy workflow runs one job per account)"
        )


def check_credentials(configs: list[TapVpcConfig]) -> None:
    """The ambient credentials must belong to the declared account."""
    account = caller_account()
    for config in configs:
        if config.account is not None and account != config.account:
            raise ToolError(
                f"the credentials are for account {account}, but {config.environment_suffix} is declared in "
                f"{config.account} (cdk.json tapVpcEnvironments); use that account's credentials"
            )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry; see the module docstring."""
    parser = argparse.ArgumentParser(description="Synth once, diff, refuse destructive changes, deploy.")
    parser.add_argument("--environment", action="append", required=True)
    parser.add_argument("--assembly", type=Path, help="deploy this already-synthesized cloud assembly")
    parser.add_argument("--require-approval", choices=APPROVAL_LEVELS)
    parser.add_argument("--approve-destructive", action="store_true")
    parser.add_argument("--emulator-port", type=int)
    parser.add_argument("-c", dest="context", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)

    target = resolve_target(args.emulator_port)
    names = environment_names(args.environment)
    extra = parse_context(args.context)
    configs = [config_for(**{**extra, "environmentSuffix": name}) for name in names]  # bad settings stop here
    one_account(configs)
    approval = resolve_approval(args.require_approval, sys.stdin is not None and sys.stdin.isatty())
    if target.emulator is None:
        check_credentials(configs)
    context = {**extra, "environmentSuffix": names[0]} if len(names) == 1 else extra
    assembly = args.assembly or (assembly_dir(configs[0]) if len(names) == 1 else FLEET_ASSEMBLY)
    if args.assembly is None:
        synth(configs[0], context, target, assembly)
    elif not (assembly / "manifest.json").is_file():
        raise ToolError(f"--assembly {assembly} is not a cloud assembly (no manifest.json)")
    if target.emulator is not None:
        for config in configs:
            bootstrap_emulator(config, target, assembly)
    diff_gate(configs, target, assembly, approve_destructive=args.approve_destructive)
    outputs_dir = ROOT / "cfn-outputs"
    outputs_dir.mkdir(exist_ok=True)
    outputs_file = outputs_dir / (f"{configs[0].stack_name}.json" if len(names) == 1 else "fleet-deploy.json")
    deployed = deploy(configs, target, assembly, approval, outputs_file)
    for stack, outputs in deployed.items():
        print(f"deploy: {stack} deployed to {target.describe()} ({len(outputs)} outputs)")


if __name__ == "__main__":
    run_cli(main, "deploy")
