"""``InvestigationWorkGroup``: the Athena workgroup over the flow-log table, and its named queries.

The workgroup enforces its own configuration (clients cannot send results elsewhere or unencrypted),
encrypts results with the archive's KMS key, writes them to a bucket where they expire, publishes
CloudWatch metrics and stops any query that would scan more than
``limits.QUERY_BYTES_SCANNED_CUTOFF`` bytes. Each ``tap_vpc/flow_logs/queries/*.sql`` becomes a named query.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_athena as athena
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tap_vpc.flow_logs.named_queries import named_queries
from tap_vpc.settings import limits


class InvestigationWorkGroup(Construct):
    """Workgroup ``workgroup_name`` with one named query per investigation, against ``database_name``.

    With ``RemovalPolicy.DESTROY`` the workgroup is deleted with its saved queries and history
    (``RecursiveDeleteOption``); otherwise it is retained. Attributes: ``workgroup`` and ``queries``
    (``CfnNamedQuery`` by query name).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        workgroup_name: str,
        database_name: str,
        results_bucket: s3.IBucket,
        key: kms.IKey,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, id_)
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=workgroup_name,
            description="Investigations over the TAP VPC flow-log archive",
            state="ENABLED",
            recursive_delete_option=removal_policy == RemovalPolicy.DESTROY,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=limits.QUERY_BYTES_SCANNED_CUTOFF,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=results_bucket.s3_url_for_object("results/"),
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=key.key_arn
                    ),
                ),
            ),
        )
        self.workgroup.apply_removal_policy(removal_policy)
        self.queries: dict[str, athena.CfnNamedQuery] = {}
        for query in named_queries():
            named = athena.CfnNamedQuery(
                self,
                f"Query-{query.name}",
                name=query.name,
                description=query.description,
                database=database_name,
                query_string=query.sql,
                work_group=self.workgroup.ref,
            )
            self.queries[query.name] = named
