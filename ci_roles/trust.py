"""Whom the CI roles trust: GitHub's OIDC tokens for one repository, and the GitHub environment of each wave."""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from tap_vpc.fleet.declarations import DEPLOY_WAVES

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
#: The protected GitHub environment of each deploy wave, in the product's wave order
#: (.github/workflows/deploy.yml): development, staging, then production for prod and prod-dr.
#: A wave the product adds without one here fails on import, rather than trusting no one.
GITHUB_ENVIRONMENT_OF_WAVE = dict(
    zip(DEPLOY_WAVES, ("development", "staging", "production", "production"), strict=True)
)


def github_environment_for(deploy_wave: str) -> str:
    """The GitHub environment whose jobs deploy ``deploy_wave`` (one of ``DEPLOY_WAVES``); KeyError otherwise."""
    return GITHUB_ENVIRONMENT_OF_WAVE[deploy_wave]


def github_principal(
    provider: iam.OidcProviderNative, repository: str, subjects: list[str]
) -> iam.WebIdentityPrincipal:
    """Trust GitHub's OIDC tokens for ``repository`` whose ``sub`` is one of ``subjects``, audience STS."""
    return iam.WebIdentityPrincipal(
        provider.oidc_provider_arn,
        conditions={
            "StringEquals": {
                "token.actions.githubusercontent.com:aud": GITHUB_AUDIENCE,
                "token.actions.githubusercontent.com:sub": [f"repo:{repository}:{subject}" for subject in subjects],
            }
        },
    )
