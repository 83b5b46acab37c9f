"""The archive's settings, each limit tested on both sides, with the message asserted."""

from __future__ import annotations

from typing import Any

import pytest

from tap_vpc.errors import ConfigError
from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.rules import validate_config

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    (
        "retained-under-a-year",
        {"archive_retention_days": 364},
        "archiveRetentionDays = 364: at least 365 days where data is retained (retainData): PCI DSS v4.0 10.5.1",
    ),
    (
        "over-100-years",
        {"archive_retention_days": 36501},
        "archiveRetentionDays = 36501: 1 to 36500 days (S3 Object Lock retains at most 100 years).",
    ),
    (
        "zero-days",
        {"archive_retention_days": 0, "retain_data": False, "archive_transition_days": 0},
        "archiveRetentionDays = 0: 1 to 36500 days",
    ),
    (
        "transition-at-expiry",
        {"archive_transition_days": 365},
        "archiveTransitionDays = 365: less than archiveRetentionDays (365): S3 refuses a lifecycle rule whose "
        "expiration does not come after its transition (InvalidArgument at deploy).",
    ),
    ("transition-negative", {"archive_transition_days": -1}, "archiveTransitionDays = -1: 0 or more days."),
    (
        "mode-lowercase",
        {"archive_object_lock_mode": "governance"},
        "archiveObjectLockMode = 'governance': one of GOVERNANCE, COMPLIANCE.",
    ),
]

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("retained-a-year", {"archive_retention_days": 365}),
    ("a-hundred-years", {"archive_retention_days": 36500, "archive_transition_days": 36499}),
    ("not-retained-a-day", {"archive_retention_days": 1, "archive_transition_days": 0, "retain_data": False}),
    ("transition-a-day-before-expiry", {"archive_transition_days": 364}),
    ("governance", {"archive_object_lock_mode": "GOVERNANCE"}),
    # Off, the archive's settings are not read: nothing is built from them.
    ("off", {"flow_log_archive": False, "archive_retention_days": 0, "archive_object_lock_mode": "x"}),
]


@pytest.mark.parametrize(("overrides", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_config(TapVpcConfig(**overrides))
    assert message in str(caught.value)
    # Zero days also leaves no day for the transition; every other case breaks one limit.
    assert len(caught.value.problems) == (2 if overrides.get("archive_retention_days") == 0 else 1)


@pytest.mark.parametrize("overrides", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted(overrides: dict[str, Any]) -> None:
    validate_config(TapVpcConfig(**overrides))
