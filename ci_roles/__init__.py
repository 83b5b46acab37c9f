"""TAP VPC's CI account set-up, ``TapVpcCiRoles-<environment>``: one stack per account of the fleet.

It lives beside the product, not in the ``tap_vpc`` wheel: consumers of the VPC never deploy it.
Synthesize it with ``cdk synth --app ".venv/bin/python -m ci_roles" -c environmentSuffix=prod``.

- ``app``: which stack an environment gets (its account's regions and GitHub environments);
- ``stack``: ``TapVpcCiRolesStack``, the OIDC provider, the two CI roles and the execution policy;
- ``trust``: GitHub's OIDC provider and the token subjects each role trusts;
- ``bootstrap``: the CDK bootstrap resources the roles and the policy may reach;
- ``product_names``: the product's resource names as IAM patterns, computed by ``tap_vpc`` itself;
- ``execution_policy``: what CloudFormation may do when it deploys TapVpcStack.
"""
