"""cfn-lint and checkov on the template of every profile: zero errors, warnings and failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import logical_id_at, resource_at, synthesized_with_paths
from tools.project import ROOT, config_for, synthesize

PROFILES: dict[str, TapVpcConfig] = {
    "dev": config_for(),
    "prod": config_for(environmentSuffix="prod"),
    "ephemeral": config_for(environmentSuffix="pr-1"),
    "isolated-single-nat": config_for(natGateways="1", isolatedSubnetCidrs="10.0.21.0/24,10.0.22.0/24,10.0.23.0/24"),
}
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
#: aws-cdk-lib's Lambda that locks the default security group down, TAP VPC's that empties the
#: default network ACL, and the server access logs' bucket.
LOCKDOWN = "Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler"
ACL_LOCKDOWN = "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider/Handler"
LAMBDA_CHECKS = ("CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117")
ACCESS_LOGS = "FlowLogArchive/AccessLogBucket/Resource"


def checkov_name(config: TapVpcConfig, path: str) -> str:
    """How checkov names the resource at ``path``: ``<type>.<logical ID>``."""
    template = synthesized_with_paths(config)
    return f"{resource_at(template, path)['Type']}.{logical_id_at(template, path)}"


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("templates")
    for name, config in PROFILES.items():
        (directory / f"{name}.template.json").write_text(json.dumps(synthesize(config).to_json()))
    return directory


def test_cfn_lint_reports_nothing_on_any_profile(template_dir: Path) -> None:
    templates = sorted(str(path) for path in template_dir.glob("*.template.json"))
    assert len(templates) == len(PROFILES)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), *templates], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_checkov_finds_no_failure_on_any_profile(template_dir: Path) -> None:
    result = subprocess.run(
        [str(CHECKOV), "-d", str(template_dir), "--framework", "cloudformation", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert summary["failed"] == 0, [c["check_id"] for c in report["results"]["failed_checks"]]
    assert summary["passed"] > 0
    skipped = sorted({(c["check_id"], c["resource"]) for c in report["results"]["skipped_checks"]})
    lockdown, access_logs = checkov_name(PROFILES["dev"], LOCKDOWN), checkov_name(PROFILES["dev"], ACCESS_LOGS)
    acl_lockdown = checkov_name(PROFILES["dev"], ACL_LOCKDOWN)
    assert skipped == sorted(
        [
            *((check, lockdown) for check in LAMBDA_CHECKS),
            *((check, acl_lockdown) for check in LAMBDA_CHECKS),
            # S3 server access logs' destination does not log itself (dev and prod build the archive).
            ("CKV_AWS_18", access_logs),
        ]
    )


def test_every_checkov_skip_carries_its_reason_in_the_template() -> None:
    resources = synthesize(TapVpcConfig()).to_json()["Resources"]
    skips = [
        skip
        for resource in resources.values()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert sorted(skip["id"] for skip in skips) == sorted([*LAMBDA_CHECKS, *LAMBDA_CHECKS, "CKV_AWS_18"])
    for skip in skips:
        assert len(skip["comment"].split()) >= 8, f"{skip['id']} needs a reason a reviewer can check"


def test_each_checkov_skip_is_needed(tmp_path: Path) -> None:
    """Without the skips in the template's metadata, checkov fails exactly the checks they skip."""
    resources = synthesize(TapVpcConfig()).to_json()["Resources"]
    stripped = {
        logical_id: {**resource, "Metadata": {k: v for k, v in resource.get("Metadata", {}).items() if k != "checkov"}}
        for logical_id, resource in resources.items()
    }
    (tmp_path / "stripped.template.json").write_text(json.dumps({"Resources": stripped}))
    result = subprocess.run(
        [str(CHECKOV), "-d", str(tmp_path), "--framework", "cloudformation", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    failed = sorted({(c["check_id"], c["resource"]) for c in json.loads(result.stdout)["results"]["failed_checks"]})
    lockdown, acl_lockdown = checkov_name(TapVpcConfig(), LOCKDOWN), checkov_name(TapVpcConfig(), ACL_LOCKDOWN)
    assert failed == sorted(
        [
            *((check, lockdown) for check in LAMBDA_CHECKS),
            *((check, acl_lockdown) for check in LAMBDA_CHECKS),
            ("CKV_AWS_18", checkov_name(TapVpcConfig(), ACCESS_LOGS)),
        ]
    )
