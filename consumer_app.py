#!/usr/bin/env python3
"""CDK entry point of the example consumer: `npx cdk deploy --app ".venv/bin/python consumer_app.py"`.

It reads ``environmentSuffix`` and ``azCount`` through the same validated config
as app.py, so it imports exactly the exports of the producer it is pointed at.
"""

from __future__ import annotations

import sys

from aws_cdk import App, Environment

from tap_vpc.config import TapVpcConfig
from tap_vpc.entrypoint import synth_app
from tap_vpc.example_consumer import ExampleConsumerStack, consumer_stack_name


def build(app: App, config: TapVpcConfig) -> None:
    """Add TapVpcConsumer-<environmentSuffix> to ``app``."""
    ExampleConsumerStack(
        app,
        consumer_stack_name(config.environment_suffix),
        environment_suffix=config.environment_suffix,
        az_count=config.az_count,
        env=Environment(account=config.account, region=config.region),
    )


if __name__ == "__main__":
    sys.exit(synth_app(build))
