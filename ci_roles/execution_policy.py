"""``TapVpcCloudFormationExecution``: what CloudFormation may do to create, update and delete TapVpcStack.

The account is bootstrapped with it (``cdk bootstrap --cloudformation-execution-policies``)
instead of the default AdministratorAccess. It is derived, not written: for every type of
``RESOURCE_TYPES`` it allows what the type's handlers list in the CloudFormation registry schema
(``resource_schemas``, from the pinned cfn-lint), minus ``exclusions.EXCLUSIONS``, plus
``exclusions.ADDITIONS``, each action in the statement of the IAM resource types it acts on
(``scopes``), scoped to the names ``ProductNames`` computes from the product. Deny statements
(``guards``) keep the CI roles and the boundary out of any deploy's reach.

To support a new resource type, add it to ``RESOURCE_TYPES``; tests/ci_roles then names any
permission that has no scope, or that the type's templates may not need (an exclusion).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from ci_roles.exclusions import ADDITIONS, EXCLUSIONS, NOT_IAM_ACTIONS, WITHHELD
from ci_roles.guards import guard_statements
from ci_roles.product_names import ProductNames
from ci_roles.resource_schemas import handler_permissions, iam_resource_types
from ci_roles.scopes import ACTION_SIDS, ANY_TYPE, TAKES_NO_RESOURCE, Scope, scopes

#: Every resource type the TapVpcStack templates may hold (tests/ci_roles checks each template's
#: types against it). The network-firewall and Route 53 Resolver types are the egress stacks'.
RESOURCE_TYPES = (
    "AWS::Athena::NamedQuery",
    "AWS::Athena::WorkGroup",
    "AWS::EC2::EIP",
    "AWS::EC2::FlowLog",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::NetworkInsightsAccessScope",
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::Glue::Database",
    "AWS::Glue::Table",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::KMS::Alias",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::Logs::LogGroup",
    "AWS::NetworkFirewall::Firewall",
    "AWS::NetworkFirewall::FirewallPolicy",
    "AWS::NetworkFirewall::LoggingConfiguration",
    "AWS::NetworkFirewall::RuleGroup",
    "AWS::Route53Resolver::FirewallDomainList",
    "AWS::Route53Resolver::FirewallRuleGroup",
    "AWS::Route53Resolver::FirewallRuleGroupAssociation",
    "AWS::Route53Resolver::ResolverQueryLoggingConfig",
    "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
)


def required_permissions(resource_types: Iterable[str]) -> dict[str, set[str]]:
    """Each permission the handlers of ``resource_types`` list -> the types needing it, less exclusions.

    A permission in ``EXCLUSIONS`` for a type is dropped for that type only; ``NOT_IAM_ACTIONS``
    and ``WITHHELD`` are dropped everywhere.
    """
    excluded = {(exclusion.permission, exclusion.resource_type) for exclusion in EXCLUSIONS}
    needed: dict[str, set[str]] = {}
    for kind in resource_types:
        for permissions in handler_permissions(kind).values():
            for permission in permissions:
                if (permission, kind) in excluded or permission in NOT_IAM_ACTIONS or permission in WITHHELD:
                    continue
                needed.setdefault(permission, set()).add(kind)
    return needed


def placement(action: str, by_key: dict[tuple[str, str], Scope]) -> list[Scope]:
    """The statements ``action`` goes in: ``ACTION_SIDS``, or else one per scoped resource type it takes.

    Raises ``ValueError`` naming the action when IAM does not define it or none of its types has a scope.
    """
    by_sid = {scope.sid: scope for scope in by_key.values()}
    if action in ACTION_SIDS:
        return [by_sid[sid] for sid in ACTION_SIDS[action]]
    service = action.partition(":")[0]
    types = iam_resource_types(action)
    if types is None:
        raise ValueError(f"{action} is not an IAM action (list it in ci_roles.exclusions.NOT_IAM_ACTIONS)")
    if not types:
        return [by_key.get((service, ""), by_key[("*", "")])]
    placed: dict[str, Scope] = {}
    for kind in types:
        scope = by_key.get((service, kind), by_key.get((service, ANY_TYPE)))
        if scope is not None:
            placed[scope.sid] = scope
    if not placed:
        raise ValueError(f"{action} acts on {', '.join(types)}, none of which has a scope in ci_roles.scopes")
    return list(placed.values())


def execution_policy_statements(
    stack: Stack, names: ProductNames, regions: Sequence[str] | None = None
) -> list[iam.PolicyStatement]:
    """What CloudFormation needs to deploy TapVpcStack in ``regions`` (default: ``stack``'s) of ``stack``'s account.

    The statements, in Sid order: the guards' denies, then one allow per scope with its sorted actions.
    """
    regions = list(regions or [stack.region])
    by_key = scopes(names, stack.account, regions)
    actions: dict[str, set[str]] = {}
    statement_of: dict[str, Scope] = {}
    wanted = set(required_permissions(RESOURCE_TYPES)) | {addition.permission for addition in ADDITIONS}
    for action in sorted(wanted):
        for scope in placement(action, by_key):
            statement_of[scope.sid] = scope
            actions.setdefault(scope.sid, set()).add(action)
    allows = [
        iam.PolicyStatement(
            sid=sid,
            actions=sorted(actions[sid]),
            resources=list(statement_of[sid].resources),
            conditions=dict(statement_of[sid].conditions) or None,
        )
        for sid in sorted(actions, key=lambda sid: (sid == TAKES_NO_RESOURCE, sid))
    ]
    return [*guard_statements(stack.account), *allows]
