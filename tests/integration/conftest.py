"""Integration target: the emulator (default, deployed here) or a real account (read only).

- Emulator (default): start the project's moto server on a free port, deploy TapVpcStack-dev (a
  declared environment: its account, region and pinned AZ IDs) and the example consumer with the
  pinned CDK CLI, then test the live resources through boto3.
- Real account: ``TAP_VPC_INTEGRATION_TARGET=aws`` plus ``ENVIRONMENT_SUFFIX``.
- Either way, ``TAP_VPC_CONTEXT`` (a JSON object of ``-c`` string values) sets extra settings. Nothing is deployed; the
  tests read ``TapVpcStack-<suffix>`` with the ambient AWS credentials.
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
from tap_vpc.config import TapVpcConfig
from tools import emulator
from tools.local import deploy_to_emulator
from tools.project import config_for
from tools.stack_resources import physical_ids

TARGET = os.environ.get("TAP_VPC_INTEGRATION_TARGET", "emulator")
ON_EMULATOR = TARGET == "emulator"
#: These deploy; against a real account the suite only reads, so they are not collected there.
collect_ignore = [] if ON_EMULATOR else ["test_update_in_place.py", "test_make_deploy.py", "test_archive_tamper.py"]


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
    tables = physical_ids(deployment.client("cloudformation"), deployment.config.stack_name, "AWS::EC2::RouteTable")
    return [table for logical_id, table in tables.items() if logical_id.startswith("VpcIsolatedSubnet")]


def target_context(suffix: str) -> dict[str, str]:
    """The ``-c`` values the deployment was (or is) synthesized with."""
    extra: dict[str, str] = json.loads(os.environ.get("TAP_VPC_CONTEXT", "{}"))
    return {**extra, "environmentSuffix": suffix}


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """``{OutputKey: OutputValue}`` of a deployed stack."""
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Deploy to a fresh emulator (default), or read the real-account stack."""
    suffix = os.environ.get("ENVIRONMENT_SUFFIX", "dev")
    context = target_context(suffix)
    if not ON_EMULATOR:
        config = config_for(**context)
        session = boto3.Session()
        cloudformation = session.client("cloudformation", region_name=config.region)
        yield Deployment(
            config,
            stack_outputs(cloudformation, config.stack_name),
            stack_outputs(cloudformation, consumer_stack_name(suffix)),
            session,
            None,
            context,
        )
        return
    workdir: Path = tmp_path_factory.mktemp("emulator")
    with emulator.running(workdir / "moto.log") as server:
        config, outputs, consumer = deploy_to_emulator(server, context, workdir, quiet=True)
        assert config.account is not None, "the integration suite deploys a declared environment"
        credentials = server.environment(config.region, config.account)
        session = boto3.Session(
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        )
        yield Deployment(config, outputs, consumer, session, server.endpoint, context, server, workdir)
