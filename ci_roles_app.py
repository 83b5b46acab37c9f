#!/usr/bin/env python3
"""CDK entry point of the CI account set-up: ``TapVpcCiRoles-<environment>``, one per account of the fleet.

    npx cdk synth --app ".venv/bin/python ci_roles_app.py" -c environmentSuffix=prod

IAM names are global to an account, so an account's roles belong to its first declared
environment (prod for account 222222222222); they cover every region the account's environments
use (us-east-1 and us-west-2 there) and trust the GitHub environment of each of their deploy waves.
Naming another environment of the account is refused, naming the one to use. The repository comes
from cdk.json ``tapVpcGitHubRepository``. See the README, "First deploy to a new account".
"""

from __future__ import annotations

import sys

from aws_cdk import App, DefaultStackSynthesizer, Environment

from tap_vpc.ci_roles import TapVpcCiRolesStack, github_environment_for
from tap_vpc.entrypoint import synth_app
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.fleet.declarations import account_environments, declared_environments
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import REPOSITORY_KEY


def build(app: App, config: TapVpcConfig) -> None:
    """Add TapVpcCiRoles-<environmentSuffix> to ``app``: the roles of the environment's whole account."""
    declared, _ = declared_environments(app.node.get_all_context())
    members = account_environments(declared, config.environment_suffix)
    if members and members[0].name != config.environment_suffix:
        raise ConfigError(
            [
                ConfigProblem(
                    "environmentSuffix",
                    config.environment_suffix,
                    f"shares account {config.account} with {members[0].name}, and IAM role names are global to an "
                    f"account: deploy TapVpcCiRoles-{members[0].name}, which covers "
                    f"{', '.join(sorted({member.region for member in members}))}.",
                )
            ]
        )
    TapVpcCiRolesStack(
        app,
        f"TapVpcCiRoles-{config.environment_suffix}",
        repository=str(app.node.try_get_context(REPOSITORY_KEY)),
        github_environments=sorted({github_environment_for(member.deploy_wave) for member in members})
        or [github_environment_for("dev")],
        # Declaration order puts the stack's own region (its account's first environment) first.
        regions=list(dict.fromkeys(member.region for member in members)) or [config.region],
        env=Environment(account=config.account, region=config.region),
        # Deployed with plain CloudFormation before the account is bootstrapped: no bootstrap check.
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


if __name__ == "__main__":
    sys.exit(synth_app(build))
