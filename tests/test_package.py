"""The installable package: a wheel of tap_vpc alone, typed, and usable by a consumer outside this repository.

A consumer installs aws-cdk-lib and constructs with it, nothing else; the compliance gates are the
``gates`` extra.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from tools.project import ROOT

PIP_QUIET = ["--quiet", "--disable-pip-version-check"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy (setuptools writes build/ and *.egg-info/ beside the sources) of every Python
    # package and module of the repository, so that the wheel's contents are packages.find's choice.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for entry in ROOT.iterdir():
        if entry.suffix == ".py":
            shutil.copy(entry, source / entry.name)
        elif (entry / "__init__.py").exists():
            shutil.copytree(entry, source / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *PIP_QUIET, "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [built] = out.glob("*.whl")
    return built


def project_version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def newest_changelog_version() -> str:
    newest = re.search(r"^## (\S+) \(", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert newest, "CHANGELOG.md has no '## <version> (<date>)' heading"
    return newest.group(1)


def metadata_of(wheel: Path) -> Message:
    archive = zipfile.ZipFile(wheel)
    [name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
    return message_from_bytes(archive.read(name))


def requirement_names(requirements: list[str], extra: str | None) -> list[str]:
    """The distribution names of ``requirements`` that apply with ``extra`` (None: a plain install)."""
    marker = f'extra == "{extra}"' if extra else None
    return sorted(
        re.split(r"[<>=!~;\[ ]", requirement)[0]
        for requirement in requirements
        if (marker in requirement if marker else "extra ==" not in requirement)
    )


def test_the_version_is_semver_and_the_changelogs_newest() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", project_version())
    assert newest_changelog_version() == project_version()


def test_the_wheel_is_the_projects_version(wheel: Path) -> None:
    version = metadata_of(wheel)["Version"]
    assert version == project_version() == newest_changelog_version()
    assert wheel.name == f"tap_vpc-{version}-py3-none-any.whl"


def test_the_wheel_holds_tap_vpc_alone_and_is_typed(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"tap_vpc"}
    assert [name for name in names if {"ci_roles", "tools", "tests"} & set(name.split("/"))] == []
    assert "tap_vpc/py.typed" in names
    assert "tap_vpc/exports/imports.py" in names


def test_a_plain_install_needs_aws_cdk_lib_and_constructs_only(wheel: Path) -> None:
    requirements = metadata_of(wheel).get_all("Requires-Dist") or []
    assert requirement_names(requirements, None) == ["aws-cdk-lib", "constructs"]
    # The compliance gates that app.py runs: `pip install "tap-vpc[gates]"`.
    assert requirement_names(requirements, "gates") == ["cdk-nag", "cdklabs-cdk-validator-cfnguard"]


def test_a_consumer_synthesizes_from_the_installed_wheel_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # A bare venv, filled by this venv's pip (``--python``): installing pip into it and byte-compiling
    # aws-cdk-lib there took 35 of this test's 42 s, and neither is what the test is about.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The wheel's declared dependencies, at this repository's pinned versions (pip's cache serves them).
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", *PIP_QUIET, "--no-compile"),
            *(str(wheel), "-c", str(ROOT / "constraints.txt")),
        ],
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
    imported = printed(python, "import tap_vpc; print(tap_vpc.__file__)", consumer)
    assert imported.startswith(str(venv)), "tap_vpc must come from the installed wheel, not the repository"
    gates = printed(
        python, "import importlib.util as u; print(u.find_spec('cdk_nag'), u.find_spec('cdklabs'))", consumer
    )
    assert gates.split() == ["None", "None"], "a plain install must not bring cdk-nag or the cfn-guard validator"
    template = json.loads((outdir / "TapVpcConsumer-prod.template.json").read_text())
    imports = {
        value["Fn::ImportValue"] for value in _walk(template) if isinstance(value, dict) and "Fn::ImportValue" in value
    }
    assert {
        "TapVpcStack-prod-VpcId",
        "TapVpcStack-prod-SecurityGroupId",
        "TapVpcStack-prod-PrivateSubnet1Id",
    } <= imports


def printed(python: Path, code: str, cwd: Path) -> str:
    """What ``python -c code`` prints, run in ``cwd`` (it must succeed)."""
    return subprocess.run([str(python), "-c", code], cwd=cwd, capture_output=True, text=True, check=True).stdout


def _walk(node: object) -> list[object]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_importing_tap_vpc_loads_no_construct_until_one_is_used_and_the_stack_no_gate() -> None:
    # The tools import tap_vpc's settings modules; the constructs load on first use, and cdk-nag and
    # cfn-guard (the gates extra) only with tap_vpc.compliance.gates, which TapVpcStack does not need.
    probe = (
        "import sys, tap_vpc; print('aws_cdk' in sys.modules, 'cdk_nag' in sys.modules); "
        "tap_vpc.TapVpcStack; print('aws_cdk' in sys.modules, 'cdk_nag' in sys.modules)"
    )
    assert printed(Path(sys.executable), probe, ROOT).split() == ["False", "False", "True", "False"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    import tap_vpc

    with pytest.raises(AttributeError, match="module 'tap_vpc' has no attribute 'TapVpcStak'"):
        _ = tap_vpc.TapVpcStak
    assert all(getattr(tap_vpc, name) is not None for name in tap_vpc.__all__)
