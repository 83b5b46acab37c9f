"""The archive refuses to lose a record: tried by writing one, so only on the emulator.

Against a real account the suite only reads; a probe object there would stay locked for the whole
retention (a year in prod, in compliance mode). conftest.py leaves this module out for that target.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import Deployment

pytestmark = pytest.mark.integration


def test_a_locked_record_cannot_be_deleted(deployment: Deployment) -> None:
    # What the tamper-proofing is for: the object version stays until its retention ends.
    s3, archive = deployment.client("s3"), deployment.outputs["ArchiveBucketName"]
    key = "AWSLogs/tamper-probe.txt"
    version = s3.put_object(Bucket=archive, Key=key, Body=b"flow record")["VersionId"]
    head = s3.head_object(Bucket=archive, Key=key, VersionId=version)
    assert head["ObjectLockMode"] == deployment.config.archive_object_lock_mode
    days_locked = (head["ObjectLockRetainUntilDate"] - head["LastModified"]).days
    assert days_locked in (deployment.config.archive_retention_days - 1, deployment.config.archive_retention_days)
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(Bucket=archive, Key=key, VersionId=version)
    assert s3.head_object(Bucket=archive, Key=key, VersionId=version)["VersionId"] == version
