"""The only acknowledgements the design needs, each on one construct with its reason.

This is the only module that skips a static check. Every acknowledgement goes on one specific
construct through a named helper that carries its reason; findings anywhere else fail the synth.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from tap_vpc.compliance.pci_dss_v4.plugin import acknowledgement_id
from tap_vpc.compliance.pci_dss_v4.req_7_2 import NO_WILDCARD_ACTIONS, SERVICE_ROLES_SCOPED
from tap_vpc.compliance.pci_dss_v4.req_10_3 import LOG_DESTINATIONS_ENCRYPTED

#: Rule-id prefixes of the packs, as cdk-nag 3 reports them.
PACK_PREFIXES = ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


def acknowledge_lockdown_outside_vpc(handler: IConstruct) -> None:
    """CT.LAMBDA.PR.3 on aws-cdk-lib's default-SG lock-down handler only, for the reason of its checkov skip."""
    acknowledge(
        handler,
        ["cdk-validator-cfnguard::lambda_inside_vpc_check"],
        "Control Tower CT.LAMBDA.PR.3, on aws-cdk-lib's default-SG lock-down handler only: "
        + CHECKOV_LOCKDOWN_SKIPS["CKV_AWS_117"],
    )


def acknowledge_acl_lockdown_outside_vpc(handler: IConstruct) -> None:
    """CT.LAMBDA.PR.3 on the default network ACL's lock-down handler only, for the reason of its checkov skip."""
    acknowledge(
        handler,
        ["cdk-validator-cfnguard::lambda_inside_vpc_check"],
        "Control Tower CT.LAMBDA.PR.3, on the default network ACL's lock-down handler only: "
        + CHECKOV_ACL_LOCKDOWN_SKIPS["CKV_AWS_117"],
    )


def acknowledge(construct: IConstruct, rule_ids: list[str], reason: str) -> None:
    """Acknowledge ``rule_ids`` on ``construct`` only, with ``reason`` recorded in the metadata."""
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in rule_ids))


def acknowledge_public_internet_routes(vpc: ec2.Vpc) -> None:
    """Public route tables route 0.0.0.0/0 to the internet gateway: that is what public means."""
    for subnet in vpc.public_subnets:
        acknowledge(
            subnet,
            [f"{pack}-VPCNoUnrestrictedRouteToIGW" for pack in PACK_PREFIXES[1:]],
            "Public tier by design: it hosts the NAT gateways and internet-facing load balancers, "
            "which need a 0.0.0.0/0 route to the internet gateway. Instances get no public IP.",
        )


def acknowledge_open_https(security_group: ec2.SecurityGroup) -> None:
    """The HTTPS tier accepts TCP 443 from anywhere when httpsIngressCidrs includes 0.0.0.0/0."""
    acknowledge(
        security_group,
        ["AwsSolutions-EC23"],
        "Internet-facing HTTPS endpoint of the payment gateway: TCP 443 only, from 0.0.0.0/0 as "
        "configured by httpsIngressCidrs. Security Hub EC2.18 allows unrestricted 443.",
    )


def acknowledge_network_acls(acls: list[ec2.NetworkAcl]) -> None:
    """AwsSolutions-VPC3 ("a Network ACL has been implemented") on TAP VPC's tier ACLs only."""
    for acl in acls:
        acknowledge(
            acl,
            ["AwsSolutions-VPC3"],
            "PCI DSS v4.0 1.3 and 1.4 ask for controls at each subnet boundary of the cardholder-data "
            "environment; the tier ACLs are that boundary, and the reachability matrix proves them on every synth.",
        )


#: checkov checks skipped on the default-SG lock-down Lambda that aws-cdk-lib generates, with reasons.
CHECKOV_LOCKDOWN_SKIPS = {
    "CKV_AWS_115": "aws-cdk-lib's one-shot custom-resource handler runs only during deployments; "
    "a reserved concurrency limit adds nothing.",
    "CKV_AWS_116": "CloudFormation invokes this custom-resource handler synchronously and reports "
    "failures on the stack; a DLQ would never receive anything.",
    "CKV_AWS_117": "The handler calls the EC2 API to lock down the default security group; putting it "
    "inside the VPC it configures would make it depend on the NAT gateways it runs before.",
}
LOCKDOWN_PROVIDER_ID = "Custom::VpcRestrictDefaultSGCustomResourceProvider"
#: The same checks on the default network ACL's lock-down handler (``network.default_network_acl``).
CHECKOV_ACL_LOCKDOWN_SKIPS = {
    **CHECKOV_LOCKDOWN_SKIPS,
    "CKV_AWS_115": "A one-shot custom-resource handler that runs only during deployments, like aws-cdk-lib's "
    "default-SG one; a reserved concurrency limit adds nothing.",
    "CKV_AWS_117": "The handler calls the EC2 API to remove the allow entries of the VPC's default network ACL; "
    "putting it inside the VPC it configures would make it depend on the NAT gateways it runs before.",
}
ACL_LOCKDOWN_PROVIDER_ID = "Custom::VpcRestrictDefaultNetworkAclCustomResourceProvider"


def annotate_default_sg_lockdown_provider(stack: Stack) -> None:
    """Record checkov skips (with reasons) in each lock-down Lambda's template metadata, and its CT.LAMBDA.PR.3.

    The lock-downs are aws-cdk-lib's default security group's and TAP VPC's default network ACL's
    (``network.default_network_acl``); the stack always has both. Also drops each Lambda's DependsOn
    on its role, which its Fn::GetAtt already implies (cfn-lint W3005).
    """
    lockdowns = (
        (LOCKDOWN_PROVIDER_ID, CHECKOV_LOCKDOWN_SKIPS, acknowledge_lockdown_outside_vpc),
        (ACL_LOCKDOWN_PROVIDER_ID, CHECKOV_ACL_LOCKDOWN_SKIPS, acknowledge_acl_lockdown_outside_vpc),
    )
    for provider_id, skips, acknowledge_outside_vpc in lockdowns:
        provider = stack.node.find_child(provider_id)
        handler = provider.node.find_child("Handler")
        role = provider.node.find_child("Role")
        assert isinstance(handler, CfnResource)
        assert isinstance(role, CfnResource)
        handler.remove_resource_dependency(role)
        acknowledge_outside_vpc(handler)
        acknowledge_lambda_trust_without_source_conditions(role)
        handler.add_metadata("checkov", {"skip": [{"id": check, "comment": reason} for check, reason in skips.items()]})


LAMBDA_TRUST_REASON = (
    "Execution role of a lock-down custom-resource handler, whose trust policy aws-cdk-lib's provider writes. "
    "AWS documents aws:SourceArn and aws:SourceAccount for Lambda only in resource-based policies, where a function "
    "is the target, not for Lambda assuming its execution role, and a condition Lambda does not supply would stop "
    "the lock-down. Only lambda.amazonaws.com may assume it, and it may change nothing but the VPC's default "
    "security group or network ACL."
)


def acknowledge_lambda_trust_without_source_conditions(role: IConstruct) -> None:
    """PCI DSS 7.2.5 / 8.6.1 (confused-deputy conditions) on one lock-down handler's execution role."""
    acknowledge(role, [acknowledgement_id(SERVICE_ROLES_SCOPED.rule_id)], LAMBDA_TRUST_REASON)


def acknowledge_ci_policy_wildcards(policy: iam.ManagedPolicy, statements: list[iam.PolicyStatement]) -> None:
    """Acknowledge each wildcard of one CI policy (AwsSolutions-IAM5 is granular: one id per wildcard).

    The PCI DSS v4.0.1 pack's 7.2.5 wildcard-action rule is acknowledged once, on the same policy, for
    the same reason, when the policy has a wildcard action (the derived execution policy has none).

    Stack ARNs end in a random stack ID, bootstrap and TAP VPC resources are created with IDs
    that do not exist before the deploy, and some actions (ec2:Create*, kms:CreateKey,
    cloudformation:DescribeStackDriftDetectionStatus) take no resource ARN at all.
    """
    wildcards = [f"Action::{action}" for statement in statements for action in statement.actions if "*" in action]
    wildcards += [
        f"Resource::{resource}" for statement in statements for resource in statement.resources if "*" in resource
    ]
    acknowledge(
        policy,
        [
            *(f"AwsSolutions-IAM5[{wildcard}]" for wildcard in dict.fromkeys(wildcards)),
            *(
                [acknowledgement_id(NO_WILDCARD_ACTIONS.rule_id)]
                if any(w.startswith("Action::") for w in wildcards)
                else []
            ),
        ],
        "CI and CloudFormation execution policy: stack ARNs end in a random stack ID, and EC2 and KMS "
        "create resources whose IDs do not exist before the deploy (ec2:Create* and kms:CreateKey accept no "
        "resource ARN); logs, IAM, Lambda, SSM and S3 are scoped to TAP VPC and CDK bootstrap names.",
    )


#: cfn-guard's Control Tower rule ids as cdk-nag-style acknowledgement ids.
_CFN_GUARD = "cdk-validator-cfnguard::"


def acknowledge_unreplicated_archive(buckets: list[s3.Bucket]) -> None:
    """The archive buckets are not replicated to another region (S3BucketReplicationEnabled)."""
    for bucket in buckets:
        acknowledge(
            bucket,
            [f"{pack}-S3BucketReplicationEnabled" for pack in PACK_PREFIXES[1:]],
            "The archive is itself the hard-to-alter copy of the CloudWatch Logs flow log (PCI DSS 10.5.3), "
            "under Object Lock; replication needs a destination bucket in a second region, which a "
            "one-region stack cannot own. Query results expire in 30 days and access logs are derived.",
        )


ACCESS_LOG_SELF_LOGGING_REASON = (
    "Destination of the S3 server access logs of the archive buckets: "
    "logging it to itself would log its own deliveries."
)


def acknowledge_access_log_destination(bucket: s3.Bucket) -> None:
    """The server-access-log bucket: SSE-S3, no Object Lock default retention, no logging of itself.

    Amazon S3 User Guide, "Enabling Amazon S3 server access logging": a destination bucket must use
    SSE-S3 default encryption (SSE-KMS is not supported) and must not have an Object Lock default
    retention period; logging a destination bucket to itself would log its own log deliveries.
    """
    cfn_bucket = bucket.node.default_child
    assert isinstance(cfn_bucket, CfnResource)
    cfn_bucket.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_18", "comment": ACCESS_LOG_SELF_LOGGING_REASON}]})
    acknowledge(
        bucket,
        [
            *(f"{pack}-S3DefaultEncryptionKMS" for pack in PACK_PREFIXES[1:]),
            f"{_CFN_GUARD}s3_bucket_default_encryption_kms_check",
            f"{_CFN_GUARD}s3_bucket_object_lock_enabled_check",
            f"{_CFN_GUARD}s3_bucket_logging_enabled_check",
            acknowledgement_id(LOG_DESTINATIONS_ENCRYPTED.rule_id),
        ],
        "Destination of S3 server access logs: S3 delivers them only to buckets with SSE-S3 default "
        "encryption and no Object Lock default retention, and a destination that logged to itself "
        "would log its own deliveries (Amazon S3 User Guide, Enabling server access logging).",
    )


def acknowledge_one_zone_firewalls(firewalls: Sequence[IConstruct], *, per_az: bool) -> None:
    """CT.NETWORK-FIREWALL.PR.5 (a firewall across several AZs) on each egress firewall, with the design's reason.

    Per AZ, each AZ has a firewall of its own with one endpoint, so the zone independence the
    control asks for holds; one firewall with several subnets would leave each AZ's endpoint ID
    unknown in the template (``EndpointIds`` is unordered) and its routes unwritable without a
    Lambda. Shared is the one-endpoint mode chosen for non-production cost, and says so.
    """
    reason = (
        "Egress firewalls per AZ: every AZ has its own firewall and endpoint (zone-independent), one subnet each "
        "so that each AZ's route can name its endpoint; EndpointIds of a multi-subnet firewall is unordered."
        if per_az
        else "egressControl 'shared': one firewall endpoint for every AZ, chosen for a non-production environment's "
        "cost (docs/cost.md); it is not zone-independent, and the profile says so."
    )
    for firewall in firewalls:
        acknowledge(firewall, [f"{_CFN_GUARD}netfw_multi_az_enabled_check"], reason)


#: Construct metadata type of an IAM-lint (parliament) acknowledgement. It is recorded in the
#: cloud assembly's construct tree, not in the template, on the L1 resource holding the policy.
POLICY_LINT_ACKNOWLEDGEMENT = "tap-vpc:policy-lint-acknowledgement"


def acknowledge_policy_lint(resource: IConstruct, findings: list[str], reason: str) -> None:
    """Acknowledge parliament ``findings`` on the policies of ``resource`` (its L1) only, with ``reason``.

    A finding is ``ISSUE`` (every finding of that issue) or ``ISSUE:key``, where key is the
    privilege-escalation type or the action parliament names (``RESOURCE_MISMATCH:athena:TagResource``).
    """
    target = resource.node.default_child or resource
    target.node.add_metadata(POLICY_LINT_ACKNOWLEDGEMENT, {"findings": findings, "reason": reason})


#: Actions IAM authorizes against one of several resource types, which parliament 1.6.4 reads as
#: all required (the Service Authorization Reference marks each alternative with "*").
ALTERNATIVE_RESOURCE_TYPE_ACTIONS = (
    "athena:ListTagsForResource",
    "athena:TagResource",
    "athena:UntagResource",
)


#: Actions the registry schemas list and cfn-lint 1.58's Service Authorization Reference defines,
#: which parliament 1.6.4's older action database does not know yet.
NEWER_THAN_PARLIAMENT_ACTIONS = (
    "ec2:AttachApplianceToNatGateway",
    "ec2:DescribeVpcEncryptionControls",
    "ec2:DetachApplianceFromNatGateway",
    "lambda:GetFunctionScalingConfig",
    "network-firewall:AssociateAvailabilityZones",
    "network-firewall:DisassociateAvailabilityZones",
    "network-firewall:UpdateAvailabilityZoneChangeProtection",
    "s3:GetBucketAbac",
)
#: Actions that parliament 1.6.4's database says take no resource, and the newer reference in
#: cfn-lint 1.58 gives a resource type (which the statement's account-and-region ARNs cover).
RESOURCE_TYPE_ADDED_SINCE_PARLIAMENT = ("route53resolver:CreateResolverQueryLogConfig",)
#: Actions on an alias and its key, authorized once per resource: the key half must carry the owner
#: tag condition, which the alias half cannot meet, so they sit in two statements.
ALIAS_AND_KEY_ACTIONS = ("kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias")


def acknowledge_execution_policy_lint(policy: iam.ManagedPolicy) -> None:
    """TapVpcCloudFormationExecution (all its parts, linted as one): where parliament 1.6.4's database is wrong or old.

    Its escalation auditors report nothing on this policy; tests/ci_roles/test_escalation.py proves
    with an evaluator that the boundary, the conditions and the denies close each path.
    """
    acknowledge_policy_lint(
        policy,
        [f"RESOURCE_MISMATCH:{action}" for action in ALTERNATIVE_RESOURCE_TYPE_ACTIONS],
        "These actions take one of several resource types (a workgroup, a data catalog, a capacity reservation or "
        "a session); parliament 1.6.4 demands all of them. The stacks tag workgroups only.",
    )
    acknowledge_policy_lint(
        policy,
        [f"RESOURCE_MISMATCH:{action}" for action in ALIAS_AND_KEY_ACTIONS],
        "IAM authorizes an alias action against the alias and the key separately; the key is allowed only "
        "with the TapVpcStack owner tag (statement TapVpcKeys), which an alias cannot carry, so the alias "
        "ARNs sit in their own statement (TapVpcKeyAliases). parliament wants both types in one statement.",
    )
    acknowledge_policy_lint(
        policy,
        [f"UNKNOWN_ACTION:{action}" for action in NEWER_THAN_PARLIAMENT_ACTIONS]
        + [f"RESOURCE_MISMATCH:{action}" for action in RESOURCE_TYPE_ADDED_SINCE_PARLIAMENT],
        "Listed by the CloudFormation registry schemas and defined in the Service Authorization Reference "
        "that cfn-lint 1.58 ships; parliament 1.6.4's action database predates them (or their resource type).",
    )


def acknowledge_github_federation(role: iam.Role) -> None:
    """A CI role's trust policy federates GitHub's OIDC provider, which parliament does not list."""
    acknowledge_policy_lint(
        role,
        ["UNKNOWN_FEDERATION_SOURCE"],
        "GitHub Actions' OIDC provider (token.actions.githubusercontent.com, created by this stack) is not in "
        "parliament 1.6.4's list of federation sources; the trust is scoped to one repository's subjects.",
    )


def acknowledge_endpoint_policies(stack: Stack) -> None:
    """Every interface endpoint policy of ``stack`` allows ``*`` to this account's principals: it grants nothing.

    An endpoint policy only limits what callers' own identity policies allow through the endpoint,
    so parliament's identity-policy auditors (escalation, credentials exposure) do not apply. The
    gateway endpoints' policies name ``s3:*`` and ``dynamodb:*`` only, which raise no such finding.
    """
    for construct in stack.node.find_all():
        if (
            isinstance(construct, ec2.CfnVPCEndpoint)
            and construct.vpc_endpoint_type == "Interface"
            and stack.resolve(construct.policy_document) is not None
        ):
            acknowledge_policy_lint(
                construct,
                ["PRIVILEGE_ESCALATION"],
                "VPC endpoint policy: it grants no permission, it only limits calls through the endpoint to this "
                "account's principals (and resources); identity policies decide what each principal may do.",
            )


def acknowledge_logs_key_describe(key: IConstruct) -> None:
    """A log key's CloudWatch Logs statement puts kms:DescribeKey under the encryption-context condition.

    The flow log's key and the egress logs' key each carry that statement.

    That is AWS's documented statement for CloudWatch Logs (kms:Describe* with
    ``kms:EncryptionContext:aws:logs:arn``, CloudWatch Logs User Guide, "Encrypt log data in CloudWatch
    Logs using AWS KMS"); DescribeKey carries no encryption context, so that action never matches.
    """
    acknowledge_policy_lint(
        key,
        ["UNKNOWN_CONDITION_FOR_ACTION:kms:DescribeKey"],
        "AWS's documented CloudWatch Logs key-policy statement scopes kms:Describe* with the "
        "kms:EncryptionContext:aws:logs:arn condition, which DescribeKey does not carry; kept as documented "
        "(the statement can only allow less, never more).",
    )
