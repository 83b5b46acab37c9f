"""The shared body of the CDK entry points (app.py, ci_roles_app.py).

Read the config once from CDK context, build the stacks, run the compliance packs, synthesize.
Bad settings and compliance findings end with a short message and exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from aws_cdk import App

from tap_vpc.compliance import add_compliance_checks, unacknowledged_findings
from tap_vpc.config import TapVpcConfig
from tap_vpc.errors import ConfigError
from tap_vpc.settings import load_config

#: What the jsii runtime raises when a validation plugin (cdk-nag) reports a finding.
VALIDATION_FAILED = "ValidationFailed"


def synth_app(build: Callable[[App, TapVpcConfig], None], app: App | None = None) -> int:
    """Synthesize the stacks ``build`` adds for the context's config; return the exit code.

    ``app`` defaults to ``App()``, which takes its context and output directory from the CDK CLI.
    Prints one error block and returns 1, writing no template, when a setting is invalid; returns
    1 with a pointer to the nag report when a compliance pack reports a finding.
    """
    app = app or App()
    try:
        config = load_config(app.node.get_all_context(), os.environ)
    except ConfigError as error:
        print(error.render(), file=sys.stderr)
        return 1
    build(app, config)
    add_compliance_checks(app)
    report = f"{app.outdir}/validation-report.json"
    try:
        app.synth()
    except RuntimeError as error:
        if VALIDATION_FAILED not in str(error):
            raise
        print(f"TAP VPC compliance error: the findings above fail the synth; report: {report}", file=sys.stderr)
        return 1
    findings = unacknowledged_findings(app.outdir)
    if findings:
        print(f"TAP VPC compliance error: {', '.join(findings)} (see above); report: {report}", file=sys.stderr)
        return 1
    return 0
