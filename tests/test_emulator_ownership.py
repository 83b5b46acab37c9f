"""`make local-down` signals only the emulator this folder started, checked by pid, start time and command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.emulator import Emulator, free_port, pid_file, process_cmdline, process_start_time, record, start, stop


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process that is not ours to kill: the test checks it survives."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    process.kill()
    process.wait()


def plant(tmp_path: Path, at_port: int, **fields: object) -> Path:
    path = pid_file(tmp_path, at_port)
    path.write_text(json.dumps(fields))
    return path


def test_a_foreign_pid_is_not_signalled(tmp_path: Path, bystander: subprocess.Popen[bytes]) -> None:
    port = free_port()
    path = plant(
        tmp_path,
        port,
        pid=bystander.pid,
        port=port,
        start_time=process_start_time(bystander.pid),
        cmdline=[sys.executable, "-m", "tools.moto_server", "-H", "localhost", "-p", str(port)],
    )
    message = stop(tmp_path, port)
    assert message.startswith(
        f"not signalling pid {bystander.pid} from emulator-{port}.json: process {bystander.pid} runs "
    )
    assert message.endswith("not the recorded emulator; removed the stale record")
    assert bystander.poll() is None, "the foreign process must still run"
    assert not path.exists()


def test_a_reused_pid_is_not_signalled(tmp_path: Path, bystander: subprocess.Popen[bytes]) -> None:
    port = free_port()
    plant(tmp_path, port, pid=bystander.pid, port=port, start_time="1", cmdline=process_cmdline(bystander.pid))
    assert stop(tmp_path, port) == (
        f"not signalling pid {bystander.pid} from emulator-{port}.json: process {bystander.pid} started at a "
        "different time, so the pid was reused; removed the stale record"
    )
    assert bystander.poll() is None


def test_a_record_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    pid = int(finished.stdout)
    port = free_port()
    plant(tmp_path, port, pid=pid, port=port, start_time="1", cmdline=["x"])
    assert stop(tmp_path, port) == (
        f"not signalling pid {pid} from emulator-{port}.json: no process {pid} is running; removed the stale record"
    )


def test_the_recorded_emulator_is_stopped(tmp_path: Path) -> None:
    port = free_port()
    process = start(port, tmp_path / "moto.log")
    record(process, port, pid_file(tmp_path, port))
    assert stop(tmp_path, port) == f"emulator stopped (pid {process.pid}, port {port})"
    assert process.wait(timeout=10) is not None
    assert not Emulator(port).is_up()


def test_another_port_gets_its_own_record(tmp_path: Path) -> None:
    assert pid_file(tmp_path, 4599) != pid_file(tmp_path, 4600)
