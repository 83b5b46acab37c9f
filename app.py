#!/usr/bin/env python3
"""CDK entry point: read the config, build TapVpcStack, add the compliance packs, synth.

With an environment selected (``-c environmentSuffix=prod`` or ENVIRONMENT_SUFFIX), its stack only;
with none, one stack per declared environment (``cdk deploy TapVpcStack-prod`` then picks one).
An invalid setting prints one error block and exits 1 before anything is synthesized.
"""

from __future__ import annotations

import sys

from aws_cdk import App

from tap_vpc.entrypoint import synth_app
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.tap_vpc_stack import add_tap_vpc_stack


def build(app: App, config: TapVpcConfig) -> None:
    """Add TapVpcStack-<environmentSuffix> to ``app``."""
    add_tap_vpc_stack(app, config)


if __name__ == "__main__":
    sys.exit(synth_app(build, fleet=True))
