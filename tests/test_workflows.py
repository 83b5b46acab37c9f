"""The GitHub Actions workflows, parsed as YAML: who holds credentials, what runs, where it deploys."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tap_vpc.fleet.declarations import declared_environments
from tools.project import ROOT, cdk_json_context

WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
CONFIGURE_AWS = "aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df"
PINNED_ACTIONS = {
    CHECKOUT,
    CONFIGURE_AWS,
    "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065",
    "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020",
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02",
    "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093",
    "actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea",
}
#: Commands that run code from the checked-out tree.
RUNS_TREE_CODE = re.compile(r"\b(make|python3?|\.venv/|pytest|pip)\b")


def load(name: str) -> dict[Any, Any]:
    """The workflow as YAML reads it (the key ``on`` becomes True)."""
    workflow: dict[Any, Any] = yaml.safe_load((WORKFLOW_DIR / name).read_text())
    return workflow


def jobs(name: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = load(name)["jobs"]
    return found


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in steps(job) if step.get("uses", "").split("@")[0] == action]


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", "--format", "plain", str(ROOT / ".github")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_the_workflows_are_pull_request_deploy_and_drift() -> None:
    assert [path.name for path in WORKFLOWS] == ["deploy.yml", "drift.yml", "pull-request.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_job_has_a_name_and_least_privilege_defaults(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text())
    assert document["permissions"] == {}
    for job_id, job in document["jobs"].items():
        assert job.get("name"), f"{workflow.name}: job {job_id} has no name"
        assert "permissions" in job, f"{workflow.name}: job {job_id} must state its permissions"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_known_commit(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text())
    used = {step["uses"] for job in document["jobs"].values() for step in job["steps"] if "uses" in step}
    assert used <= PINNED_ACTIONS, used - PINNED_ACTIONS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_checkout_drops_its_token(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text())
    for job in document["jobs"].values():
        for step in uses(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_aws_access_is_oidc_only_and_only_where_roles_are_assumed(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text())
    for job_id, job in document["jobs"].items():
        assumes = uses(job, "aws-actions/configure-aws-credentials")
        assert (job["permissions"].get("id-token") == "write") == bool(assumes), job_id
        for step in assumes:
            assert set(step["with"]) == {"role-to-assume", "aws-region"}, "no access keys, ever"
    assert "secrets." not in workflow.read_text()


def test_no_pull_request_job_that_runs_pr_code_holds_an_oidc_token() -> None:
    for job_id, job in jobs("pull-request.yml").items():
        if job["permissions"].get("id-token") != "write":
            continue
        for step in uses(job, "actions/checkout"):
            assert step["with"]["ref"] == "${{ github.event.pull_request.base.sha }}", job_id
        assert not [command for command in runs(job) if RUNS_TREE_CODE.search(command)], job_id


def test_the_test_job_holds_contents_read_only() -> None:
    for workflow in ("pull-request.yml", "deploy.yml"):
        job = jobs(workflow)["test"]
        assert job["permissions"] == {"contents": "read"}
        assert runs(job) == ["make test"]


def test_pull_requests_synth_then_diff_the_same_assembly_with_the_read_only_role() -> None:
    workflow = jobs("pull-request.yml")
    synth, diff = workflow["synth"], workflow["diff"]
    assert synth["permissions"] == {"contents": "read"}
    assert runs(synth) == ["make synth-fleet"]  # one assembly of every environment, as deploy.yml ships it
    assert uses(synth, "actions/upload-artifact")[0]["with"]["path"] == "cdk.fleet.out"
    assert diff["needs"] == ["environments", "synth"]
    assert uses(diff, "actions/download-artifact")[0]["with"] == {"name": "assembly", "path": "assembly"}
    [diff_command] = [command for command in runs(diff) if "cdk diff" in command]
    assert '--app assembly "TapVpcStack-$ENVIRONMENT_NAME"' in diff_command
    assert uses(diff, "aws-actions/configure-aws-credentials")[0]["with"]["role-to-assume"].endswith(
        ":role/TapVpcReadOnly"
    )


def test_the_comment_job_checks_out_nothing_and_edits_one_comment() -> None:
    job = jobs("pull-request.yml")["comment"]
    assert job["permissions"] == {"pull-requests": "write"}
    assert uses(job, "actions/checkout") == []
    script = uses(job, "actions/github-script")[0]["with"]["script"]
    assert "updateComment" in script
    assert "<!-- tap-vpc-cdk-diff -->" in script


def matrix_source(job: dict[str, Any]) -> str:
    source: str = job["strategy"]["matrix"]["environment"]
    return source


@pytest.mark.parametrize(("workflow", "job_id"), [("pull-request.yml", "diff"), ("drift.yml", "drift")])
def test_diff_and_drift_take_account_and_region_from_the_declaration(workflow: str, job_id: str) -> None:
    job = jobs(workflow)[job_id]
    assert matrix_source(job) == "${{ fromJSON(needs.environments.outputs.matrix) }}"
    credentials = uses(job, "aws-actions/configure-aws-credentials")[0]["with"]
    assert credentials["aws-region"] == "${{ matrix.environment.region }}"
    assert credentials["role-to-assume"].startswith("arn:aws:iam::${{ matrix.environment.account }}:role/")
    assert runs(jobs(workflow)["environments"]) == ['python3 tools/declared_environments.py >> "$GITHUB_OUTPUT"']


#: The deploy waves in order, each job's GitHub environment (prod ones are protected), and the job it waits for.
WAVES = [
    ("deploy-dev", "dev", "development", "synth"),
    ("deploy-staging", "staging", "staging", "deploy-dev"),
    ("deploy-prod", "prod", "production", "deploy-staging"),
    ("deploy-prod-dr", "prod-dr", "production", "deploy-prod"),
]


def test_the_fleet_deploys_in_four_waves_each_gated_by_the_one_before() -> None:
    workflow = jobs("deploy.yml")
    assert [job_id for job_id in workflow if job_id.startswith("deploy-")] == [job_id for job_id, *_ in WAVES]
    for job_id, _, github_environment, gate in WAVES:
        assert workflow[job_id]["needs"] == ["environments", gate], job_id
        assert workflow[job_id]["environment"] == github_environment, job_id
    assert workflow["synth"]["needs"] == "test"
    assert load("deploy.yml")[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True


@pytest.mark.parametrize(("job_id", "wave"), [(job_id, wave) for job_id, wave, *_ in WAVES])
def test_each_wave_is_one_job_per_account_with_that_accounts_role(job_id: str, wave: str) -> None:
    job = jobs("deploy.yml")[job_id]
    assert job["strategy"] == {
        "fail-fast": False,
        "matrix": {"target": f"${{{{ fromJSON(needs.environments.outputs.waves)['{wave}'] }}}}"},
    }
    assert uses(job, "aws-actions/configure-aws-credentials")[0]["with"] == {
        "role-to-assume": "arn:aws:iam::${{ matrix.target.account }}:role/TapVpcDeploy",
        "aws-region": "${{ matrix.target.region }}",
    }
    assert job["permissions"] == {"contents": "read", "id-token": "write"}


@pytest.mark.parametrize("job_id", [job_id for job_id, *_ in WAVES])
def test_every_wave_deploys_the_one_reviewed_assembly(job_id: str) -> None:
    job = jobs("deploy.yml")[job_id]
    assert uses(job, "actions/download-artifact")[0]["with"] == {"name": "assembly", "path": "cdk.fleet.out"}
    assert runs(job) == [
        'make deploy ENVIRONMENTS="$ENVIRONMENTS" ASSEMBLY=cdk.fleet.out APPROVAL=never '
        'APPROVE_DESTRUCTIVE="$APPROVE_DESTRUCTIVE"'
    ]
    assert job["steps"][-1]["env"]["ENVIRONMENTS"] == "${{ matrix.target.environments }}"


def test_the_assembly_is_synthesized_once_for_the_whole_fleet() -> None:
    synth = jobs("deploy.yml")["synth"]
    assert runs(synth) == ["make synth-fleet"]
    assert uses(synth, "actions/upload-artifact")[0]["with"]["name"] == "assembly"
    assert uses(synth, "actions/upload-artifact")[0]["with"]["path"] == "cdk.fleet.out"
    assert synth["permissions"] == {"contents": "read"}


def test_declared_waves_put_each_account_in_one_job_with_concurrency_for_its_stacks() -> None:
    result = subprocess.run(
        ["python3", "tools/declared_environments.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    waves = json.loads(dict(line.split("=", 1) for line in result.stdout.splitlines())["waves"])
    assert waves == {
        "dev": [
            {
                "account": "111111111111",
                "region": "us-east-1",
                "environments": "dev",
                "stacks": "TapVpcStack-dev",
                "concurrency": 1,
            }
        ],
        "staging": [
            {
                "account": "333333333333",
                "region": "us-east-1",
                "environments": "staging uat",
                "stacks": "TapVpcStack-staging TapVpcStack-uat",
                "concurrency": 2,
            }
        ],
        "prod": [
            {
                "account": "222222222222",
                "region": "us-east-1",
                "environments": "prod",
                "stacks": "TapVpcStack-prod",
                "concurrency": 1,
            }
        ],
        "prod-dr": [
            {
                "account": "222222222222",
                "region": "us-west-2",
                "environments": "prod-dr",
                "stacks": "TapVpcStack-prod-dr",
                "concurrency": 1,
            }
        ],
    }


def test_drift_runs_on_a_schedule_and_fails_on_drift() -> None:
    assert load("drift.yml")[True]["schedule"] == [{"cron": "17 6 * * *"}]
    [command] = [c for c in runs(jobs("drift.yml")["drift"]) if "cdk drift" in c]
    assert command.endswith("--fail")


def test_the_workflows_read_the_same_declaration_as_the_app() -> None:
    result = subprocess.run(
        ["python3", "tools/declared_environments.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines())
    declared, problems = declared_environments(cdk_json_context())
    assert problems == []
    assert json.loads(lines["environments"]) == {
        name: {"account": env.account, "region": env.region} for name, env in declared.items()
    }
    assert [entry["name"] for entry in json.loads(lines["matrix"])] == list(declared)
    assert {"dev", "prod"} <= set(declared)
    # Each environment deploys in the wave the product reads from its declaration, in exactly one job.
    placed = {
        name: wave
        for wave, targets in json.loads(lines["waves"]).items()
        for target in targets
        for name in target["environments"].split()
    }
    assert placed == {name: env.deploy_wave for name, env in declared.items()}
