"""Prove a refactor deploys nothing new: ``python -m tools.template_snapshot write DIR`` / ``compare A B``.

``write`` synthesizes, through the pinned CDK CLI, every template a user deploys: the fleet (one
bare ``cdk synth``), the example consumer, and the CI roles stack of each account. It stores each
template's Resources, Outputs, Conditions, Rules, Parameters and Metadata as JSON with sorted keys,
one file per stack. ``compare`` prints the stacks whose files differ (a unified diff of each) and
exits 1, or says that every template is identical and exits 0.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.cdk_cli import CONSUMER_APP
from tools.project import ROOT

SECTIONS = ("Resources", "Outputs", "Conditions", "Rules", "Parameters", "Metadata")
#: One CI roles stack per account: each account's first declared environment.
CI_ROLE_ENVIRONMENTS = ("dev", "staging", "prod")
CI_ROLES_APP = ".venv/bin/python -m ci_roles"


def _synth(out: Path, app: str | None, *context: str) -> list[Path]:
    command = ["cdk", "synth", "--quiet", "--output", str(out)]
    if app:
        command += ["--app", app]
    for pair in context:
        command += ["-c", pair]
    # The example consumer imports tap_vpc from this checkout, as `make local` runs it.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
    return sorted(out.glob("*.template.json"))


def write(directory: Path) -> None:
    """Synthesize every deployed template into ``directory``, one sorted JSON file per stack."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        templates = _synth(Path(scratch) / "fleet", None)
        templates += _synth(Path(scratch) / "consumer", CONSUMER_APP, "environmentSuffix=dev")
        for environment in CI_ROLE_ENVIRONMENTS:
            templates += _synth(Path(scratch) / f"ci-{environment}", CI_ROLES_APP, f"environmentSuffix={environment}")
        for template in templates:
            document = json.loads(template.read_text())
            kept = {section: document[section] for section in SECTIONS if section in document}
            (directory / template.name).write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")
    print(f"template_snapshot: wrote {len(templates)} templates to {directory}")


def compare(before: Path, after: Path) -> int:
    """0 when both directories hold the same stacks with identical templates, else 1 (with the diffs)."""
    names = sorted({path.name for path in (*before.glob("*.json"), *after.glob("*.json"))})
    differing = []
    for name in names:
        old = (before / name).read_text().splitlines() if (before / name).exists() else []
        new = (after / name).read_text().splitlines() if (after / name).exists() else []
        if old != new:
            differing.append(name)
            sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(old, new, name, name, lineterm=""))
    if differing:
        print(f"template_snapshot: {len(differing)} of {len(names)} templates differ: {', '.join(differing)}")
        return 1
    print(f"template_snapshot: all {len(names)} templates identical")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit("usage: python -m tools.template_snapshot write DIR | compare BEFORE AFTER")
