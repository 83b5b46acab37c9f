"""The PCI DSS v4.0.1 requirements this app does not meet by itself, and who must.

TAP VPC is the network foundation: it builds the VPC, its segmentation, its flow logs and their
archive. The evidence report lists these beside the pack's verdicts, so an assessor sees where the
network's evidence ends and whose begins.
"""

from __future__ import annotations

from dataclasses import dataclass

WORKLOAD = "workload team"
ACCOUNT = "account (security team)"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class OutsideScope:
    """Requirements (``requirements``) this app does not cover: what they ask, who covers them, and with what."""

    requirements: str
    asks: str
    owner: str
    with_what: str


OUTSIDE_SCOPE: tuple[OutsideScope, ...] = (
    OutsideScope(
        "1.2.2, 1.2.4",
        "change control of network changes; data-flow diagrams of account data",
        ORGANISATION,
        "pull-request review of this repository (network diagrams: `make docs`); data flows by the workload team",
    ),
    OutsideScope(
        "2.2",
        "secure configuration of system components",
        WORKLOAD,
        "hardened images, launch templates without public IPs (Security Hub EC2.25), IMDSv2 (EC2.8)",
    ),
    OutsideScope(
        "3.1-3.6, 3.7.1-3.7.3",
        "protecting stored account data and the keys that encrypt it",
        WORKLOAD,
        "encryption of the databases in the data tier with their own KMS keys; key custodians",
    ),
    OutsideScope(
        "4.2",
        "strong cryptography for account data in transit",
        WORKLOAD,
        "TLS on the load balancers and between services (the network carries TCP 443 only from the internet)",
    ),
    OutsideScope(
        "5, 6.3-6.5, 11.6",
        "anti-malware, secure development, protecting public web applications, payment-page changes",
        WORKLOAD,
        "AWS WAF on the internet-facing load balancers, software supply-chain controls",
    ),
    OutsideScope(
        "7.2.1-7.2.4, 8.2-8.6 (people)",
        "access of people: IAM users, single sign-on, MFA, passwords, the root user",
        ACCOUNT,
        "IAM Identity Center with MFA, no IAM users with access keys (Security Hub IAM.*), root MFA",
    ),
    OutsideScope(
        "10.2.1 (API activity), 10.3.4, 10.5.1 (CloudTrail)",
        "audit logs of every API call, with integrity checks, kept a year",
        ACCOUNT,
        "an organisation CloudTrail trail in all regions with log file validation, and S3 data events (S3.22, S3.23)",
    ),
    OutsideScope(
        "10.4, 10.7",
        "daily log review, and detecting failures of critical security controls",
        ACCOUNT,
        "GuardDuty, Security Hub (its PCI DSS v4.0.1 standard) and AWS Config, with alerts to the security team",
    ),
    OutsideScope(
        "10.6",
        "time synchronization",
        WORKLOAD,
        "the Amazon Time Sync Service on every instance and container host",
    ),
    OutsideScope(
        "11.3, 11.4, 11.5",
        "vulnerability scans, penetration tests (segmentation tests every six months for service providers), "
        "intrusion detection",
        ACCOUNT,
        "Amazon Inspector, the penetration-test provider (the reachability matrix and Network Access Analyzer "
        "scopes are its starting point), GuardDuty",
    ),
    OutsideScope(
        "12",
        "information security policies, risk assessment, incident response, service-provider responsibilities",
        ORGANISATION,
        "the security programme",
    ),
)
