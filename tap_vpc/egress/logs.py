"""``EgressLogs``: the KMS-encrypted log groups of the egress firewall and the DNS query log.

One rotating key encrypts the three groups; its policy lets CloudWatch Logs use it for these
groups only (``kms:EncryptionContext:aws:logs:arn``), as the flow log's key does. Each group is
kept as long as the flow log (PCI DSS 10.5.1), and retained with the stack's data.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

from tap_vpc.flow_logs.kms_keys import allow_cloudwatch_logs, rotating_key


class EgressLogs(Construct):
    """Log groups ``alert``, ``flow`` (the firewall's) and ``dns_queries`` under one rotating key.

    Props: ``names`` of the three groups (alert, flow, DNS queries), ``retention``, ``removal_policy``
    of the groups and key, and ``key_alias`` (@default None: no alias).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        alert_name: str,
        flow_name: str,
        dns_queries_name: str,
        retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
        key_alias: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        names = (alert_name, flow_name, dns_queries_name)
        self.key = rotating_key(
            self,
            "Key",
            description="Encrypts the egress firewall's alert and flow logs and the DNS query log",
            alias=key_alias,
            removal_policy=removal_policy,
        )
        allow_cloudwatch_logs(self.key, "AllowCloudWatchLogsForTheEgressLogGroups", names)
        self.alert, self.flow, self.dns_queries = (
            logs.LogGroup(
                self,
                group_id,
                log_group_name=name,
                encryption_key=self.key,
                retention=retention,
                removal_policy=removal_policy,
            )
            for group_id, name in zip(("AlertLogGroup", "FlowLogGroup", "DnsQueryLogGroup"), names, strict=True)
        )
