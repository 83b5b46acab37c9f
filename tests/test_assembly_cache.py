"""A warm `make local` deploys its assemblies again without a synth, and synthesizes when any input changed.

No emulator: the CLI calls (synth, bootstrap, deploy) are replaced by recorders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools import emulator_fleet, local
from tools.assembly_cache import STAMP, input_files, inputs_digest, is_current, stamp
from tools.deploy import Target
from tools.emulator import Emulator
from tools.project import config_for


def tree(root: Path) -> Path:
    (root / "tap_vpc" / "network").mkdir(parents=True)
    (root / "tap_vpc" / "network" / "vpc.py").write_text("CIDR = '10.0.0.0/16'\n")
    (root / "tap_vpc" / "__pycache__").mkdir()
    (root / "tap_vpc" / "__pycache__" / "vpc.cpython-311.pyc").write_bytes(b"\0")
    (root / "cdk.json").write_text("{}")
    return root


def test_the_digest_follows_every_input_file_the_app_and_the_context(tmp_path: Path) -> None:
    root = tree(tmp_path)
    inputs = ("cdk.json", "tap_vpc", "app.py")  # app.py is absent here: no file, nothing to read
    base = inputs_digest("app.py", {"environmentSuffix": "dev"}, root, inputs)
    assert [p.relative_to(root).as_posix() for p in input_files(root, inputs)] == ["cdk.json", "tap_vpc/network/vpc.py"]
    assert inputs_digest("app.py", {"environmentSuffix": "dev"}, root, inputs) == base
    assert inputs_digest("app.py", {"environmentSuffix": "prod"}, root, inputs) != base
    assert inputs_digest("consumer.py", {"environmentSuffix": "dev"}, root, inputs) != base
    (root / "tap_vpc" / "__pycache__" / "vpc.cpython-311.pyc").write_bytes(b"\1")  # byte code is no input
    assert inputs_digest("app.py", {"environmentSuffix": "dev"}, root, inputs) == base
    (root / "tap_vpc" / "network" / "vpc.py").write_text("CIDR = '10.1.0.0/16'\n")
    assert inputs_digest("app.py", {"environmentSuffix": "dev"}, root, inputs) != base


def test_an_assembly_is_current_only_with_its_manifest_and_the_same_stamp(tmp_path: Path) -> None:
    assert not is_current(tmp_path, "abc")
    (tmp_path / "manifest.json").write_text("{}")
    assert not is_current(tmp_path, "abc")
    stamp(tmp_path, "abc")
    assert (tmp_path / STAMP).read_text() == "abc"
    assert is_current(tmp_path, "abc")
    assert not is_current(tmp_path, "abd")


class Recorder:
    """Stands in for the CLI: records each synth, and writes the assembly a synth would."""

    def __init__(self) -> None:
        self.synths: list[dict[str, str]] = []

    def synth(self, config: Any, context: dict[str, str], target: Any, out: Path) -> None:
        self.synths.append(dict(context))
        out.mkdir(exist_ok=True)
        (out / "manifest.json").write_text("{}")


def test_a_second_deploy_of_the_same_inputs_does_not_synthesize(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(emulator_fleet, "FLEET_ASSEMBLY", tmp_path / "cdk.fleet.out")
    monkeypatch.setattr(emulator_fleet, "synth", recorder.synth)
    monkeypatch.setattr(emulator_fleet, "bootstrap_emulator", lambda *args: None)
    deployed = {"TapVpcStack-dev": {"VpcId": "vpc-1"}}
    monkeypatch.setattr(emulator_fleet, "deploy", lambda configs, target, assembly, approval, outputs: deployed)
    server = Emulator(1)
    emulator_fleet.deploy_fleet(server, {}, tmp_path, names=["dev"], quiet=True)
    emulator_fleet.deploy_fleet(server, {}, tmp_path, names=["dev"], quiet=True)
    assert recorder.synths == [{"environmentSuffix": "dev"}]
    emulator_fleet.deploy_fleet(server, {"natGateways": "1"}, tmp_path, names=["dev"], quiet=True)
    assert recorder.synths == [{"environmentSuffix": "dev"}, {"natGateways": "1", "environmentSuffix": "dev"}]


def test_the_consumer_is_synthesized_once_then_deployed_from_its_assembly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def cdk(args: list[str], env: dict[str, str], **kwargs: Any) -> None:
        calls.append(args)
        out = Path(args[args.index("--output") + 1])
        out.mkdir()
        (out / "manifest.json").write_text("{}")

    deploys: list[list[str]] = []

    def deploy_stack(
        config: Any, target: Any, stack: str, app_args: list[str], *rest: Any, **kw: Any
    ) -> dict[str, str]:
        deploys.append(app_args)
        return {"Stack": stack}

    monkeypatch.setattr(local, "CONSUMER_ASSEMBLY", tmp_path / "cdk.consumer.out")
    monkeypatch.setattr(local, "cdk", cdk)
    monkeypatch.setattr(local, "deploy_stack", deploy_stack)
    config = config_for(environmentSuffix="dev")
    target = Target(Emulator(1), quiet=True)
    assert local.deploy_consumer(config, target, tmp_path) == {"Stack": "TapVpcConsumer-dev"}
    assert local.deploy_consumer(config, target, tmp_path) == {"Stack": "TapVpcConsumer-dev"}
    assert [call[:3] for call in calls] == [["synth", "--quiet", "--app"]]
    assert "environmentSuffix=dev" in calls[0]
    assert deploys == [["--app", str(tmp_path / "cdk.consumer.out")]] * 2
    assert json.loads((tmp_path / "cdk.consumer.out" / "manifest.json").read_text()) == {}


def test_make_diff_reads_the_assembly_make_local_wrote_and_synthesizes_after_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()
    assembly = tmp_path / "cdk.fleet.out"
    monkeypatch.setattr(emulator_fleet, "FLEET_ASSEMBLY", assembly)
    monkeypatch.setattr(local, "FLEET_ASSEMBLY", assembly)
    monkeypatch.setattr(emulator_fleet, "synth", recorder.synth)
    monkeypatch.setattr(Emulator, "is_up", lambda self: True)
    diffed: list[list[str]] = []

    def cdk_diff(config: Any, target: Any, args: list[str]) -> bool:
        diffed.append(args)
        return False  # no difference

    monkeypatch.setattr(local, "cdk_diff", cdk_diff)
    local.diff(1, {}, ["dev"])
    local.diff(1, {}, ["dev"])
    assert recorder.synths == [{"environmentSuffix": "dev"}]
    local.diff(1, {"natGateways": "1"}, ["dev"])
    assert recorder.synths == [{"environmentSuffix": "dev"}, {"natGateways": "1", "environmentSuffix": "dev"}]
    assert diffed == [["--app", str(assembly), "TapVpcStack-dev", "--method=template", "--fail"]] * 3
