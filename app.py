#!/usr/bin/env python3
"""CDK entry point: read the config once, build TapVpcStack, add the compliance packs, synth.

An invalid setting prints one error block and exits 1 before anything is synthesized.
"""

from __future__ import annotations

import os
import sys

from aws_cdk import App, Environment

from tap_vpc.compliance import add_compliance_checks
from tap_vpc.config import DeployTarget
from tap_vpc.errors import ConfigError
from tap_vpc.settings import load_config
from tap_vpc.tap_vpc_stack import TapVpcStack


def main() -> int:
    """Synthesize TapVpcStack-<environmentSuffix>; return the process exit code."""
    app = App()
    try:
        config = load_config(app.node.get_all_context(), os.environ)
    except ConfigError as error:
        print(error.render(), file=sys.stderr)
        return 1
    if config.deploy_target is DeployTarget.EMULATOR:
        print(
            "deployTarget=emulator: default security group lock-down left out "
            "(the emulator cannot run its Lambda); AWS templates keep it.",
            file=sys.stderr,
        )
    TapVpcStack(
        app,
        config.stack_name,
        config=config,
        env=Environment(account=config.account, region=config.region),
    )
    add_compliance_checks(app)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
