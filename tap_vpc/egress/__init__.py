"""Egress control of the private tier (PCI DSS 1.3.2): what may leave the CDE, and the proof.

AWS Network Firewall with a domain allow-list (``firewall``), Route 53 Resolver DNS Firewall and
query logs (``dns_firewall``), their encrypted log groups (``logs``), and the settings rules and
domain syntax (``rules``, ``domains``, pure Python).
"""
