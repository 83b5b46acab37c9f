"""Synth-time rules for the flow-log archive settings (S3 Object Lock and lifecycle limits).

Each rule returns the problems it finds; ``settings.rules.RULES`` runs them with every other rule.
When the archive is off (``flowLogArchive`` false) its settings are not checked.
"""

from __future__ import annotations

from tap_vpc.errors import ConfigProblem
from tap_vpc.settings import limits
from tap_vpc.settings.config import TapVpcConfig, declaration_of, key_of


def check_archive(config: TapVpcConfig) -> list[ConfigProblem]:
    """Retention, transition and Object Lock mode of the archive, as S3 and PCI DSS 10.5.1 count them."""
    if not config.flow_log_archive:
        return []
    return [
        *check_archive_retention(config.archive_retention_days, retain_data=config.retain_data),
        *check_archive_transition(config.archive_transition_days, config.archive_retention_days),
        *check_object_lock_mode(config.archive_object_lock_mode),
    ]


def check_archive_retention(days: int, *, retain_data: bool) -> list[ConfigProblem]:
    """1 to 36,500 days (Object Lock's 100 years); at least 365 where data is retained (PCI DSS 10.5.1)."""
    key = key_of("archive_retention_days")
    if not 1 <= days <= limits.OBJECT_LOCK_RETENTION_MAX_DAYS:
        return [
            ConfigProblem(
                key,
                days,
                f"1 to {limits.OBJECT_LOCK_RETENTION_MAX_DAYS} days (S3 Object Lock retains at most 100 years).",
            )
        ]
    if retain_data and days < limits.ARCHIVE_RETENTION_MIN_DAYS:
        return [
            ConfigProblem(
                key,
                days,
                f"at least {limits.ARCHIVE_RETENTION_MIN_DAYS} days where data is retained ({key_of('retain_data')}): "
                "PCI DSS v4.0 10.5.1 asks for 12 months of audit-log history.",
            )
        ]
    return []


def check_archive_transition(transition_days: int, retention_days: int) -> list[ConfigProblem]:
    """The move to Glacier Instant Retrieval must come before expiry, or S3 refuses the lifecycle rule."""
    key = key_of("archive_transition_days")
    if transition_days < 0:
        return [ConfigProblem(key, transition_days, "0 or more days.")]
    if transition_days >= retention_days:
        return [
            ConfigProblem(
                key,
                transition_days,
                f"less than {key_of('archive_retention_days')} ({retention_days}): S3 refuses a lifecycle rule whose "
                "expiration does not come after its transition (InvalidArgument at deploy).",
            )
        ]
    return []


def check_object_lock_mode(mode: str) -> list[ConfigProblem]:
    """Object Lock has two modes, spelled in capitals as S3 spells them."""
    declared = declaration_of("archive_object_lock_mode")
    assert declared.limit is not None
    if mode in declared.limit.values:
        return []
    return [ConfigProblem(declared.key, mode, f"one of {', '.join(declared.limit.values)}.")]
