"""Flow logs: the record fields, the log group, the S3 archive, its table, workgroup and queries.

Nothing in this package's ``__init__`` imports aws-cdk-lib; ``fields`` and ``named_queries`` are pure.
"""
