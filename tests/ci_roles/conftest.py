"""The CI roles stacks, synthesized once per session: as `python -m ci_roles` builds them, and directly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ci_roles.app import build
from tap_vpc.entrypoint import synth_app
from tests.ci_roles.synth import RolesTemplate, ci_roles_app_with, synth_ci_roles


@pytest.fixture(scope="session")
def direct_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """TapVpcCiRolesStack built directly for the prod account (``synth_ci_roles``)."""
    return synth_ci_roles(tmp_path_factory.mktemp("ci-roles-direct"))


@pytest.fixture(scope="session")
def roles_template(tmp_path_factory: pytest.TempPathFactory) -> RolesTemplate:
    """A function of an environment: the TapVpcCiRoles-<environment> template the app writes (synthesized once)."""
    templates: dict[str, dict[str, Any]] = {}

    def synthesized(environment: str) -> dict[str, Any]:
        if environment not in templates:
            outdir = tmp_path_factory.mktemp(f"ci-roles-{environment}")
            assert synth_app(build, ci_roles_app_with(outdir, environment)) == 0
            templates[environment] = json.loads((outdir / f"TapVpcCiRoles-{environment}.template.json").read_text())
        return templates[environment]

    return synthesized
