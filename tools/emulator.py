"""The local AWS emulator: the project's patched moto server on loopback, owned safely.

Facts that shape this module (checked with moto 5.2.5, see docs/emulator.md):
- clients must use ``http://localhost:PORT`` (not 127.0.0.1): moto finds the CDK template bucket
  from the URL's host name;
- there is no working ``cdk destroy``; stopping the server (or ``POST /moto-api/reset``) wipes
  every resource instead;
- ``/moto-api/data.json`` grows to megabytes after one deploy, so liveness asks
  ``/moto-api/config`` (a few hundred bytes) instead.

Ownership: the server this folder starts is recorded in ``.local/emulator-<port>.json`` with its
pid, port, process start time and command line. ``stop`` signals it only when all four still
match the live process, so a reused pid is never killed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from tools.emulator_accounts import access_key_for
from tools.project import ROOT, ToolError

#: How long the liveness probe waits for an answer, in seconds.
PROBE_TIMEOUT = 5.0
#: How long a new server may take to answer, in seconds.
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Emulator:
    """A moto server on ``localhost:port``."""

    port: int

    @property
    def endpoint(self) -> str:
        """The AWS_ENDPOINT_URL for SDKs and the CDK CLI."""
        return f"http://localhost:{self.port}"

    def environment(self, region: str, account: str) -> dict[str, str]:
        """Environment variables that point SDKs and the CDK CLI at ``account`` in this emulator."""
        return {
            "AWS_ACCESS_KEY_ID": access_key_for(account),
            "AWS_SECRET_ACCESS_KEY": "emulator",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }

    def client(self, service: str, *, account: str, region: str = "us-east-1") -> Any:
        """A boto3 client for ``service`` acting in ``account`` on this emulator."""
        env = self.environment(region, account)
        return boto3.client(  # type: ignore[call-overload]
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )

    def is_up(self, timeout: float = PROBE_TIMEOUT) -> bool:
        """True when a moto server answers its small ``/moto-api/config`` within ``timeout`` seconds."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/config", timeout=timeout) as response:
                return bool(200 <= response.status < 300)
        except (urllib.error.URLError, OSError):
            return False


@dataclass(frozen=True)
class ServerRecord:
    """What the pid file records about a server this folder started."""

    pid: int
    port: int
    start_time: str
    cmdline: list[str]

    def mismatch(self) -> str | None:
        """Why the live process ``pid`` is not this server, or None when it is."""
        live_start = process_start_time(self.pid)
        if live_start is None:
            return f"no process {self.pid} is running"
        if live_start != self.start_time:
            return f"process {self.pid} started at a different time, so the pid was reused"
        live_cmdline = process_cmdline(self.pid)
        if live_cmdline != self.cmdline:
            return f"process {self.pid} runs {' '.join(live_cmdline)!r}, not the recorded emulator"
        return None


def process_start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (``/proc/PID/stat`` field 22), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def process_cmdline(pid: int) -> list[str]:
    """The process's command line, or [] when it cannot be read."""
    try:
        return [part for part in Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0") if part]
    except OSError:
        return []


def pid_file(state_dir: Path, port: int) -> Path:
    """Where the server on ``port`` started from ``state_dir`` is recorded."""
    return state_dir / f"emulator-{port}.json"


def read_record(path: Path) -> ServerRecord | None:
    """The record in ``path``, or None when it is missing or not a record (then it is ignored)."""
    try:
        data = json.loads(path.read_text())
        return ServerRecord(int(data["pid"]), int(data["port"]), str(data["start_time"]), list(data["cmdline"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def port_is_free(port: int) -> bool:
    """True when nothing listens on localhost:``port``.

    Connections left in TIME_WAIT by a server just stopped do not count: the moto server binds with
    SO_REUSEADDR too, so ``make local`` right after ``make local-down`` can take the port again.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("localhost", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return int(probe.getsockname()[1])


def start(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """Start the patched moto server on localhost:``port`` and wait until it answers.

    A taken port, or a server that exits or stays silent, raises ``ToolError`` with one line.
    """
    if not port_is_free(port):
        raise ToolError(
            f"port {port} is taken by another program; free it, or choose a port with TAP_VPC_EMULATOR_PORT=NNNN"
        )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tools.moto_server", "-H", "localhost", "-p", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    emulator = Emulator(port)
    deadline = time.monotonic() + START_TIMEOUT
    while not emulator.is_up(timeout=1):
        if process.poll() is not None:
            raise ToolError(f"the emulator exited during start (code {process.returncode}); see {log_path}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ToolError(f"the emulator did not answer on port {port} within {START_TIMEOUT:.0f} s; see {log_path}")
        time.sleep(0.2)
    return process


def record(process: subprocess.Popen[bytes], port: int, path: Path) -> None:
    """Write the pid file of ``process`` (pid, port, start time, command line)."""
    start_time = process_start_time(process.pid)
    assert start_time is not None, "the emulator exited right after it answered"
    data = {"pid": process.pid, "port": port, "start_time": start_time, "cmdline": process_cmdline(process.pid)}
    path.write_text(json.dumps(data) + "\n")


@contextlib.contextmanager
def running(log_path: Path) -> Iterator[Emulator]:
    """A fresh emulator on a free port for the duration of the ``with`` block."""
    port = free_port()
    process = start(port, log_path)
    try:
        yield Emulator(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def stop(state_dir: Path, port: int) -> str:
    """Stop the server this folder started on ``port``, after checking it is still that server.

    Returns what happened, in one line. A record that no longer matches a live process (a stale
    file, a reused pid) is removed and nothing is signalled.
    """
    path = pid_file(state_dir, port)
    server_record = read_record(path)
    if server_record is None:
        if Emulator(port).is_up():
            return (
                f"not stopping the emulator at localhost:{port}: it was not started from this folder "
                "(no .local record); stop it where it was started"
            )
        return "no emulator was running"
    mismatch = server_record.mismatch()
    if mismatch is not None:
        path.unlink()
        return f"not signalling pid {server_record.pid} from {path.name}: {mismatch}; removed the stale record"
    os.kill(server_record.pid, signal.SIGTERM)
    path.unlink()
    return f"emulator stopped (pid {server_record.pid}, port {port})"


@contextlib.contextmanager
def folder_lock(state_dir: Path) -> Iterator[None]:
    """Serialize emulator commands in one folder: a second ``make local`` waits for the first."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / "local.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("emulator: another `make local` runs in this folder; waiting for it to finish", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
