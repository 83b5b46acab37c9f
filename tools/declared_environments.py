"""Print cdk.json's declared environments for GitHub Actions: ``python3 tools/declared_environments.py``.

Standard library only, so a workflow job runs it with the runner's Python before any install. It
writes three lines for ``$GITHUB_OUTPUT``:

- ``environments=``: name -> {account, region};
- ``matrix=``: a list of {name, account, region} (one diff or drift job per environment);
- ``waves=``: wave -> a list of deploy targets, one per account: {account, region, environments,
  stacks, concurrency}. ``environments`` is space-separated for ``make deploy ENVIRONMENTS=...``;
  ``concurrency`` is how many of the account's stacks ``cdk deploy --concurrency`` runs at once.

An environment deploys in the wave of its own name unless it declares ``deployWave``. The tests
check all three against the product's own reader (``tap_vpc.fleet.declarations``), so the workflows
deploy exactly what cdk.json declares.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
#: The deploy workflow's waves, in order (the product checks each declaration names one of them).
WAVES = ("dev", "staging", "prod", "prod-dr")


def declarations(cdk_json: Path = CDK_JSON) -> dict[str, Any]:
    """``tapVpcEnvironments`` from ``cdk_json``, in declaration order."""
    declared: dict[str, Any] = json.loads(cdk_json.read_text())["context"]["tapVpcEnvironments"]
    return declared


def deploy_waves(declared: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Wave -> one deploy target per account, every wave of ``WAVES`` present (possibly empty).

    A target's ``region`` is its first environment's (the CLI takes each stack's own region from
    the assembly); environments keep their declaration order.
    """
    waves: dict[str, dict[str, dict[str, Any]]] = {wave: {} for wave in WAVES}
    for name, declaration in declared.items():
        wave = declaration.get("deployWave", name)
        target = waves.setdefault(wave, {}).setdefault(
            declaration["account"], {"account": declaration["account"], "region": declaration["region"], "names": []}
        )
        target["names"].append(name)
    return {
        wave: [
            {
                "account": target["account"],
                "region": target["region"],
                "environments": " ".join(target["names"]),
                "stacks": " ".join(f"TapVpcStack-{name}" for name in target["names"]),
                "concurrency": len(target["names"]),
            }
            for target in targets.values()
        ]
        for wave, targets in waves.items()
    }


def github_outputs(cdk_json: Path = CDK_JSON) -> str:
    """The ``$GITHUB_OUTPUT`` lines for the environments declared in ``cdk_json``."""
    declared = declarations(cdk_json)
    environments = {name: {"account": d["account"], "region": d["region"]} for name, d in declared.items()}
    matrix = [{"name": name, **values} for name, values in environments.items()]
    return (
        f"environments={json.dumps(environments)}\nmatrix={json.dumps(matrix)}\n"
        f"waves={json.dumps(deploy_waves(declared))}\n"
    )


if __name__ == "__main__":
    print(github_outputs(), end="")
