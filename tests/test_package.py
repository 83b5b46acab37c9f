"""The installable package: a wheel of tap_vpc alone, typed, and usable by a consumer outside this repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tools.project import ROOT

PIP_QUIET = ["--quiet", "--disable-pip-version-check"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy: setuptools writes build/ and *.egg-info/ beside the sources.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "tap_vpc", source / "tap_vpc", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *PIP_QUIET, "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [built] = out.glob("*.whl")
    return built


def test_the_version_is_semver_and_in_the_changelog() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"## {version} (" in (ROOT / "CHANGELOG.md").read_text()


def test_the_wheel_holds_tap_vpc_alone_and_is_typed(wheel: Path) -> None:
    assert wheel.name == "tap_vpc-2.3.0-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("tap_vpc-2.3.0.dist-info")}
    assert top_level == {"tap_vpc"}
    assert "tap_vpc/py.typed" in names
    assert "tap_vpc/exports/imports.py" in names


def test_a_consumer_synthesizes_from_the_installed_wheel_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The wheel's declared dependencies, at this repository's pinned versions (pip's cache serves them).
    subprocess.run(
        [str(python), "-m", "pip", "install", *PIP_QUIET, str(wheel), "-c", str(ROOT / "constraints.txt")],
        check=True,
        capture_output=True,
        timeout=900,
    )
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    shutil.copy(ROOT / "examples" / "consumer" / "consumer_app.py", consumer / "consumer_app.py")
    outdir = consumer / "cdk.out"
    result = subprocess.run(
        [str(python), "consumer_app.py"],
        cwd=consumer,
        env={
            "PATH": f"{ROOT / 'node_modules' / '.bin'}:/usr/bin:/bin",
            "CDK_OUTDIR": str(outdir),
            "CDK_CONTEXT_JSON": json.dumps(
                {"environmentSuffix": "prod", "account": "222222222222", "region": "us-east-1"}
            ),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = subprocess.run(
        [str(python), "-c", "import tap_vpc; print(tap_vpc.__file__)"],
        cwd=consumer,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert imported.startswith(str(venv)), "tap_vpc must come from the installed wheel, not the repository"
    template = json.loads((outdir / "TapVpcConsumer-prod.template.json").read_text())
    imports = {
        value["Fn::ImportValue"] for value in _walk(template) if isinstance(value, dict) and "Fn::ImportValue" in value
    }
    assert {
        "TapVpcStack-prod-VpcId",
        "TapVpcStack-prod-SecurityGroupId",
        "TapVpcStack-prod-PrivateSubnet1Id",
    } <= imports


def _walk(node: object) -> list[object]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_importing_tap_vpc_loads_no_construct_until_one_is_used() -> None:
    # The tools import tap_vpc's settings modules; the constructs, cdk-nag and cfn-guard load on first use.
    probe = (
        "import sys, tap_vpc; print('aws_cdk' in sys.modules, 'cdk_nag' in sys.modules); "
        "tap_vpc.TapVpcStack; print('aws_cdk' in sys.modules, 'cdk_nag' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "True", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    import tap_vpc

    with pytest.raises(AttributeError, match="module 'tap_vpc' has no attribute 'TapVpcStak'"):
        _ = tap_vpc.TapVpcStak
    assert all(getattr(tap_vpc, name) is not None for name in tap_vpc.__all__)
