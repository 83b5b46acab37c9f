"""`make access-analysis SUFFIX=prod`: run Network Access Analyzer on every scope of a deployed stack.

The stack declares one ``AWS::EC2::NetworkInsightsAccessScope`` per deny rule of its reachability
matrix. This starts an analysis of each, waits for it, and lists the paths it found. Any path is a
breach of the matrix in the live account (for example a route added by hand), so the command then
exits 1. Needs ``ec2:StartNetworkInsightsAccessScopeAnalysis``, ``ec2:Describe*`` and
``ec2:GetNetworkInsightsAccessScopeAnalysisFindings``; the analyses are billed per ENI analysed.

    python -m tools.access_analysis --environment prod
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import boto3

from tap_vpc.settings.config import TapVpcConfig
from tools.credentials import caller_account
from tools.project import ToolError, config_for, run_cli
from tools.stack_resources import physical_ids

SCOPE_TYPE = "AWS::EC2::NetworkInsightsAccessScope"
#: An analysis usually finishes within minutes; give up after this many seconds.
ANALYSIS_TIMEOUT = 900


def access_scopes(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """Logical ID -> scope ID of every access scope in the stack."""
    return physical_ids(cloudformation, stack_name, SCOPE_TYPE)


def analyse(ec2: Any, scope_id: str, *, sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """Run one analysis of ``scope_id`` to completion; return its findings (paths that match)."""
    analysis = ec2.start_network_insights_access_scope_analysis(NetworkInsightsAccessScopeId=scope_id)[
        "NetworkInsightsAccessScopeAnalysis"
    ]
    analysis_id = analysis["NetworkInsightsAccessScopeAnalysisId"]
    deadline = time.monotonic() + ANALYSIS_TIMEOUT
    while analysis["Status"] == "running":
        if time.monotonic() > deadline:
            raise ToolError(f"{scope_id}: analysis {analysis_id} still running after {ANALYSIS_TIMEOUT} s")
        sleep(10)
        (analysis,) = ec2.describe_network_insights_access_scope_analyses(
            NetworkInsightsAccessScopeAnalysisIds=[analysis_id]
        )["NetworkInsightsAccessScopeAnalyses"]
    if analysis["Status"] != "succeeded":
        raise ToolError(f"{scope_id}: analysis {analysis_id} {analysis['Status']}: {analysis.get('StatusMessage', '')}")
    pages = ec2.get_paginator("get_network_insights_access_scope_analysis_findings").paginate(
        NetworkInsightsAccessScopeAnalysisId=analysis_id
    )
    return [finding for page in pages for finding in page.get("AnalysisFindings", [])]


def run_analyses(config: TapVpcConfig, client: Callable[[str], Any]) -> dict[str, int]:
    """Analyse every scope of ``config``'s stack; logical ID -> number of paths found."""
    scopes = access_scopes(client("cloudformation"), config.stack_name)
    if not scopes:
        raise ToolError(f"{config.stack_name} declares no access scopes; deploy the current template first")
    ec2 = client("ec2")
    return {logical_id: len(analyse(ec2, scope_id)) for logical_id, scope_id in sorted(scopes.items())}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry; see the module docstring."""
    parser = argparse.ArgumentParser(description="Run Network Access Analyzer on a deployed TAP VPC.")
    parser.add_argument("--environment", required=True)
    args = parser.parse_args(argv)
    config = config_for(environmentSuffix=args.environment.strip())
    caller_account(config.region)  # no credentials, or refused ones: one line, before anything else
    found = run_analyses(config, lambda service: boto3.client(service, region_name=config.region))  # type: ignore[call-overload]
    for logical_id, paths in found.items():
        print(f"access-analysis: {logical_id}: {paths} path(s) found")
    breaches = {logical_id: paths for logical_id, paths in found.items() if paths}
    if breaches:
        raise ToolError(f"{len(breaches)} scope(s) found paths the reachability matrix denies: {', '.join(breaches)}")
    print(f"access-analysis: {config.stack_name}: no path the matrix denies")


if __name__ == "__main__":
    run_cli(main, "access-analysis")
