"""Requirement 10.5.1: audit log history is kept for at least 12 months, the latest three immediately available.

Every log group keeps at least 90 days (no ``RetentionInDays`` means never expire), and the
archive (every bucket a flow log delivers to) locks and keeps objects at least 365 days. A
template whose flow logs have no archive keeps the whole year in their log groups.

The year applies where the history is kept: to retained resources (a ``Retain`` deletion policy,
what ``retainData`` writes). A disposable environment's archive goes with its stack, so its
length is shown, not held to the year; the settings edge draws the same line
(``archiveRetentionDays`` at least 365 when ``retainData``).
"""

from __future__ import annotations

from tap_vpc.compliance.pci_dss_v4.log_destinations import archive_buckets
from tap_vpc.compliance.pci_dss_v4.template import CfnTemplate, as_list, ref
from tap_vpc.compliance.pci_dss_v4.verdicts import Evidence, Rule, Verdict, Violation, not_applicable, verdict

#: Three months immediately available (hot), twelve in all.
HOT_DAYS = 90
HISTORY_DAYS = 365


def _lock_days(retention: dict[str, object] | None) -> int:
    if not retention:
        return 0
    return int(str(retention.get("Days", 0))) + 365 * int(str(retention.get("Years", 0)))


def check_retention(template: CfnTemplate) -> Verdict:
    """10.5.1: log groups keep >= 90 days (365 without an archive); archive buckets lock and keep >= 365."""
    groups = template.of_type("AWS::Logs::LogGroup")
    buckets = archive_buckets(template)
    if not groups and not buckets:
        return not_applicable("no log group and no archive")
    flow_log_groups = {
        ref(flow_log.properties.get("LogGroupName")) for flow_log in template.of_type("AWS::EC2::FlowLog")
    }
    evidence, violations = [], []
    for group in groups:
        days = group.properties.get("RetentionInDays")
        keeps_history = not buckets and group.logical_id in flow_log_groups and group.retained
        needed = HISTORY_DAYS if keeps_history else HOT_DAYS
        evidence.append(Evidence.of(group, RetentionInDays=days if days is not None else "never expire"))
        if days is not None and int(str(days)) < needed:
            reason = "and no archive keeps the year" if needed == HISTORY_DAYS else "of the three months kept hot"
            violations.append(Violation(group.logical_id, f"log group keeps {days} days, under {needed} {reason}"))
    for bucket in buckets:
        lock = (bucket.properties.get("ObjectLockConfiguration") or {}).get("Rule") or {}
        locked = _lock_days(lock.get("DefaultRetention"))
        expirations = [
            int(str(rule["ExpirationInDays"]))
            for rule in as_list((bucket.properties.get("LifecycleConfiguration") or {}).get("Rules"))
            if rule.get("Status", "Enabled") == "Enabled" and "ExpirationInDays" in rule
        ]
        evidence.append(
            Evidence.of(
                bucket,
                **{
                    "Object Lock default retention (days)": locked,
                    "ExpirationInDays": expirations,
                    "DeletionPolicy": bucket.deletion_policy,
                },
            )
        )
        if not bucket.retained:
            continue  # a disposable environment's archive: shown, not held to the year
        if locked < HISTORY_DAYS:
            violations.append(
                Violation(bucket.logical_id, f"archive locks objects {locked} days, under {HISTORY_DAYS}")
            )
        short = [days for days in expirations if days < HISTORY_DAYS]
        if short:
            violations.append(Violation(bucket.logical_id, f"archive expires objects after {short[0]} days"))
    return verdict(evidence, violations)


RETENTION = Rule(
    "10.5.1-Retention",
    ("10.5.1",),
    "Logs are kept 90 days hot and 365 days in all (the archive locks them for the year).",
    check_retention,
)
