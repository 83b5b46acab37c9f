#!/usr/bin/env python3
"""CDK entry point of the example consumer: `cdk deploy --app "python3 consumer_app.py"`.

It reads ``environmentSuffix``, ``azCount`` and ``deployTarget`` through the same validated config
as app.py, so it imports exactly the exports of the producer it is pointed at.
"""

from __future__ import annotations

import os
import sys

from aws_cdk import App, Environment

from tap_vpc.compliance import add_compliance_checks
from tap_vpc.config import DeployTarget
from tap_vpc.errors import ConfigError
from tap_vpc.example_consumer import ExampleConsumerStack
from tap_vpc.settings import load_config


def main() -> int:
    """Synthesize TapVpcConsumer-<environmentSuffix>; return the process exit code."""
    app = App()
    try:
        config = load_config(app.node.get_all_context(), os.environ)
    except ConfigError as error:
        print(error.render(), file=sys.stderr)
        return 1
    ExampleConsumerStack(
        app,
        f"TapVpcConsumer-{config.environment_suffix}",
        environment_suffix=config.environment_suffix,
        az_count=config.az_count,
        # moto 5.2.5 fails to create interface endpoints from CloudFormation; see README.
        interface_endpoint=config.deploy_target is DeployTarget.AWS,
        env=Environment(account=config.account, region=config.region),
    )
    add_compliance_checks(app)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
