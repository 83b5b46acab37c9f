"""`make deploy` runs unattended, as CI runs it: a subprocess with stdin closed, on a fresh emulator.

A first deploy is broadening (a new IAM role, 443 open to 0.0.0.0/0) and must not stop for a
prompt; a redeploy changes nothing; a change that replaces subnets is refused, then passes the
gate once approved.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.commands import run
from tests.integration.conftest import emulator_lacks
from tests.template_helpers import logical_id_at
from tools import emulator
from tools.project import ROOT

pytestmark = pytest.mark.integration

MOVED_PUBLIC_SUBNETS = "CONTEXT=publicSubnetCidrs=10.0.101.0/24,10.0.102.0/24,10.0.103.0/24"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emulator.Emulator]:
    with emulator.running(tmp_path_factory.mktemp("make-deploy") / "moto.log") as running:
        yield running


def make_deploy(server: emulator.Emulator, *variables: str) -> subprocess.CompletedProcess[str]:
    return run(
        ["make", "--no-print-directory", "deploy", "SUFFIX=dev", f"EMULATOR_PORT={server.port}", *variables],
        timeout=600,
    )


def synthesized_template() -> dict[str, Any]:
    """TapVpcStack-dev as `make deploy` last synthesized it: the CDK CLI's template, construct paths and all."""
    template: dict[str, Any] = json.loads((ROOT / "cdk.dev.out" / "TapVpcStack-dev.template.json").read_text())
    return template


def deployed_outputs(server: emulator.Emulator) -> dict[str, str]:
    """The live outputs of TapVpcStack-dev in the declared dev account (111111111111)."""
    stack = server.client("cloudformation", account="111111111111").describe_stacks(StackName="TapVpcStack-dev")[
        "Stacks"
    ][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


@pytest.fixture(scope="module")
def first(server: emulator.Emulator) -> dict[str, str]:
    result = make_deploy(server, "APPROVAL=never")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "deploy: TapVpcStack-dev deployed to the emulator" in result.stdout
    return deployed_outputs(server)


def test_without_a_terminal_the_approval_level_must_be_stated(server: emulator.Emulator) -> None:
    result = make_deploy(server)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-2:][0] == (
        "deploy: no terminal to ask for approval: state APPROVAL=never where an approval gate already ran "
        "(the protected GitHub environment), or run `make deploy` in a terminal"
    )
    assert "Traceback" not in result.stderr


def test_the_first_deploy_is_broadening_and_needs_no_prompt(first: dict[str, str]) -> None:
    assert first["VpcId"].startswith("vpc-")
    assert Path(ROOT / "cdk.dev.out" / "TapVpcStack-dev.template.json").is_file()


def test_a_redeploy_changes_nothing(server: emulator.Emulator, first: dict[str, str]) -> None:
    result = make_deploy(server, "APPROVAL=never")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "There were no differences" in result.stdout + result.stderr
    assert deployed_outputs(server) == first


def test_a_subnet_replacement_is_refused_unless_approved(server: emulator.Emulator, first: dict[str, str]) -> None:
    result = make_deploy(server, "APPROVAL=never", MOVED_PUBLIC_SUBNETS)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    subnet = logical_id_at(synthesized_template(), "Vpc/PublicSubnet1/Subnet")
    assert f"AWS::EC2::Subnet Vpc/PublicSubnet1/Subnet {subnet} will be replaced" in output
    assert "deploy: refused: the diff above replaces, deletes or orphans resources of TapVpcStack-dev" in result.stderr
    assert "Traceback" not in output
    assert deployed_outputs(server) == first, "nothing was deployed"


@pytest.fixture(scope="module")
def approved(server: emulator.Emulator, first: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The same subnet replacement, approved (after the refusal above)."""
    return make_deploy(server, "APPROVAL=never", "APPROVE_DESTRUCTIVE=1", MOVED_PUBLIC_SUBNETS)


def test_an_approved_replacement_passes_the_gate(approved: subprocess.CompletedProcess[str]) -> None:
    assert approved.returncode == 0, approved.stderr[-3000:]
    assert "deploy: destructive change approved with --approve-destructive (APPROVE_DESTRUCTIVE=1)" in approved.stdout
    assert "deploy: TapVpcStack-dev deployed to the emulator" in approved.stdout


@emulator_lacks("a subnet whose CidrBlock changes is kept as it was instead of replaced")
def test_the_approved_replacement_moves_the_public_subnets(
    server: emulator.Emulator, approved: subprocess.CompletedProcess[str]
) -> None:
    outputs = deployed_outputs(server)
    ec2 = server.client("ec2", account="111111111111")
    subnets = ec2.describe_subnets(SubnetIds=outputs["PublicSubnetIds"].split(","))["Subnets"]
    assert sorted(subnet["CidrBlock"] for subnet in subnets) == ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
