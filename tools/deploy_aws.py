"""`make deploy`: deploy TapVpcStack-<suffix> to a real AWS account with the pinned CDK CLI.

It never falls back to the emulator: AWS_ENDPOINT_URL is refused, and missing credentials stop
the run with a message that says what to set.
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from tools.cdk_cli import cdk
from tools.project import config_for, run_cli

CREDENTIALS_HELP = (
    "make deploy needs AWS credentials for the target account: set AWS_PROFILE (after `aws sso login`), "
    "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run in CI with OIDC. "
    "For a local try-out without an account, use `make local`."
)


def caller_account() -> str:
    """The account of the ambient credentials; exit with help when there are none."""
    try:
        identity = boto3.client("sts").get_caller_identity()
    except (BotoCoreError, ClientError) as error:
        sys.exit(f"no usable AWS credentials ({error.__class__.__name__}). {CREDENTIALS_HELP}")
    return str(identity["Account"])


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m tools.deploy_aws --suffix SUFFIX``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suffix", required=True)
    args = parser.parse_args(argv)
    if os.environ.get("AWS_ENDPOINT_URL"):
        sys.exit("AWS_ENDPOINT_URL is set; make deploy targets real AWS only. Unset it, or use `make local`.")
    config = config_for(environmentSuffix=args.suffix)  # bad settings stop before any AWS call
    account = caller_account()
    print(f"deploying {config.stack_name} to account {account}")
    cdk(["deploy", config.stack_name, "-c", f"environmentSuffix={args.suffix}"], {})


if __name__ == "__main__":
    run_cli(main, "deploy")
