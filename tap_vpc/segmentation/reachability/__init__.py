"""The reachability matrix and its checker over synthesized templates (PCI DSS v4.0 1.3, 1.4)."""
