"""The names TAP VPC gives its resources, as IAM resource patterns covering every environment.

A pattern is the product's own name (a ``TapVpcConfig`` property) computed for the environment
suffix ``*``, cut after that wildcard (``/tap-vpc/*/vpc-flow-logs`` becomes ``/tap-vpc/*``). The
cut is needed, not only tidy: IAM authorizes a log group also as ``log-group:<name>:*`` and a
Glue table under its database, so a pattern that ended in the name's fixed tail would refuse
CloudFormation. Renaming a resource in the product renames its pattern here, and tests/ci_roles
proves that every name the product's stacks create falls inside the policy.

One pattern is not computed: see ``BUCKETS``. The role pattern is, and no CI role matches it
(``TapVpcDeploy`` and ``TapVpcReadOnly`` are neither ``TapVpcFlowLogs-*`` nor ``TapVpcStack-*``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tap_vpc.settings.config import TapVpcConfig

#: IAM's wildcard, standing for the environment suffix.
ANY = "*"
#: Every archive bucket, as deployed before the names were imported. The product does not name its
#: buckets: CloudFormation names them ``<stack name>-<logical id>-<random>``, lowercased and cut to
#: 63 characters, and the cut may shorten the stack name, so the lowercased stack pattern
#: (``tapvpcstack-*``) is not certain to cover them: kept until CloudFormation's cut is pinned down.
BUCKETS = "tapvpc*"


def up_to_wildcard(name: str) -> str:
    """``name`` cut after its first ``*`` (``tap_vpc_*`` stays whole); a name without one, whole."""
    head, wildcard, _ = name.partition(ANY)
    return head + wildcard


@dataclass(frozen=True)
class ProductNames:
    """IAM resource patterns (the part after ``log-group:``, ``role/`` and so on) of TAP VPC's names.

    ``stacks``: the stack names, ``TapVpcStack-*``, which also start every name CloudFormation
    generates for the stack's unnamed roles, managed policies and functions. ``roles``: the named
    roles (``TapVpcFlowLogs-*``, the flow-log delivery role). ``log_groups``, ``glue_databases``,
    ``workgroups``, ``key_aliases``: the flow-log group, the archive's Glue database, its Athena
    workgroup and the KMS aliases. ``buckets``: ``BUCKETS``. Build it with ``of``.
    """

    stacks: str
    roles: str
    log_groups: str
    glue_databases: str
    workgroups: str
    key_aliases: str
    buckets: str = BUCKETS

    @classmethod
    def of(cls, config: TapVpcConfig | None = None) -> ProductNames:
        """The patterns of ``config``'s names (default ``TapVpcConfig()``) with its environment suffix ``*``."""
        every = replace(config or TapVpcConfig(), environment_suffix=ANY)
        return cls(
            stacks=up_to_wildcard(every.stack_name),
            roles=up_to_wildcard(every.flow_log_role_name),
            log_groups=up_to_wildcard(every.flow_log_group_name),
            glue_databases=up_to_wildcard(every.archive_database_name),
            workgroups=up_to_wildcard(every.archive_workgroup_name),
            # The archive key's alias shares it (alias/tap-vpc/*); tests/ci_roles checks every alias.
            key_aliases=up_to_wildcard(every.flow_log_key_alias),
        )
