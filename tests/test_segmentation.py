"""Segmentation you can prove: each break of the reachability matrix fails the real synth, by name.

The spec is the PCI matrix in cdk.json's dev and prod profiles (config defaults), stated here
literally: internet reaches only the public tier on 443, the data tier only the private tier on
5432 and 6379, and nothing leaves the data tier for the internet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import aws_ec2 as ec2

from tap_vpc.network.vpc import nat_gateways
from tap_vpc.tap_vpc_stack import TapVpcStack
from tests.changed_synth import synth_environment_with
from tests.template_helpers import logical_id_in


def synth_dev_with(tmp_path: Path, change: Callable[[TapVpcStack], None]) -> tuple[int, TapVpcStack]:
    """Synthesize TapVpcStack-dev (cdk.json's profile) through synth_app after ``change``: exit code, stack."""
    return synth_environment_with(tmp_path, "dev", change)


def add_data_default_route(stack: TapVpcStack) -> None:
    ec2.CfnRoute(
        stack,
        "DataDefaultRoute",
        route_table_id=stack.vpc.isolated_subnets[0].route_table.route_table_id,
        destination_cidr_block="0.0.0.0/0",
        nat_gateway_id=nat_gateways(stack.vpc)[0].ref,
    )


def admit_public_into_data(stack: TapVpcStack) -> None:
    stack.network_acls.acls["Isolated"].add_entry(
        "FromPublic",
        cidr=ec2.AclCidr.ipv4("10.0.1.0/24"),
        rule_number=50,
        traffic=ec2.AclTraffic.tcp_port(5432),
        direction=ec2.TrafficDirection.INGRESS,
    )


def open_postgres_to_the_world(stack: TapVpcStack) -> None:
    assert stack.data_security_group is not None
    stack.data_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(5432), "Postgres from anywhere")


def test_the_dev_template_passes_its_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth_dev_with(tmp_path, lambda stack: None)[0] == 0
    assert "segmentation" not in capsys.readouterr().err


def test_a_default_route_on_a_data_route_table_fails_the_synth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_dev_with(tmp_path, add_data_default_route)
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("TAP VPC segmentation error: TapVpcStack-dev breaks 1 rule of its reachability matrix")
    assert "rule 'data -> internet : any : deny': the route layer lets through" in err
    assert f"DataDefaultRoute (0.0.0.0/0 -> nat {logical_id_in(stack, 'Vpc/PublicSubnet1/NATGateway')})" in err
    assert "Traceback" not in err
    assert not (tmp_path / "TapVpcStack-dev.template.json").exists()


def test_a_nacl_entry_from_the_public_tier_into_the_data_tier_fails_the_synth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_dev_with(tmp_path, admit_public_into_data)
    assert code == 1
    err = capsys.readouterr().err
    assert "rule 'public -> data : any : deny': the nacl layer lets through tcp 5432:" in err
    assert f"{logical_id_in(stack, 'NetworkAcls/IsolatedAcl/FromPublic')} (rule 50 allow 10.0.1.0/24)" in err
    assert "Traceback" not in err


def test_a_security_group_rule_from_anywhere_to_the_data_tier_fails_the_synth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_dev_with(tmp_path, open_postgres_to_the_world)
    assert code == 1
    err = capsys.readouterr().err
    assert "rule 'internet -> data : any : deny': the security group layer lets through tcp 5432:" in err
    assert "rule 'public -> data : any : deny': the security group layer lets through tcp 5432:" in err
    assert f"{logical_id_in(stack, 'DataSecurityGroup')} (Postgres from anywhere)" in err
    # cdk-nag names the same group; both gates speak in one run.
    assert "TAP VPC compliance error" in err
    assert "Traceback" not in err
