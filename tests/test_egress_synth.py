"""Each egress breach fails the real synth (all gates) with one block naming the layer and resource.

The failing template is removed from the assembly, so nothing can deploy it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_networkfirewall as nfw

from tap_vpc.network.vpc import nat_gateways
from tap_vpc.tap_vpc_stack import TapVpcStack
from tests.changed_synth import synth_environment_with
from tests.template_helpers import logical_id_in


def synth_prod_with(tmp_path: Path, change: Callable[[TapVpcStack], None]) -> tuple[int, TapVpcStack]:
    """Synthesize TapVpcStack-prod (cdk.json's profile) through synth_app after ``change``: exit code, stack."""
    return synth_environment_with(tmp_path, "prod", change)


def route_private_1_straight_to_nat(stack: TapVpcStack) -> None:
    route = stack.vpc.private_subnets[0].node.find_child("DefaultRoute")
    assert isinstance(route, ec2.CfnRoute)
    route.add_property_deletion_override("VpcEndpointId")
    route.add_property_override("NatGatewayId", nat_gateways(stack.vpc)[0].ref)


def let_the_default_pass(stack: TapVpcStack) -> None:
    assert stack.egress_firewall is not None
    stack.egress_firewall.policy.add_property_override(
        "FirewallPolicy.StatefulDefaultActions", ["aws:alert_established"]
    )


def drop_a_return_route(stack: TapVpcStack) -> None:
    assert stack.egress_firewall is not None
    assert stack.egress_firewall.node.try_remove_child("Public2ToPrivate2")


def test_the_prod_template_passes_every_gate_with_egress_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_prod_with(tmp_path, lambda stack: None)
    assert code == 0, capsys.readouterr().err
    assert stack.egress_firewall is not None
    assert isinstance(stack.egress_firewall.firewalls[0], nfw.CfnFirewall)
    assert (tmp_path / "TapVpcStack-prod.template.json").exists()


def test_a_private_route_around_the_firewall_fails_the_synth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_prod_with(tmp_path, route_private_1_straight_to_nat)
    assert code == 1
    err = capsys.readouterr().err
    route = logical_id_in(stack, "Vpc/PrivateSubnet1/DefaultRoute")
    nat = logical_id_in(stack, "Vpc/PublicSubnet1/NATGateway")
    assert err.startswith("TAP VPC segmentation error: TapVpcStack-prod breaks 1 rule of its reachability matrix")
    assert "rule 'private -> internet : 1-442,444-65535 : deny': the route layer lets through traffic: " in err
    assert f"{route} (0.0.0.0/0 -> nat {nat})" in err
    assert (
        "TAP VPC egress error: TapVpcStack-prod has 1 egress-control problem (PCI DSS v4.0.1 1.3.2); the synth fails.\n"
        f"  - the route layer: {route} sends 0.0.0.0/0 straight to nat {nat}, past the egress firewall: private "
        "traffic must leave through a firewall endpoint.\n"
    ) in err
    assert "Traceback" not in err
    assert not (tmp_path / "TapVpcStack-prod.template.json").exists()


def test_a_firewall_policy_that_passes_by_default_fails_the_synth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stack = synth_prod_with(tmp_path, let_the_default_pass)
    assert code == 1
    err = capsys.readouterr().err
    policy = logical_id_in(stack, "EgressFirewall/Policy")
    assert err.startswith(
        "TAP VPC egress error: TapVpcStack-prod has 1 egress-control problem (PCI DSS v4.0.1 1.3.2); the synth fails.\n"
        f"  - the firewall layer: {policy} has stateful default actions aws:alert_established, without "
        "aws:drop_strict or aws:drop_established: what no rule names passes (443 to any host).\n"
    )
    # The PCI DSS v4.0.1 pack finds it too, in the validation report the last line names.
    assert err.splitlines()[-1].startswith("TAP VPC compliance error: the findings above fail the synth; report: ")
    report = (tmp_path / "validation-report.json").read_text()
    assert "PCI.DSS.401-1.3.2-EgressThroughFirewall" in report
    assert not (tmp_path / "TapVpcStack-prod.template.json").exists()


def test_a_missing_return_route_fails_the_synth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stack = synth_prod_with(tmp_path, drop_a_return_route)
    assert code == 1
    err = capsys.readouterr().err
    table = logical_id_in(stack, "Vpc/PublicSubnet2/RouteTable")
    firewall = logical_id_in(stack, "EgressFirewall/Firewall2")
    assert err.startswith(
        "TAP VPC egress error: TapVpcStack-prod has 2 egress-control problems (PCI DSS v4.0.1 1.3.2); the synth fails."
    )
    assert f"  - the route layer: {table} has no route for 10.0.12.0/24 back through {firewall}: " in err
    assert f"  - the route layer: {table} sends 10.0.12.0/24 by the local route, but " in err
    assert not (tmp_path / "TapVpcStack-prod.template.json").exists()
