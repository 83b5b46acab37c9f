"""The local AWS emulator: a moto server on loopback, started and stopped by the project.

Facts that shape this module (checked with moto 5.2.5, see README):
- clients must use ``http://localhost:PORT`` (not 127.0.0.1): moto finds the CDK template bucket
  from the URL's host name;
- there is no working ``cdk destroy``; stopping the server (or ``POST /moto-api/reset``) wipes
  every resource instead.
"""

from __future__ import annotations

import contextlib
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

#: The account moto reports for any credentials.
EMULATOR_ACCOUNT = "123456789012"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass(frozen=True)
class Emulator:
    """A running moto server on ``localhost:port``."""

    port: int

    @property
    def endpoint(self) -> str:
        """The AWS_ENDPOINT_URL for SDKs and the CDK CLI."""
        return f"http://localhost:{self.port}"

    def environment(self, region: str) -> dict[str, str]:
        """Environment variables that point SDKs and the CDK CLI at this emulator."""
        return {
            **DUMMY_CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }

    def is_up(self) -> bool:
        """True when the server answers its management API."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            return False


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return int(probe.getsockname()[1])


def start(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """Start ``moto_server`` on localhost:``port`` and wait until it answers (30 s at most)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = Path(sys.executable).with_name("moto_server")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(server), "-H", "localhost", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    emulator = Emulator(port)
    deadline = time.monotonic() + 30
    while not emulator.is_up():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto_server did not start on port {port}; see {log_path}")
        time.sleep(0.2)
    return process


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


def stop_pid(pid_file: Path) -> bool:
    """Stop the emulator recorded in ``pid_file``; False when none was running."""
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    pid_file.unlink()
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        return True
    return False
