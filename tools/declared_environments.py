"""Print cdk.json's declared environments for GitHub Actions: ``python3 tools/declared_environments.py``.

Standard library only, so a workflow job runs it with the runner's Python before any install. It
writes two lines for ``$GITHUB_OUTPUT``: ``environments=`` (name -> {account, region}) and
``matrix=`` (a list of {name, account, region}). The tests check both against the product's own
reader (``tap_vpc.environments``), so the workflows deploy exactly what cdk.json declares.
"""

from __future__ import annotations

import json
from pathlib import Path

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def github_outputs(cdk_json: Path = CDK_JSON) -> str:
    """The ``$GITHUB_OUTPUT`` lines for the environments declared in ``cdk_json``."""
    declared = json.loads(cdk_json.read_text())["context"]["tapVpcEnvironments"]
    environments = {name: {"account": d["account"], "region": d["region"]} for name, d in declared.items()}
    matrix = [{"name": name, **values} for name, values in environments.items()]
    return f"environments={json.dumps(environments)}\nmatrix={json.dumps(matrix)}\n"


if __name__ == "__main__":
    print(github_outputs(), end="")
