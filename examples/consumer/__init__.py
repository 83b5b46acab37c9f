"""The example consumer stack and its CDK app."""
