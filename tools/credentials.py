"""Which AWS account the ambient credentials belong to, and a one-line cause when that is unknown."""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    ConnectTimeoutError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from tools.project import ToolError

CREDENTIALS_HELP = (
    "set AWS_PROFILE (after `aws sso login`), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run in CI with "
    "OIDC; for a try-out without an account, use `make local`"
)
#: Error codes with which STS says the credentials themselves are bad.
REFUSED_CODES = (
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "AccessDenied",
    "UnrecognizedClientException",
)


def caller_account(region: str = "us-east-1") -> str:
    """The account of the ambient credentials (``sts:GetCallerIdentity``).

    Raises ``ToolError`` that names the cause: no credentials, no network to STS, or credentials
    that STS refused. Two attempts and 10-second timeouts keep a dead network from hanging the run.
    """
    config = Config(connect_timeout=10, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"})
    try:
        identity = boto3.client("sts", region_name=region, config=config).get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise ToolError(f"no AWS credentials found ({error}); {CREDENTIALS_HELP}") from None
    except (ConnectionError, ConnectTimeoutError, ReadTimeoutError) as error:
        raise ToolError(
            f"could not reach AWS STS to check the credentials: a network problem, not the credentials ({error})"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in REFUSED_CODES:
            raise ToolError(f"AWS refused the credentials ({code}); {CREDENTIALS_HELP}") from None
        raise ToolError(f"sts:GetCallerIdentity failed ({code or error}); {CREDENTIALS_HELP}") from None
    except BotoCoreError as error:
        raise ToolError(f"could not check the AWS credentials ({error.__class__.__name__}: {error})") from None
    return str(identity["Account"])
