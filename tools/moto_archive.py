"""moto 5.2.5 patches for the flow-log archive: S3 bucket properties and policies, Glue and Athena.

moto's CloudFormation creates an ``AWS::S3::Bucket`` with only its encryption and tags, has no
``AWS::S3::BucketPolicy``, and skips ``AWS::Glue::*`` and ``AWS::Athena::*`` with a warning. These
patches apply what CloudFormation applies, through moto's own backends, so that `make local` holds
the archive the integration suite checks. ``tools.moto_server.PATCHES`` lists them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.athena.models import athena_backends
from moto.cloudformation import parsing
from moto.core.utils import utcnow
from moto.glue.models import glue_backends
from moto.s3.cloud_formation import cfn_to_api_encryption
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.utilities.tagging_service import TaggingService


def _s3(account_id: str) -> S3Backend:
    return s3_backends[account_id]["aws"]


def api_lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One ``LifecycleConfiguration`` rule, from CloudFormation's shape to the S3 API's."""
    api: dict[str, Any] = {"ID": rule.get("Id"), "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "Transitions" in rule:
        api["Transition"] = [
            {"Days": int(transition["TransitionInDays"]), "StorageClass": transition["StorageClass"]}
            for transition in rule["Transitions"]
        ]
    if "NoncurrentVersionExpiration" in rule:
        days = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
        api["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(days)}
    if "AbortIncompleteMultipartUpload" in rule:
        days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
        api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(days)}
    return api


def apply_bucket_properties(backend: S3Backend, name: str, properties: dict[str, Any]) -> None:
    """Apply the bucket properties TAP VPC uses, as CloudFormation does on create and update."""
    bucket = backend.get_bucket(name)
    if "VersioningConfiguration" in properties:
        backend.put_bucket_versioning(name, properties["VersioningConfiguration"]["Status"])
    if properties.get("ObjectLockEnabled"):
        bucket.object_lock_enabled = True
        retention = properties.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
        bucket.default_lock_mode = retention.get("Mode")
        bucket.default_lock_days = int(retention["Days"]) if "Days" in retention else None
        bucket.default_lock_years = int(retention["Years"]) if "Years" in retention else None
    if "LifecycleConfiguration" in properties:
        rules = [api_lifecycle_rule(rule) for rule in properties["LifecycleConfiguration"]["Rules"]]
        backend.put_bucket_lifecycle_configuration(name, rules)
    for rule in properties.get("OwnershipControls", {}).get("Rules", []):
        backend.put_bucket_ownership_controls(name, rule["ObjectOwnership"])
    if "PublicAccessBlockConfiguration" in properties:
        backend.put_public_access_block(name, properties["PublicAccessBlockConfiguration"])
    if "LoggingConfiguration" in properties:
        # Set directly: moto's PutBucketLogging demands the destination's policy first, but that policy
        # names this bucket in aws:SourceArn, so CloudFormation (and CDK's own tests) create it after.
        logging = properties["LoggingConfiguration"]
        bucket.logging = {
            "TargetBucket": logging["DestinationBucketName"],
            "TargetPrefix": logging.get("LogFilePrefix", ""),
        }
    if properties.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
        bucket.set_notification_configuration({"EventBridgeConfiguration": {}})
    for rule in properties.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", []):
        if rule.get("BucketKeyEnabled") and bucket.encryption:
            bucket.encryption["Rule"]["BucketKeyEnabled"] = "true"


def patch_s3_bucket_properties() -> None:
    """AWS::S3::Bucket: versioning, Object Lock, lifecycle, ownership, public access block, logging, EventBridge.

    Also stamps new objects with a default retention given in days only, where moto 5.2.5 crashes,
    and updates a bucket that CloudFormation named, where moto's update fails on its tags.
    """
    original_create = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    original_update = FakeBucket.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: type[FakeBucket],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeBucket:
        bucket = original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        apply_bucket_properties(_s3(account_id), bucket.name, cloudformation_json.get("Properties", {}))
        return bucket  # type: ignore[no-any-return]

    def update(
        cls: type[FakeBucket],
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> FakeBucket:
        properties = cloudformation_json.get("Properties", {})
        if properties.get("BucketName", original_resource.name) != original_resource.name:
            return original_update(  # type: ignore[no-any-return]
                cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        # In place. moto's own update tags the bucket by properties["BucketName"], which a bucket
        # named by CloudFormation does not have (KeyError, and the whole stack update fails).
        backend = _s3(account_id)
        if "BucketEncryption" in properties:
            backend.put_bucket_encryption(original_resource.name, cfn_to_api_encryption(properties["BucketEncryption"]))
        if "Tags" in properties:
            tags = TaggingService().flatten_tag_list(properties["Tags"])
            backend.put_bucket_tagging(original_resource.name, tags)  # type: ignore[arg-type]
        apply_bucket_properties(backend, original_resource.name, properties)
        return original_resource  # type: ignore[no-any-return]

    def default_retention(self: FakeBucket) -> str:
        # moto multiplies both of days and years, and crashes when one is unset (S3 takes either).
        until = utcnow() + datetime.timedelta(days=(self.default_lock_days or 0) + 365 * (self.default_lock_years or 0))
        return until.strftime("%Y-%m-%dT%H:%M:%SZ")

    FakeBucket.default_retention = default_retention  # type: ignore[method-assign]
    FakeBucket.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment,arg-type]
    FakeBucket.update_from_cloudformation_json = classmethod(update)  # type: ignore[method-assign,assignment]


def patch_bucket_policy_conditions() -> None:
    """A bucket policy's conditional statements do not apply to every request.

    moto 5.2.5 evaluates bucket policies without their ``Condition`` blocks, so the TLS-only
    statement (Deny s3:* when ``aws:SecureTransport`` is false) that every TAP VPC and CDK bootstrap
    bucket carries denies every request. Conditional statements are left out of its evaluation; the
    policy as stored and returned by GetBucketPolicy is unchanged.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        document["Statement"] = [statement for statement in statements if "Condition" not in statement]
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


Properties = dict[str, Any]


@dataclass(frozen=True)
class ResourceHandler:
    """How one CloudFormation type maps onto moto's API backends.

    ``create(properties, logical_name, account, region)`` returns the physical ID (what ``Ref``
    gives); ``delete`` undoes it; ``update`` applies new properties in place, or, when None, the
    resource is deleted and created again.
    """

    type: str
    create: Callable[[Properties, str, str, str], str]
    delete: Callable[[Properties, str, str, str], None]
    update: Callable[[Properties, str, str], None] | None = None


class _Model:
    """A resource as moto's CloudFormation expects one, driven by the subclass's ``handler``.

    Not a ``CloudFormationModel`` subclass, which moto would register on import: the models are
    registered only by ``patch_archive_models``.
    """

    handler: ResourceHandler

    def __init__(self, physical_id: str) -> None:
        self.physical_id = physical_id

    @property
    def physical_resource_id(self) -> str:
        """What ``Ref`` resolves to."""
        return self.physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        """The CloudFormation type this model stands for."""
        return cls.handler.type

    @staticmethod
    def cloudformation_name_type() -> str:
        """No name property is generated: the templates name these resources themselves."""
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        """No ``Fn::GetAtt`` attributes: the templates use only ``Ref``."""
        return False

    def is_created(self) -> bool:
        """Created synchronously: the stack waits for nothing."""
        return True

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> _Model:
        """Create through the backend; ``resource_name`` is the logical name moto generated."""
        return cls(cls.handler.create(cloudformation_json["Properties"], resource_name, account_id, region_name))

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> _Model:
        """Update in place when the handler can, else delete and create again."""
        properties = cloudformation_json["Properties"]
        if cls.handler.update is not None:
            cls.handler.update(properties, account_id, region_name)
            return cls(original_resource.physical_id)
        cls.delete_from_cloudformation_json(original_resource.physical_id, cloudformation_json, account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        """Delete through the backend; ``resource_name`` is the physical ID."""
        cls.handler.delete(cloudformation_json["Properties"], resource_name, account_id, region_name)


def _put_bucket_policy(properties: Properties, _name: str, account: str, _region: str) -> str:
    _s3(account).put_bucket_policy(properties["Bucket"], json.dumps(properties["PolicyDocument"]).encode())
    return str(properties["Bucket"])


def _delete_bucket_policy(properties: Properties, _name: str, account: str, _region: str) -> None:
    _s3(account).delete_bucket_policy(properties["Bucket"])


def _create_database(properties: Properties, _name: str, account: str, region: str) -> str:
    database_input = properties["DatabaseInput"]
    glue_backends[account][region].create_database(database_input["Name"], database_input)
    return str(database_input["Name"])


def _delete_database(properties: Properties, _name: str, account: str, region: str) -> None:
    glue_backends[account][region].delete_database(properties["DatabaseInput"]["Name"])


def _create_table(properties: Properties, _name: str, account: str, region: str) -> str:
    table = properties["TableInput"]
    glue_backends[account][region].create_table(properties["DatabaseName"], table["Name"], table)
    return str(table["Name"])


def _update_table(properties: Properties, account: str, region: str) -> None:
    table = properties["TableInput"]
    glue_backends[account][region].update_table(properties["DatabaseName"], table["Name"], table)


def _delete_table(properties: Properties, _name: str, account: str, region: str) -> None:
    glue_backends[account][region].delete_table(properties["DatabaseName"], properties["TableInput"]["Name"])


def _create_work_group(properties: Properties, _name: str, account: str, region: str) -> str:
    athena_backends[account][region].create_work_group(
        properties["Name"],
        properties.get("WorkGroupConfiguration", {}),
        properties.get("Description", ""),
        properties.get("Tags", []),
    )
    return str(properties["Name"])


def _delete_work_group(properties: Properties, _name: str, account: str, region: str) -> None:
    athena_backends[account][region].delete_work_group(properties["Name"])


def _create_named_query(properties: Properties, name: str, account: str, region: str) -> str:
    return athena_backends[account][region].create_named_query(
        properties.get("Name", name),
        properties.get("Description", ""),
        properties["Database"],
        properties["QueryString"],
        properties.get("WorkGroup", "primary"),
    )


def _delete_named_query(_properties: Properties, query_id: str, account: str, region: str) -> None:
    athena_backends[account][region].named_queries.pop(query_id, None)


HANDLERS: tuple[ResourceHandler, ...] = (
    ResourceHandler("AWS::S3::BucketPolicy", _put_bucket_policy, _delete_bucket_policy),
    ResourceHandler("AWS::Glue::Database", _create_database, _delete_database),
    ResourceHandler("AWS::Glue::Table", _create_table, _delete_table, _update_table),
    ResourceHandler("AWS::Athena::WorkGroup", _create_work_group, _delete_work_group),
    ResourceHandler("AWS::Athena::NamedQuery", _create_named_query, _delete_named_query),
)


def patch_archive_models() -> None:
    """Add a model per ``HANDLERS`` entry to moto's CloudFormation type map."""
    register_models(HANDLERS)


def register_models(handlers: tuple[ResourceHandler, ...]) -> None:
    """Add a model per handler to moto's CloudFormation type map (built once, then cached)."""
    model_map = parsing.get_model_map()
    name_types = parsing.get_name_type_map()
    for handler in handlers:
        model: Any = type(handler.type.replace("::", ""), (_Model,), {"handler": handler})
        model_map[handler.type] = model
        name_types[handler.type] = _Model.cloudformation_name_type()
