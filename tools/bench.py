"""`make bench`: how much slower than a bare CDK app TAP VPC is, as ratios measured in one run.

Absolute seconds depend on the machine and on what else it is doing; ratios against a bare CDK
app (one stack, one resource) measured in the same run, interleaved, mostly do not. Each case runs
as a fresh process, ``--rounds`` times (default 5), alternating with its baseline; the median of
each is compared. ``docs/bench-budgets.json`` holds the ratio each case may not exceed. Exit 1 when
one does, with one line per case either way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.cdk_cli import cdk_environment
from tools.project import ROOT, ToolError, run_cli

BUDGETS_FILE = ROOT / "docs" / "bench-budgets.json"

#: A bare CDK app: one stack with one resource, the least any CDK app costs.
BARE_APP = """
from aws_cdk import App, CfnWaitConditionHandle, Stack
app = App()
CfnWaitConditionHandle(Stack(app, "Bare"), "Placeholder")
app.synth()
"""

#: TAP VPC's dev environment, synthesized in-process with every gate, as app.py does.
TAP_VPC_APP = """
import sys
sys.path.insert(0, {root!r})
from aws_cdk import App
from tap_vpc.entrypoint import synth_app
from tap_vpc.tap_vpc_stack import add_tap_vpc_stack
from tools.project import cdk_json_context
app = App(context={{**cdk_json_context(), "environmentSuffix": "dev"}})
sys.exit(synth_app(lambda app, config: add_tap_vpc_stack(app, config), app))
"""


@dataclass(frozen=True)
class Case:
    """One measured command and the baseline command it is divided by."""

    name: str
    command: Sequence[str]
    baseline: Sequence[str]


def python_script(source: str, folder: Path, name: str) -> list[str]:
    """A command that runs ``source`` with this venv's Python from a file in ``folder``."""
    path = folder / f"{name}.py"
    path.write_text(source)
    return [sys.executable, str(path)]


def cases(folder: Path) -> list[Case]:
    """The benchmark: TAP VPC's synth in-process and through the CLI, each against a bare app."""
    bare = python_script(BARE_APP, folder, "bare_app")
    tap_vpc = python_script(TAP_VPC_APP.format(root=str(ROOT)), folder, "tap_vpc_app")
    return [
        Case("synth (in-process)", tap_vpc, bare),
        Case(
            "synth (cdk CLI)",
            ["cdk", "synth", "--quiet", "-c", "environmentSuffix=dev", "--output", str(folder / "tap.out")],
            ["cdk", "synth", "--quiet", "--app", " ".join(bare), "--output", str(folder / "bare.out")],
        ),
    ]


def timed(command: Sequence[str], env: Mapping[str, str]) -> float:
    """Seconds ``command`` takes from ROOT; a failure is a ``ToolError``."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise ToolError(f"{' '.join(command[:3])} failed (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    return elapsed


def measure(case: Case, rounds: int, clock: Callable[[Sequence[str]], float]) -> tuple[float, float]:
    """Median seconds of the case and of its baseline, alternating them ``rounds`` times."""
    measured, baseline = [], []
    for _ in range(rounds):
        baseline.append(clock(case.baseline))
        measured.append(clock(case.command))
    return statistics.median(measured), statistics.median(baseline)


def verdict(name: str, seconds: float, baseline_seconds: float, budget: float) -> tuple[bool, str]:
    """Whether ``seconds / baseline_seconds`` is within ``budget``, and the line that says so."""
    ratio = seconds / baseline_seconds
    within = ratio <= budget
    mark = "ok" if within else "OVER BUDGET"
    return (
        within,
        f"{name}: {ratio:.2f}x a bare CDK app ({seconds:.2f} s / {baseline_seconds:.2f} s), "
        f"budget {budget:.2f}x: {mark}",
    )


def load_budgets(path: Path = BUDGETS_FILE) -> dict[str, float]:
    """Case name -> the ratio it may not exceed."""
    budgets: dict[str, float] = json.loads(path.read_text())["budgets"]
    return budgets


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.bench [--rounds N]``."""
    parser = argparse.ArgumentParser(description="TAP VPC against a bare CDK app, as ratios.")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    budgets = load_budgets()
    env = cdk_environment({})
    env.pop("ENVIRONMENT_SUFFIX", None)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases(Path(scratch)):
            seconds, baseline = measure(case, args.rounds, lambda command: timed(command, env))
            within, line = verdict(case.name, seconds, baseline, budgets[case.name])
            print(line, flush=True)
            failures += not within
    if failures:
        raise ToolError(f"{failures} case(s) over budget (docs/bench-budgets.json)")


if __name__ == "__main__":
    os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    run_cli(main, "bench")
