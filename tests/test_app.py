"""The real entry points as a user runs them: `python app.py` and `cdk synth` subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.template_helpers import cdk_path, synthesized_with_paths
from tools.project import ROOT, cdk_json_context, config_for


def run(command: list[str], outdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the project root with ``CDK_OUTDIR=outdir``."""
    inherited = {key: value for key, value in os.environ.items() if key != "ENVIRONMENT_SUFFIX"}
    environment = {**inherited, "CDK_OUTDIR": str(outdir), "CDK_DISABLE_CLI_TELEMETRY": "true", **env}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False)


def context_json(**context: str) -> str:
    """CDK_CONTEXT_JSON as the CLI passes it: cdk.json context merged with -c values."""
    return json.dumps({**cdk_json_context(), **context})


def test_python_app_rejects_300_with_one_block_and_writes_nothing(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "app.py"], tmp_path, CDK_CONTEXT_JSON=context_json(flowLogMaxAggregationInterval="300")
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "TAP VPC configuration error: 1 invalid setting; nothing was synthesized.\n"
        "  - flowLogMaxAggregationInterval = 300: AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600 "
        "(seconds); CloudFormation rejects any other value at deploy time.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_python_app_lists_every_bad_key(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "app.py"],
        tmp_path,
        CDK_CONTEXT_JSON=context_json(flowLogRetention="30", natGateways="0", region="mars", environmentSuffix="pr-1"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n  - ") == 3
    assert list(tmp_path.iterdir()) == []


def test_a_bare_synth_writes_every_declared_environment_in_its_account(tmp_path: Path) -> None:
    result = run([sys.executable, "app.py"], tmp_path, CDK_CONTEXT_JSON=context_json())
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.glob("*.template.json")) == [
        "TapVpcStack-dev.template.json",
        "TapVpcStack-prod-dr.template.json",
        "TapVpcStack-prod.template.json",
        "TapVpcStack-staging.template.json",
        "TapVpcStack-uat.template.json",
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())["artifacts"]
    assert {
        name: manifest[f"TapVpcStack-{name}"]["environment"] for name in ("dev", "staging", "uat", "prod", "prod-dr")
    } == {
        "dev": "aws://111111111111/us-east-1",
        "staging": "aws://333333333333/us-east-1",
        "uat": "aws://333333333333/us-east-1",
        "prod": "aws://222222222222/us-east-1",
        "prod-dr": "aws://222222222222/us-west-2",
    }
    template = json.loads((tmp_path / "TapVpcStack-prod.template.json").read_text())
    assert template["Outputs"]["VpcId"]["Export"] == {"Name": "TapVpcStack-prod-VpcId"}
    dr = json.loads((tmp_path / "TapVpcStack-prod-dr.template.json").read_text())
    assert dr["Outputs"]["VpcId"]["Export"] == {"Name": "TapVpcStack-prod-dr-VpcId"}
    assert [
        subnet["Properties"]["AvailabilityZoneId"]
        for subnet in dr["Resources"].values()
        if subnet["Type"] == "AWS::EC2::Subnet"
    ][:3] == ["usw2-az1", "usw2-az2", "usw2-az3"]
    assert result.stderr == ""


def test_a_selected_environment_synthesizes_alone(tmp_path: Path) -> None:
    # `cdk synth` also turns on path metadata (`--path-metadata`, its default), as here.
    context = json.dumps({**cdk_json_context(), "aws:cdk:enable-path-metadata": True})
    result = run([sys.executable, "app.py"], tmp_path, CDK_CONTEXT_JSON=context, ENVIRONMENT_SUFFIX="dev")
    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.glob("*.template.json")] == ["TapVpcStack-dev.template.json"]
    # The construct paths it records are those the tests find resources by (tests/template_helpers.py).
    written = json.loads((tmp_path / "TapVpcStack-dev.template.json").read_text())
    in_process = synthesized_with_paths(config_for(environmentSuffix="dev"))
    assert {lid: cdk_path(resource) for lid, resource in written["Resources"].items()} == {
        lid: cdk_path(resource) for lid, resource in in_process["Resources"].items()
    }


def test_a_bare_synth_reports_a_problem_shared_by_every_environment_once(tmp_path: Path) -> None:
    result = run([sys.executable, "app.py"], tmp_path, CDK_CONTEXT_JSON=context_json(natGateways="0"))
    assert result.returncode == 1
    assert result.stderr.startswith("TAP VPC configuration error: 1 invalid setting; nothing was synthesized.")
    assert list(tmp_path.iterdir()) == []


def test_cdk_synth_fails_on_300_naming_60_and_600(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    result = run(
        ["node_modules/.bin/cdk", "synth", "--quiet", "-o", str(outdir), "-c", "flowLogMaxAggregationInterval=300"],
        tmp_path,
        PATH=f"{ROOT / 'node_modules/.bin'}:{os.environ['PATH']}",
    )
    assert result.returncode != 0
    assert (
        "flowLogMaxAggregationInterval = 300: AWS::EC2::FlowLog MaxAggregationInterval must be 60 or 600"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not list(outdir.glob("*.template.json"))
