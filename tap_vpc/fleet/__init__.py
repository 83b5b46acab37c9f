"""The fleet: environment declarations in cdk.json, routable-group overlaps, per-account quotas.

Pure Python over typed configs; nothing here imports aws-cdk-lib.
"""
