"""Integration target: the emulator (default, deployed here) or a real account (read only).

- Emulator (default): start the project's moto server on a free port, deploy the declared fleet
  (every environment of cdk.json: its account, region and pinned AZ IDs, in waves, as `make local`
  does) and the example consumer beside dev with the pinned CDK CLI, then test the live resources
  through boto3. Every test that takes ``deployment`` runs once per environment.
- Real account: ``TAP_VPC_INTEGRATION_TARGET=aws`` plus ``ENVIRONMENT_SUFFIX``. Nothing is
  deployed; the tests read ``TapVpcStack-<suffix>`` with the ambient AWS credentials.
- Either way, ``TAP_VPC_CONTEXT`` (a JSON object of ``-c`` string values) sets extra settings.
Every expectation comes from the same config ``app.py`` builds, never from literals.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from examples.consumer.consumer_app import consumer_stack_name
from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import resources_matching
from tools import emulator
from tools.emulator_fleet import selected_declarations
from tools.local import deploy_fleet_and_consumer, primary_environment
from tools.project import config_for
from tools.stack_resources import physical_ids

TARGET = os.environ.get("TAP_VPC_INTEGRATION_TARGET", "emulator")
ON_EMULATOR = TARGET == "emulator"
#: These deploy; against a real account the suite only reads, so they are not collected there.
collect_ignore = (
    []
    if ON_EMULATOR
    else ["test_update_in_place.py", "test_make_deploy.py", "test_archive_tamper.py", "test_deployed_fleet.py"]
)
#: The environments each ``deployment`` test runs against: the whole fleet on the emulator.
ENVIRONMENTS = list(selected_declarations()) if ON_EMULATOR else [os.environ.get("ENVIRONMENT_SUFFIX", "dev")]


def emulator_lacks(reason: str) -> pytest.MarkDecorator:
    """Strict expected failure on the emulator only: the day moto learns it, the suite says so."""
    return pytest.mark.xfail(ON_EMULATOR, reason=f"moto 5.2.5: {reason}", strict=True)


@dataclass(frozen=True)
class Deployment:
    """A deployed TAP VPC: its config, its outputs, its consumer's outputs and an SDK session."""

    config: TapVpcConfig
    outputs: dict[str, str]
    consumer_outputs: dict[str, str]
    session: boto3.Session
    endpoint_url: str | None
    context: dict[str, str]
    server: emulator.Emulator | None = None
    workdir: Path | None = None

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` in the deployment's region."""
        return self.session.client(  # type: ignore[call-overload]
            service, region_name=self.config.region, endpoint_url=self.endpoint_url
        )


def data_route_tables(deployment: Deployment) -> list[str]:
    """The data tier's route tables, from the stack's resources (moto does not report associations)."""
    cloudformation = deployment.client("cloudformation")
    tables = physical_ids(cloudformation, deployment.config.stack_name, "AWS::EC2::RouteTable")
    body = cloudformation.get_template(StackName=deployment.config.stack_name)["TemplateBody"]
    # The deployed template is the CDK CLI's: each resource records its construct path.
    deployed = json.loads(body) if isinstance(body, str) else body
    return [tables[lid] for lid in resources_matching(deployed, "Vpc/IsolatedSubnet*/RouteTable")]


def firewall_route_tables(deployment: Deployment) -> list[str]:
    """The firewall tier's route tables in AZ order, from the stack's resources (as ``data_route_tables``)."""
    cloudformation = deployment.client("cloudformation")
    tables = physical_ids(cloudformation, deployment.config.stack_name, "AWS::EC2::RouteTable")
    body = cloudformation.get_template(StackName=deployment.config.stack_name)["TemplateBody"]
    deployed = json.loads(body) if isinstance(body, str) else body
    matching = resources_matching(deployed, "EgressFirewall/Subnet*/RouteTable")
    return [tables[lid] for lid in sorted(matching, key=lambda lid: matching[lid]["Metadata"]["aws:cdk:path"])]


def target_context(suffix: str) -> dict[str, str]:
    """The ``-c`` values the deployment was (or is) synthesized with."""
    return {**extra_context(), "environmentSuffix": suffix}


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """``{OutputKey: OutputValue}`` of a deployed stack."""
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def extra_context() -> dict[str, str]:
    """The settings of ``TAP_VPC_CONTEXT``, applied to every environment."""
    extra: dict[str, str] = json.loads(os.environ.get("TAP_VPC_CONTEXT", "{}"))
    return extra


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Deployment]]:
    """Name -> deployment: the fleet deployed to a fresh emulator (default), or the real-account stack."""
    if not ON_EMULATOR:
        (suffix,) = ENVIRONMENTS
        context = target_context(suffix)
        config = config_for(**context)
        session = boto3.Session()
        cloudformation = session.client("cloudformation", region_name=config.region)
        yield {
            suffix: Deployment(
                config,
                stack_outputs(cloudformation, config.stack_name),
                stack_outputs(cloudformation, consumer_stack_name(suffix)),
                session,
                None,
                context,
            )
        }
        return
    workdir: Path = tmp_path_factory.mktemp("emulator")
    with emulator.running(workdir / "moto.log") as server:
        members, consumer = deploy_fleet_and_consumer(server, extra_context(), workdir, quiet=True)
        primary = primary_environment(list(members))
        deployments = {}
        for name, member in members.items():
            assert member.config.account is not None, "the fleet is declared environments"
            credentials = server.environment(member.config.region, member.config.account)
            session = boto3.Session(
                aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
            )
            deployments[name] = Deployment(
                member.config,
                member.outputs,
                consumer if name == primary else {},
                session,
                server.endpoint,
                target_context(name),
                server,
                workdir,
            )
        yield deployments


@pytest.fixture(params=ENVIRONMENTS)
def deployment(request: pytest.FixtureRequest, fleet: dict[str, Deployment]) -> Deployment:
    """Each deployed environment in turn (function scope, so tests keep their file order)."""
    chosen: Deployment = fleet[request.param]
    return chosen


@pytest.fixture(scope="session")
def primary(fleet: dict[str, Deployment]) -> Deployment:
    """The environment the example consumer joins (dev), which the update-in-place tests change."""
    return fleet[primary_environment(list(fleet))]
