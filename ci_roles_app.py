#!/usr/bin/env python3
"""CDK entry point of the CI account set-up: ``TapVpcCiRoles-<environment>`` for a declared environment.

    npx cdk synth --app ".venv/bin/python ci_roles_app.py" -c environmentSuffix=prod

The stack lands in the environment's declared account and region. Its GitHub environment is
``production`` for prod and ``development`` for any other; the repository comes from cdk.json
``tapVpcGitHubRepository``. See the README, "First deploy to a new account".
"""

from __future__ import annotations

import sys

from aws_cdk import App, DefaultStackSynthesizer, Environment

from tap_vpc.ci_roles import TapVpcCiRolesStack, github_environment_for
from tap_vpc.config import TapVpcConfig
from tap_vpc.entrypoint import synth_app
from tap_vpc.settings import REPOSITORY_KEY


def build(app: App, config: TapVpcConfig) -> None:
    """Add TapVpcCiRoles-<environmentSuffix> to ``app``."""
    TapVpcCiRolesStack(
        app,
        f"TapVpcCiRoles-{config.environment_suffix}",
        repository=str(app.node.try_get_context(REPOSITORY_KEY)),
        github_environment=github_environment_for(config.environment_suffix),
        env=Environment(account=config.account, region=config.region),
        # Deployed with plain CloudFormation before the account is bootstrapped: no bootstrap check.
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


if __name__ == "__main__":
    sys.exit(synth_app(build))
