"""The project as the CDK CLI sees it: cdk.json context, the config it yields, and its templates.

Tools and tests share these so that cdk.json is read in one place and each configuration is
synthesized once per process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tap_vpc.errors import ConfigError
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import load_config

if TYPE_CHECKING:
    from aws_cdk.assertions import Template

    from tap_vpc.tap_vpc_stack import TapVpcStack

ROOT = Path(__file__).resolve().parent.parent


class ToolError(Exception):
    """Bad input to a developer tool (`make docs`, `make cost`, ...), reported in one line."""


def run_cli(main: Callable[[], None], name: str) -> None:
    """Run a tool's ``main``; bad settings or a ``ToolError`` end it with one message and exit 1.

    Settings errors print the same block as ``cdk synth``; nothing prints a traceback for bad input.
    """
    try:
        main()
    except ConfigError as error:
        raise SystemExit(error.render()) from None
    except ToolError as error:
        raise SystemExit(f"{name}: {error}") from None


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` object of cdk.json (feature flags, environments and profiles).

    Raises ``ToolError`` in one line when cdk.json is not valid JSON or has no context object.
    """
    path = ROOT / "cdk.json"
    try:
        document = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ToolError(
            f"cdk.json is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except OSError as error:
        raise ToolError(f"cannot read cdk.json: {error.strerror}") from None
    context = document.get("context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise ToolError('cdk.json has no "context" object')
    return context


def config_for(**context: Any) -> TapVpcConfig:
    """The config ``cdk synth`` builds from cdk.json plus ``-c key=value`` for each of ``context``."""
    return load_config({**cdk_json_context(), **context})


#: Every configuration ``synthesized`` built in this process, in order (``synthesized_configs``).
_SYNTHESIZED: list[TapVpcConfig] = []


def synthesized_configs() -> list[TapVpcConfig]:
    """The configurations ``synthesized`` has built in this process, in the order it built them."""
    return list(_SYNTHESIZED)


@functools.cache
def synthesized(config: TapVpcConfig) -> tuple[TapVpcStack, Template]:
    """Synthesize ``config`` as ``cdk synth`` does, with the four nag packs (a finding raises), once per process.

    The nag report lands in ``validation-report.json`` of the app's output directory.
    """
    _SYNTHESIZED.append(config)
    # aws-cdk-lib starts its jsii runtime on import (about a second): only the tools that synthesize pay.
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from tap_vpc.compliance.gates import add_compliance_checks, unacknowledged_findings
    from tap_vpc.entrypoint import without_stack_traces
    from tap_vpc.tap_vpc_stack import add_tap_vpc_stack

    # cdk.json's context (feature flags among it), as the CLI passes it: the same template as `cdk synth`.
    app = without_stack_traces(App(context=cdk_json_context()))
    stack = add_tap_vpc_stack(app, config)
    add_compliance_checks(app)
    template = Template.from_stack(stack)
    findings = unacknowledged_findings(app.outdir)
    if findings:
        raise RuntimeError(f"ValidationFailed: {', '.join(findings)}")
    return stack, template


def synthesize(config: TapVpcConfig) -> Template:
    """The template of ``config`` (see ``synthesized``)."""
    return synthesized(config)[1]
