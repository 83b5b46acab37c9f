"""The shared body of the CDK entry points (app.py and the CI roles app, ``python -m ci_roles``).

Read the config once from CDK context, build the stacks, run the compliance packs, synthesize.
Bad settings and compliance findings end with a short message and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from aws_cdk import App, cx_api

from tap_vpc.compliance.gates import add_compliance_checks, unacknowledged_findings
from tap_vpc.errors import ConfigError
from tap_vpc.segmentation.reachability.check import broken_rules, check_template, render_failure
from tap_vpc.segmentation.reachability.egress import egress_findings, render_egress_failure
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import load_config, load_fleet_configs

#: What the jsii runtime raises when a validation plugin (cdk-nag) reports a finding.
VALIDATION_FAILED = "ValidationFailed"
#: The context keys with which aws-cdk-lib records no stack traces in the assembly's metadata.
NO_STACK_TRACES = ("aws:cdk:disable-stack-trace", "aws:cdk:disable-creation-stack-traces")


def without_stack_traces(app: App) -> App:
    """``app`` set to record no construct-creation or metadata stack traces; call it before adding stacks.

    Under jsii a trace holds only Node.js frames ("no user code in 10 frames"), so it tells a Python
    user nothing; without them the metadata files are a third smaller. The templates do not change.
    (cdk.json cannot carry these keys: the CLI warns about every ``aws:`` key in its context.)
    """
    for key in NO_STACK_TRACES:
        app.node.set_context(key, True)
    return app


def synth_app(build: Callable[[App, TapVpcConfig], None], app: App | None = None, *, fleet: bool = False) -> int:
    """Synthesize the stacks ``build`` adds for the context's config; return the exit code.

    ``app`` defaults to ``App()``, which takes its context and output directory from the CDK CLI; it
    records no stack traces (``without_stack_traces``).
    With ``fleet`` and no environment selected, ``build`` runs once per declared environment
    (``load_fleet_configs``), and every compliance gate runs on every stack.
    Prints one error block and returns 1, writing no template, when a setting is invalid (or ``build``
    raises ``ConfigError``); returns
    1 with a pointer to the nag report when a compliance pack reports a finding, and 1 with one
    block naming the rule and the deciding resources when a template breaks its reachability matrix.
    """
    app = without_stack_traces(app or App())
    context = app.node.get_all_context()
    try:
        configs = load_fleet_configs(context, os.environ) if fleet else [load_config(context, os.environ)]
        for config in configs:
            build(app, config)  # may refuse a combination only it can see (the CI roles: one stack per account)
    except ConfigError as error:
        print(error.render(), file=sys.stderr)
        return 1
    add_compliance_checks(app)
    report = f"{app.outdir}/validation-report.json"
    try:
        assembly = app.synth()
    except RuntimeError as error:
        if VALIDATION_FAILED not in str(error):
            raise
        # The templates are written before the packs run: check segmentation too, so one run names both.
        segmentation_gate(cx_api.CloudAssembly(app.outdir).stacks)
        print(f"TAP VPC compliance error: the findings above fail the synth; report: {report}", file=sys.stderr)
        return 1
    if segmentation_gate(assembly.stacks):
        return 1
    findings = unacknowledged_findings(app.outdir)
    if findings:
        print(f"TAP VPC compliance error: {', '.join(findings)} (see above); report: {report}", file=sys.stderr)
        return 1
    return 0


def segmentation_gate(stacks: Sequence[cx_api.CloudFormationStackArtifact]) -> int:
    """Check each stack's template against its reachability matrix; 0, or 1 after one error block.

    A failing stack's template is removed from the assembly, so nothing can deploy it.
    """
    for stack in stacks:
        # Read from the assembly on disk, once: ``stack.template`` would carry each template through jsii.
        template = json.loads(Path(stack.template_full_path).read_text())
        results = check_template(template)
        findings = egress_findings(template)
        if broken_rules(results) or findings:
            blocks = [render_failure(stack.stack_name, results)] if broken_rules(results) else []
            blocks += [render_egress_failure(stack.stack_name, findings)] if findings else []
            print("\n".join(blocks), file=sys.stderr)
            os.remove(stack.template_full_path)
            return 1
    return 0
