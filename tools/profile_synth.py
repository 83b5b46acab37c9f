"""``python -m tools.profile_synth [ENVIRONMENT]``: where one synth spends its time, on both sides of jsii.

It runs app.py's synth of ENVIRONMENT (default ``dev``) once, in a fresh process as ``make bench``
does, under cProfile (the Python side) with the jsii runtime's Node.js under ``--cpu-prof``
(passed through NODE_OPTIONS; jsii starts Node with the environment it inherits). Then it prints:

- Node.js: the seconds inside each part of the synth, by the inclusive time of the functions that
  mark it (``NODE_PARTS``): loading modules, creating constructs, the CloudFormation validation
  engine every CDK app starts, each gate, and the time Node waits for Python;
- Python: the calls with the most cumulative time (a wait on Node counts where it was made).

``--keep DIR`` keeps both profiles (``python.prof`` for snakeviz or pstats, ``*.cpuprofile`` for
Chrome DevTools). The figures move with the machine's load; compare parts within one run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.project import ROOT, ToolError, cdk_json_context, run_cli


@dataclass(frozen=True)
class Part:
    """A part of the synth: a sample is in it when a frame on its stack is ``function`` in a file ending ``url``."""

    name: str
    function: str
    url: str


#: The parts of a synth, as the Node.js profile shows them (aws-cdk-lib 2.275, cdk-nag 3, cfn-guard validator 0.0.62).
NODE_PARTS = (
    Part("jsii: loading the assemblies", "load", "/lib/program.js"),
    Part("jsii: creating constructs (calls from Python)", "create", "/lib/program.js"),
    Part("Node.js: loading modules (require)", "wrapModuleLoad", "node:internal/modules/cjs/loader"),
    Part("app.synth()", "synthesize", "aws-cdk-lib/core/lib/private/synthesis.js"),
    Part("  the validation plugins, all", "validateTemplates", "aws-cdk-lib/core/lib/private/synthesis-validation.js"),
    Part(
        "  CloudFormation validation: starting its engine (every CDK app)",
        "_singletonInstance",
        "aws-cdk-lib/core/lib/validation/cloudformation-validate-plugin.js",
    ),
    Part(
        "  CloudFormation validation: the templates",
        "validate",
        "aws-cdk-lib/core/lib/validation/cloudformation-validate-plugin.js",
    ),
    Part("  cdk-nag: four packs", "validate", "cdk-nag/lib/nag-pack.js"),
    Part("  cfn-guard: Control Tower rules (the binary)", "execGuard", "@cdklabs/cdk-validator-cfnguard/lib/plugin.js"),
    Part("waiting for Python (reading the jsii pipe)", "readSync", "node:fs"),
)

#: The synth that is profiled: app.py's own body, run on the selected environment.
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from aws_cdk import App
from tap_vpc.entrypoint import synth_app
from tap_vpc.tap_vpc_stack import add_tap_vpc_stack
app = App(context={context!r}, outdir={outdir!r})
sys.exit(synth_app(lambda app, config: add_tap_vpc_stack(app, config), app, fleet=True))
"""


def node_parts(profile: Mapping[str, Any], parts: Sequence[Part] = NODE_PARTS) -> dict[str, float]:
    """Seconds of the V8 CPU ``profile`` (a ``.cpuprofile`` document) inside each of ``parts``, and ``total``."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    seconds = dict.fromkeys([part.name for part in parts], 0.0)
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frames = []
        current: int | None = sample
        while current is not None:
            frames.append(nodes[current]["callFrame"])
            current = parent.get(current)
        for part in parts:
            if any(frame["functionName"] == part.function and frame["url"].endswith(part.url) for frame in frames):
                seconds[part.name] += delta / 1e6
    return {**seconds, "total": sum(profile["timeDeltas"]) / 1e6}


def python_top(stats_file: Path, count: int = 15) -> str:
    """The ``count`` calls with the most cumulative time in a cProfile file, as pstats prints them."""
    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


def busiest(profiles: Iterable[Path]) -> Path:
    """The jsii runtime's profile: the largest (the npm ``node`` shim's own process writes a small one too)."""
    found = sorted(profiles, key=lambda path: path.stat().st_size)
    if not found:
        raise ToolError("Node.js wrote no CPU profile; is NODE_OPTIONS honoured by this node?")
    return found[-1]


def profile(environment: str, keep: Path | None) -> None:
    """Profile the synth of ``environment`` and print both sides."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / "synth.py"
        context = {**cdk_json_context(), "environmentSuffix": environment}
        script.write_text(SCRIPT.format(root=str(ROOT), context=context, outdir=str(folder / "cdk.out")))
        env = {**os.environ, "NODE_OPTIONS": f"--cpu-prof --cpu-prof-dir={folder / 'node'}"}
        command = [sys.executable, "-m", "cProfile", "-o", str(folder / "python.prof"), str(script)]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ToolError(f"the synth of {environment} failed: {result.stderr.strip()[-500:]}")
        node = json.loads(busiest((folder / "node").glob("*.cpuprofile")).read_text())
        print(f"Node.js (the jsii runtime), seconds of CPU profile, {environment}:")
        for name, seconds in node_parts(node).items():
            print(f"  {name:<66} {seconds:6.2f}")
        print("\nPython, cumulative:")
        print(python_top(folder / "python.prof"))
        if keep:
            print(f"profiles kept in {keep}")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.profile_synth [ENVIRONMENT] [--keep DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environment", nargs="?", default="dev")
    parser.add_argument("--keep", type=Path, help="keep the profiles in this folder")
    args = parser.parse_args(argv)
    profile(args.environment, args.keep)


if __name__ == "__main__":
    run_cli(main, "profile_synth")
