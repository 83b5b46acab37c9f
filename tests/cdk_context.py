"""Read the project's cdk.json context, as the CDK CLI passes it to app.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def project_context() -> dict[str, Any]:
    """The ``context`` object of cdk.json (feature flags, region and profiles)."""
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return context
