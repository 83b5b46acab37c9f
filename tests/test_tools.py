"""Developer tools end bad input the way `cdk synth` does: one message, exit 1, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tap_vpc.errors import ConfigError, ConfigProblem
from tools.emulator import Emulator, free_port, running, stop
from tools.project import ROOT, ToolError, run_cli


def test_bad_settings_end_a_tool_with_the_synth_error_block() -> None:
    error = ConfigError([ConfigProblem("natGateways", "9", "must be 1 to azCount (3).")])

    def main() -> None:
        raise error

    with pytest.raises(SystemExit) as exit_info:
        run_cli(main, "local")
    assert exit_info.value.code == error.render()


def test_a_tool_error_ends_with_one_line_naming_the_tool() -> None:
    def main() -> None:
        raise ToolError("docs/prices.json holds us-east-1 prices")

    with pytest.raises(SystemExit) as exit_info:
        run_cli(main, "cost")
    assert exit_info.value.code == "cost: docs/prices.json holds us-east-1 prices"


def test_a_bug_in_a_tool_still_shows_its_traceback() -> None:
    def main() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_cli(main, "docs")


def test_make_local_with_a_bad_setting_prints_one_block_and_starts_no_emulator() -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "tools.local", "up", "-c", "flowLogMaxAggregationInterval=300", "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("TAP VPC configuration error: 1 invalid setting; nothing was synthesized.\n")
    assert "flowLogMaxAggregationInterval = 300" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Emulator(port).is_up()


def test_local_down_leaves_an_emulator_it_did_not_start_alone(tmp_path: Path) -> None:
    with running(tmp_path / "moto.log") as server:
        message = stop(tmp_path, server.port)
        assert message == (
            f"not stopping the emulator at localhost:{server.port}: it was not started from this folder "
            "(no .local record); stop it where it was started"
        )
        assert server.is_up(), "an emulator started elsewhere is left alone"
    assert stop(tmp_path, free_port()) == "no emulator was running"
