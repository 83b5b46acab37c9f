"""Segmentation (PCI DSS 1.3, 1.4): the ACL plan, a NACL per tier, Network Access Analyzer scopes.

Also the segmentation rules, and the template-level reachability checker (``reachability``).
"""
