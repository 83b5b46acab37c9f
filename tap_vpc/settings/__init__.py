"""Settings: each setting declared once on ``TapVpcConfig``, parsed from CDK context, checked by rules.

Owns the typed config (``config``), the AWS limits the rules check (``limits``), the parsers and
loading from cdk.json and ``-c`` (``loading``), and the rules (``rules``). Nothing here imports
aws-cdk-lib: tools that only read settings answer without starting jsii.
"""
