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

from tap_vpc.fleet.declarations import DEPLOY_WAVES, declared_environments
from tools.project import ROOT, cdk_json_context

WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
#: The actions the workflows may use, by name: GitHub's own and AWS's credentials action. Which commit each
#: is pinned to is Dependabot's to move (.github/dependabot.yml), so no SHA is written here.
ALLOWED_ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/setup-node",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/github-script",
    "aws-actions/configure-aws-credentials",
}
#: A ``uses:`` key, however it is written: every one must then read as ``PINNED``.
USES_KEY = re.compile(r"^\s*(?:-\s+)?uses\s*:")
#: ``uses: owner/repo[/path]@<full 40-hex commit SHA> # v<release>``: immutable, and in the form Dependabot
#: updates, SHA and version comment together (a tag or a short SHA could be moved or collide).
PINNED = re.compile(
    r"^\s*(?:-\s+)?uses: (?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40}) "
    r"# (?P<version>v\d+(?:\.\d+){0,2})$"
)
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
        assert isinstance(job.get("timeout-minutes"), int), f"{workflow.name}: job {job_id} needs a timeout"
        # A named runner image, not `-latest`, which moves under the pinned actions and tools.
        assert re.fullmatch(r"ubuntu-\d\d\.\d\d", job["runs-on"]), f"{workflow.name}: job {job_id}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_no_failure_is_swallowed(workflow: Path) -> None:
    """A job or step that may fail and still count as success would open every gate after it."""
    for job_id, job in yaml.safe_load(workflow.read_text())["jobs"].items():
        assert "continue-on-error" not in job, f"{workflow.name}: job {job_id}"
        for step in job.get("steps", []):
            assert "continue-on-error" not in step, f"{workflow.name}: job {job_id}, step {step}"


def pins(workflow: Path) -> list[re.Match[str]]:
    """Each ``uses:`` line of ``workflow`` as ``PINNED`` reads it; a line it cannot read fails here, by line."""
    lines = [line for line in workflow.read_text().splitlines() if USES_KEY.match(line)]
    unpinned = [line.strip() for line in lines if not PINNED.match(line)]
    assert unpinned == [], f"{workflow.name}: pin to a full commit SHA with a '# vX.Y.Z' comment: {unpinned}"
    return [match for line in lines if (match := PINNED.match(line))]


def used_actions(document: dict[Any, Any]) -> list[str]:
    """Every ``uses`` value of a parsed workflow: steps' actions and jobs' reusable workflows."""
    return [
        *(job["uses"] for job in document["jobs"].values() if "uses" in job),
        *(step["uses"] for job in document["jobs"].values() for step in job.get("steps", []) if "uses" in step),
    ]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_an_allowed_one_pinned_to_a_full_commit_sha(workflow: Path) -> None:
    found = pins(workflow)
    # The text and the YAML agree: no `uses` escapes the line check (a flow mapping, a quoted key...).
    in_text = sorted(f"{m['action']}@{m['sha']}" for m in found)
    assert in_text == sorted(used_actions(yaml.safe_load(workflow.read_text()))), (
        f"{workflow.name}: write each `uses` on its own line, as `uses: owner/repo@<sha> # vX.Y.Z`"
    )
    assert found, f"{workflow.name} uses no action"
    assert {m["action"] for m in found} <= ALLOWED_ACTIONS, {m["action"] for m in found} - ALLOWED_ACTIONS


def test_each_action_has_one_pin_and_one_version_across_the_workflows() -> None:
    pinned: dict[str, set[tuple[str, str]]] = {}
    for workflow in WORKFLOWS:
        for match in pins(workflow):
            pinned.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert set(pinned) == ALLOWED_ACTIONS  # each allowed action is in use (else drop it from the list)
    assert {action: sorted(found) for action, found in pinned.items() if len(found) > 1} == {}
    # Dependabot moves every action's pin in one grouped pull request, so the workflows never disagree.
    (actions,) = [
        update
        for update in yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())["updates"]
        if update["package-ecosystem"] == "github-actions"
    ]
    assert actions["directory"] == "/"  # Dependabot reads .github/workflows from the root
    assert [group["patterns"] for group in actions["groups"].values()] == [["*"]]


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


def test_pull_requests_run_in_the_pull_requests_own_unprivileged_context() -> None:
    # pull_request_target (or workflow_run) would hand the base repository's privileges to PR code.
    assert load("pull-request.yml")[True] == {"pull_request": {"branches": ["main"]}}


def test_only_the_deploy_workflow_assumes_the_deploy_role() -> None:
    roles = {
        workflow.name: {
            step["with"]["role-to-assume"].rsplit(":role/", 1)[1]
            for job in jobs(workflow.name).values()
            for step in uses(job, "aws-actions/configure-aws-credentials")
        }
        for workflow in WORKFLOWS
    }
    assert roles == {
        "deploy.yml": {"TapVpcDeploy"},
        "drift.yml": {"TapVpcReadOnly"},
        "pull-request.yml": {"TapVpcReadOnly"},
    }


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
    # The waves a declaration may name (cdk.json deployWave) are exactly the workflow's, in its order.
    assert [wave for _, wave, *_ in WAVES] == list(DEPLOY_WAVES)
    for job_id, _, github_environment, gate in WAVES:
        assert workflow[job_id]["needs"] == ["environments", gate], job_id
        assert workflow[job_id]["environment"] == github_environment, job_id
    assert workflow["synth"]["needs"] == "test"
    # An `if:` (always(), failure()...) would let a wave run although the one before it failed.
    assert [job_id for job_id, job in workflow.items() if "if" in job] == []
    assert load("deploy.yml")[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True


def test_one_deploy_runs_at_a_time_and_none_is_cancelled_half_way() -> None:
    assert load("deploy.yml")["concurrency"] == {"group": "deploy", "cancel-in-progress": False}


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
