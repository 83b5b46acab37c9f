"""Shared fixtures: each configuration is synthesized once per session and shared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk.assertions import Template

from tap_vpc.settings.config import TapVpcConfig
from tools.project import synthesize


@pytest.fixture(scope="session")
def default_config() -> TapVpcConfig:
    """The built-in production topology, as ``TapVpcConfig()`` (no profile)."""
    return TapVpcConfig()


@pytest.fixture(scope="session")
def template(default_config: TapVpcConfig) -> Template:
    """Template of the built-in defaults: 3 AZs, NAT per AZ, 365 days, retained data."""
    return synthesize(default_config)


@pytest.fixture(scope="session")
def template_json(template: Template) -> Mapping[str, Any]:
    """The same template as a dict, for walking references."""
    return template.to_json()


@pytest.fixture(scope="session")
def template_with_paths(default_config: TapVpcConfig) -> Mapping[str, Any]:
    """The same template with each resource's ``aws:cdk:path``, as ``cdk synth`` writes it: find by construct path."""
    from tests.template_helpers import synthesized_with_paths  # local: only the tests that find by path load it

    return synthesized_with_paths(default_config)


_SKIPPED_INTEGRATION: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record integration tests that skipped (an xfail is not a skip)."""
    if report.skipped and "integration" in report.keywords and not hasattr(report, "wasxfail"):
        _SKIPPED_INTEGRATION.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run where integration tests skip is a failed run."""
    if _SKIPPED_INTEGRATION:
        print(f"\nintegration tests skipped, which counts as a failure: {_SKIPPED_INTEGRATION}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
