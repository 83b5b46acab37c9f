"""Every expected failure a user can cause ends with one short message and a non-zero exit, never a traceback.

Each case runs the real command as a subprocess, as a user would.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.commands import CLEAN_AWS, one_message, run
from tools.emulator import Emulator, free_port, start
from tools.project import ROOT

PY = sys.executable


@pytest.fixture(scope="module")
def broken_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose cdk.json is not valid JSON."""
    tree = tmp_path_factory.mktemp("broken")
    for folder in ("tap_vpc", "tools", "docs", "examples"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "cdk.json").write_text((ROOT / "cdk.json").read_text().replace('"dev": {', '"dev" {', 1))
    return tree


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("local", ["-m", "tools.local", "up", "--port", "1"]),
        ("local", ["-m", "tools.local", "diff", "--port", "1"]),
        ("deploy", ["-m", "tools.deploy", "--environment", "dev", "--require-approval", "never"]),
        ("cost", ["-m", "tools.docs.cost"]),
    ],
)
def test_invalid_cdk_json_is_one_line_for_every_tool(broken_tree: Path, name: str, args: list[str]) -> None:
    message = one_message(run([PY, *args], cwd=broken_tree))
    assert re.fullmatch(
        rf"{name}: cdk\.json is not valid JSON: Expecting ':' delimiter at line \d+, column \d+", message
    )


def test_make_diff_without_an_emulator() -> None:
    port = free_port()
    message = one_message(run([PY, "-m", "tools.local", "diff", "--port", str(port)]))
    assert message == f"local: no emulator answers at http://localhost:{port}: run `make local` first"


def test_a_port_that_is_not_a_number() -> None:
    message = one_message(run([PY, "-m", "tools.local", "diff"], env={"TAP_VPC_EMULATOR_PORT": "abc"}))
    assert message == "local: TAP_VPC_EMULATOR_PORT must be a port number (1-65535), got 'abc'"


def test_a_port_taken_by_another_program(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("localhost", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        message = one_message(run([PY, "-m", "tools.local", "up", "--port", str(port)]))
    assert message == (
        f"local: port {port} is taken by another program; free it, or choose a port with TAP_VPC_EMULATOR_PORT=NNNN"
    )


def test_deploy_refuses_an_endpoint_from_the_environment() -> None:
    message = one_message(
        run([PY, "-m", "tools.deploy", "--environment", "dev"], env={"AWS_ENDPOINT_URL": "http://localhost:4599"})
    )
    assert message == (
        "deploy: AWS_ENDPOINT_URL is set, but make deploy targets AWS unless EMULATOR_PORT is given; unset it"
    )


def test_deploy_of_an_unknown_environment_is_the_settings_block() -> None:
    result = run([PY, "-m", "tools.deploy", "--environment", "prdo", "--require-approval", "never"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1].endswith("ephemeral name (pr-<number>, sandbox-<name>); did you mean 'prod'?")


NO_CREDENTIALS = {
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def test_deploy_without_credentials_says_so() -> None:
    message = one_message(
        run([PY, "-m", "tools.deploy", "--environment", "dev", "--require-approval", "never"], env=NO_CREDENTIALS)
    )
    assert message.startswith("deploy: no AWS credentials found (Unable to locate credentials); set AWS_PROFILE")


def test_access_analysis_without_credentials_says_so() -> None:
    message = one_message(run([PY, "-m", "tools.access_analysis", "--environment", "prod"], env=NO_CREDENTIALS))
    assert message.startswith("access-analysis: no AWS credentials found (Unable to locate credentials)")


def test_deploy_with_credentials_but_no_network_blames_the_network() -> None:
    fake_keys = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "fake"}
    dead_proxy = {"HTTPS_PROXY": f"http://localhost:{free_port()}", "https_proxy": f"http://localhost:{free_port()}"}
    message = one_message(
        run(
            [PY, "-m", "tools.deploy", "--environment", "dev", "--require-approval", "never"],
            env={**NO_CREDENTIALS, **fake_keys, **dead_proxy},
        )
    )
    assert message.startswith(
        "deploy: could not reach AWS STS to check the credentials: a network problem, not the credentials"
    )


@pytest.fixture
def doomed_emulator(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    process = start(port, tmp_path / "moto.log")
    yield port, process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_an_emulator_that_dies_during_a_deploy_is_named(doomed_emulator: tuple[int, subprocess.Popen[bytes]]) -> None:
    port, server = doomed_emulator
    deploy = subprocess.Popen(
        [PY, "-m", "tools.deploy", "--environment", "dev", "--require-approval", "never", "--emulator-port", str(port)],
        cwd=ROOT,
        env=CLEAN_AWS,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cloudformation = Emulator(port).client("cloudformation", account="111111111111")
    deadline = time.monotonic() + 120
    while not cloudformation.list_stacks()["StackSummaries"]:  # the bootstrap has begun
        assert time.monotonic() < deadline, "the deploy never reached the emulator"
        time.sleep(0.2)
    server.kill()
    # The CLI alone retries a dead endpoint for about 45 s; the watchdog stops it within seconds.
    _, stderr = deploy.communicate(timeout=30)
    assert deploy.returncode != 0
    assert "Traceback" not in stderr
    assert re.search(
        rf"^deploy: the emulator at http://localhost:{port} stopped answering during cdk (bootstrap|diff|deploy); "
        r"see \.local/ for its log, then run `make local` again$",
        stderr.strip().splitlines()[-1],
    ), stderr[-2000:]


def test_deploy_refuses_environments_of_two_accounts_in_one_run() -> None:
    message = one_message(
        run([PY, "-m", "tools.deploy", "--environment", "dev prod", "--require-approval", "never"], env=CLEAN_AWS)
    )
    assert message == (
        "deploy: one deploy runs in one account, but these are in 2: dev in 111111111111, prod in 222222222222; "
        "deploy each account separately (the deploy workflow runs one job per account)"
    )


def test_deploy_refuses_an_environment_named_twice() -> None:
    message = one_message(run([PY, "-m", "tools.deploy", "--environment", "staging staging"]))
    assert message == "deploy: an environment is named twice: staging staging"


def test_make_local_refuses_an_environment_that_is_not_declared() -> None:
    port = free_port()
    message = one_message(run([PY, "-m", "tools.local", "up", "--environments", "dev qa", "--port", str(port)]))
    assert message == (
        "local: ENVIRONMENTS names qa, not a declared environment (dev, staging, uat, prod, prod-dr; cdk.json "
        "tapVpcEnvironments); the emulator fleet holds declared environments only"
    )
    assert not Emulator(port).is_up()
