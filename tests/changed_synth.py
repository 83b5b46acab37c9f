"""A declared environment synthesized as ``cdk synth`` does (every gate), after a change to its stack.

The breach tests of segmentation, egress control and the PCI DSS pack share it: each makes one
change and asserts what the real synth says.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aws_cdk import App

from tap_vpc.entrypoint import synth_app
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.tap_vpc_stack import TapVpcStack, add_tap_vpc_stack
from tools.project import cdk_json_context


def synth_environment_with(
    tmp_path: Path, environment: str, change: Callable[[TapVpcStack], None]
) -> tuple[int, TapVpcStack]:
    """Synthesize ``TapVpcStack-<environment>`` (cdk.json's profile) into ``tmp_path`` after ``change``.

    Returns ``synth_app``'s exit code and the stack it built.
    """
    built: list[TapVpcStack] = []

    def build(app: App, config: TapVpcConfig) -> None:
        built.append(add_tap_vpc_stack(app, config))
        change(built[0])

    app = App(outdir=str(tmp_path), context={**cdk_json_context(), "environmentSuffix": environment})
    return synth_app(build, app), built[0]
