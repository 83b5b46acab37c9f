"""Synthesize the CI roles: as `python -m ci_roles` does (cdk.json context), or the stack directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment
from aws_cdk.assertions import Template

from ci_roles.stack import TapVpcCiRolesStack
from tap_vpc.compliance.gates import add_compliance_checks, unacknowledged_findings
from tools.project import cdk_json_context

ACCOUNT, REGION, DR_REGION = "222222222222", "us-east-1", "us-west-2"
REPO = "example-org/tap-vpc"
#: environment -> the TapVpcCiRoles-<environment> template (the ``roles_template`` fixture).
RolesTemplate = Callable[[str], dict[str, Any]]


def ci_roles_app_with(outdir: Path, environment: str, **context: str) -> App:
    """An App as `cdk synth --app ".venv/bin/python -m ci_roles" -c environmentSuffix=<environment>` starts it."""
    return App(outdir=str(outdir), context={**cdk_json_context(), "environmentSuffix": environment, **context})


def synth_ci_roles(outdir: Path) -> dict[str, Any]:
    """The prod account's stack built directly (two regions, production), through all five gates."""
    app = App(outdir=str(outdir))
    stack = TapVpcCiRolesStack(
        app,
        "TapVpcCiRoles-prod",
        repository=REPO,
        github_environments=["production"],
        regions=[REGION, DR_REGION],
        env=Environment(account=ACCOUNT, region=REGION),
    )
    add_compliance_checks(app)
    template: dict[str, Any] = dict(Template.from_stack(stack).to_json())
    assert unacknowledged_findings(str(outdir)) == [], "the CI roles pass all five gates"
    return template
