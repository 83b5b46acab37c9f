"""The CDK app of the CI account set-up: ``TapVpcCiRoles-<environment>``, one per account of the fleet.

    cdk synth --app ".venv/bin/python -m ci_roles" -c environmentSuffix=prod

IAM names are global to an account, so an account's roles belong to its first declared
environment (prod for account 222222222222); they cover every region the account's environments
use (us-east-1 and us-west-2 there) and trust the GitHub environment of each of their deploy waves.
Naming another environment of the account is refused, naming the one to use; so is an environment
that is not declared (an ephemeral one has no account of its own). The repository comes from
cdk.json ``tapVpcGitHubRepository``.
"""

from __future__ import annotations

import re

from aws_cdk import App, DefaultStackSynthesizer, Environment

from ci_roles.product_names import ProductNames
from ci_roles.stack import TapVpcCiRolesStack
from ci_roles.trust import github_environment_for
from tap_vpc.errors import ConfigError, ConfigProblem
from tap_vpc.fleet.declarations import DeclaredEnvironment, account_environments, declared_environments
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import REPOSITORY_KEY

#: GitHub's ``owner/name``: an owner of letters, digits and hyphens; a name that may add ``.`` and ``_``.
REPOSITORY_PATTERN = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")


def build(app: App, config: TapVpcConfig) -> None:
    """Add TapVpcCiRoles-<environmentSuffix> to ``app``: the roles of the environment's whole account.

    Raises ``ConfigError`` (``synth_app`` prints it as one block) for an environment that is not
    the first declared one of its account, or a repository that is not ``owner/name``.
    """
    members = _account_members(app, config)
    repository = app.node.try_get_context(REPOSITORY_KEY)
    if not (isinstance(repository, str) and REPOSITORY_PATTERN.fullmatch(repository)):
        raise ConfigError(
            [
                ConfigProblem(
                    REPOSITORY_KEY,
                    repository,
                    "must be the GitHub repository whose workflows assume the roles, as owner/name (cdk.json).",
                )
            ]
        )
    TapVpcCiRolesStack(
        app,
        f"TapVpcCiRoles-{config.environment_suffix}",
        repository=repository,
        github_environments=sorted({github_environment_for(member.deploy_wave) for member in members}),
        # Declaration order puts the stack's own region (its account's first environment) first.
        regions=list(dict.fromkeys(member.region for member in members)),
        names=ProductNames.of(config),
        env=Environment(account=config.account, region=config.region),
        # Deployed with plain CloudFormation before the account is bootstrapped: no bootstrap check.
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def _account_members(app: App, config: TapVpcConfig) -> list[DeclaredEnvironment]:
    """The declared environments of ``config``'s account; ``ConfigError`` unless ``config`` is the first of them."""
    declared, _ = declared_environments(app.node.get_all_context())
    members = account_environments(declared, config.environment_suffix)
    if not members:
        firsts = [name for name in declared if account_environments(declared, name)[0].name == name]
        raise ConfigError(
            [
                ConfigProblem(
                    "environmentSuffix",
                    config.environment_suffix,
                    "is not declared in cdk.json tapVpcEnvironments, and the CI roles belong to an account of "
                    f"the fleet: name the first declared environment of an account ({', '.join(firsts)}).",
                )
            ]
        )
    if members[0].name != config.environment_suffix:
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
    return members
