"""`make bench`: how much slower than a bare CDK app TAP VPC is, as ratios measured in one run.

Absolute seconds depend on the machine and on what else it is doing; ratios against a baseline
measured in the same run, interleaved, mostly do not. The baseline is a bare CDK app (one stack,
one resource, same Python, same Node) except for the fleet, which is compared with one
environment's synth. Each case runs as a fresh process, its ``rounds`` times (``--rounds``,
default 5; the unit suite once), alternating with its baseline; the medians are compared.
``docs/bench-budgets.json`` holds the ratio each case may not exceed. It prints one line per case,
then where one environment's synth spends its time; exit 1 when a case is over budget.

The warm ``make local`` case starts its own emulator on a free port, deploys dev once (not
timed), times ``make local ENVIRONMENTS=dev`` with nothing to change, and stops the emulator.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.cdk_cli import cdk_environment
from tools.emulator import free_port
from tools.project import ROOT, ToolError, run_cli

BUDGETS_FILE = ROOT / "docs" / "bench-budgets.json"

#: A bare CDK app: one stack with one resource, the least any CDK app costs.
BARE_APP = """
from aws_cdk import App, CfnWaitConditionHandle, Stack
app = App()
CfnWaitConditionHandle(Stack(app, "Bare"), "Placeholder")
app.synth()
"""

#: TAP VPC synthesized in-process with every gate, as app.py does: one environment, or the fleet.
TAP_VPC_APP = """
import sys
sys.path.insert(0, {root!r})
from aws_cdk import App
from tap_vpc.entrypoint import synth_app
from tap_vpc.tap_vpc_stack import add_tap_vpc_stack
from tools.project import cdk_json_context
app = App(context={{**cdk_json_context(), **{selection!r}}})
sys.exit(synth_app(lambda app, config: add_tap_vpc_stack(app, config), app, fleet=True))
"""

#: One environment's synth, phase by phase, in one process: where the time goes.
BREAKDOWN_APP = """
import json, sys, time
t0 = time.perf_counter()
import aws_cdk
from aws_cdk import App
t1 = time.perf_counter()
sys.path.insert(0, {root!r})
from tap_vpc.settings.loading import load_config
from tap_vpc.tap_vpc_stack import add_tap_vpc_stack
from tap_vpc.compliance.gates import add_compliance_checks
from tools.project import cdk_json_context
t2 = time.perf_counter()
app = App(context={{**cdk_json_context(), "environmentSuffix": "dev"}}, outdir={outdir!r})
add_tap_vpc_stack(app, load_config(app.node.get_all_context()))
t3 = time.perf_counter()
if {gates!r}:
    add_compliance_checks(app)
app.synth()
t4 = time.perf_counter()
print(json.dumps({{"import aws_cdk (jsii, Node start)": t1 - t0, "import tap_vpc, cdk-nag, cfn-guard": t2 - t1,
                  "build the constructs (jsii calls)": t3 - t2, "synth": t4 - t3}}))
"""


#: ``make unit`` without coverage (coverage is a separate cost, not the suite's): pytest in a fresh process.
UNIT_SUITE = [
    *(sys.executable, "-m", "pytest", "tests", "--ignore=tests/integration"),
    *("-q", "-p", "no:cacheprovider", "--no-cov"),
]


@dataclass(frozen=True)
class Case:
    """One measured command, the baseline it is divided by, and how often to run the pair."""

    name: str
    command: Sequence[str]
    baseline: Sequence[str]
    baseline_name: str = "a bare CDK app"
    rounds: int | None = None


def python_script(source: str, folder: Path, name: str) -> list[str]:
    """A command that runs ``source`` with this venv's Python from a file in ``folder``."""
    path = folder / f"{name}.py"
    path.write_text(source)
    return [sys.executable, str(path)]


def cases(folder: Path, emulator_port: int) -> list[Case]:
    """The benchmark: one environment's synth (in-process and CLI), the fleet, the unit suite, a warm make local."""
    bare = python_script(BARE_APP, folder, "bare_app")
    one = python_script(TAP_VPC_APP.format(root=str(ROOT), selection={"environmentSuffix": "dev"}), folder, "one")
    fleet = python_script(TAP_VPC_APP.format(root=str(ROOT), selection={}), folder, "fleet")
    return [
        Case("synth, one environment (in-process)", one, bare),
        Case(
            "synth, one environment (cdk CLI)",
            ["cdk", "synth", "--quiet", "-c", "environmentSuffix=dev", "--output", str(folder / "tap.out")],
            ["cdk", "synth", "--quiet", "--app", " ".join(bare), "--output", str(folder / "bare.out")],
        ),
        Case("synth, the fleet of 5 (in-process)", fleet, one, "one environment's synth"),
        Case(
            "unit suite",
            UNIT_SUITE,
            bare,
            rounds=1,
        ),
        Case("make local, warm, one environment", local_up(emulator_port), bare),
    ]


def local_up(port: int) -> list[str]:
    """``make local ENVIRONMENTS=dev`` on the bench's own emulator port."""
    return [sys.executable, "-m", "tools.local", "up", "--environments", "dev", "--port", str(port)]


@contextlib.contextmanager
def bench_emulator(port: int, env: Mapping[str, str]) -> Iterator[None]:
    """Dev deployed on an emulator of our own on ``port`` (started by tools.local, stopped after)."""
    try:
        timed(local_up(port), env)
        yield
    finally:
        subprocess.run(
            [sys.executable, "-m", "tools.local", "down", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=False,
        )


def timed(command: Sequence[str], env: Mapping[str, str]) -> float:
    """Seconds ``command`` takes from ROOT; a failure is a ``ToolError``."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=1800)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip())[-500:]
        raise ToolError(f"{' '.join(command[:4])} failed (exit {result.returncode}): {detail}")
    return elapsed


def measure(case: Case, rounds: int, clock: Callable[[Sequence[str]], float]) -> tuple[float, float]:
    """Median seconds of the case and of its baseline, alternating them ``rounds`` times."""
    measured, baseline = [], []
    for _ in range(rounds):
        baseline.append(clock(case.baseline))
        measured.append(clock(case.command))
    return statistics.median(measured), statistics.median(baseline)


def verdict(
    name: str, seconds: float, baseline_seconds: float, budget: float, baseline_name: str = "a bare CDK app"
) -> tuple[bool, str]:
    """Whether ``seconds / baseline_seconds`` is within ``budget``, and the line that says so."""
    ratio = seconds / baseline_seconds
    within = ratio <= budget
    mark = "ok" if within else "OVER BUDGET"
    return (
        within,
        f"{name}: {ratio:.2f}x {baseline_name} ({seconds:.2f} s / {baseline_seconds:.2f} s), "
        f"budget {budget:.2f}x: {mark}",
    )


def breakdown(folder: Path, env: Mapping[str, str], rounds: int) -> dict[str, float]:
    """Median seconds of each phase of one environment's in-process synth, gates split from the rest."""
    runs = []
    for index in range(rounds):
        phases = {}
        for gates in (False, True):
            source = BREAKDOWN_APP.format(root=str(ROOT), outdir=str(folder / f"phases-{index}-{gates}"), gates=gates)
            command = python_script(source, folder, "breakdown")
            result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise ToolError(f"the synth breakdown failed: {result.stderr.strip()[-500:]}")
            phases[gates] = json.loads(result.stdout.strip().splitlines()[-1])
        found = {key: value for key, value in phases[False].items()}
        found["the five compliance gates (cdk-nag, cfn-guard)"] = phases[True]["synth"] - phases[False]["synth"]
        runs.append(found)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def load_budgets(path: Path = BUDGETS_FILE) -> dict[str, float]:
    """Case name -> the ratio it may not exceed."""
    budgets: dict[str, float] = json.loads(path.read_text())["budgets"]
    return budgets


def selected(all_cases: Sequence[Case], only: Sequence[str]) -> list[Case]:
    """The cases whose name contains one of ``only`` (all of them when it is empty); none is a ``ToolError``."""
    chosen = [case for case in all_cases if not only or any(part in case.name for part in only)]
    if not chosen:
        raise ToolError(f"no case matches {', '.join(only)}; the cases: {'; '.join(c.name for c in all_cases)}")
    return chosen


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.bench [--rounds N] [--only TEXT ...]``.

    ``--only`` runs the cases whose name contains TEXT (repeatable), for example ``--only synth``;
    the emulator starts only when the warm ``make local`` case is among them. ``make bench`` runs all.
    """
    parser = argparse.ArgumentParser(description="TAP VPC against a bare CDK app, as ratios.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], metavar="TEXT")
    args = parser.parse_args(argv)
    budgets = load_budgets()
    env = cdk_environment({})
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, rounds {args.rounds}", flush=True)
    failures = 0
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        chosen = selected(cases(Path(scratch), port), args.only)
        if any(case.command == local_up(port) for case in chosen):
            stack.enter_context(bench_emulator(port, env))
        for case in chosen:
            rounds = case.rounds or args.rounds
            seconds, baseline = measure(case, rounds, lambda command: timed(command, env))
            within, line = verdict(case.name, seconds, baseline, budgets[case.name], case.baseline_name)
            print(line, flush=True)
            failures += not within
        print("where one environment's in-process synth spends its time (median):")
        for phase, seconds in breakdown(Path(scratch), env, args.rounds).items():
            print(f"  {phase:<48} {seconds:5.2f} s")
    if failures:
        raise ToolError(f"{failures} case(s) over budget (docs/bench-budgets.json); see docs/performance.md")


if __name__ == "__main__":
    os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    run_cli(main, "bench")
