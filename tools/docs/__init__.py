"""Generated documentation: the network diagram, CIDR plan, export table and cost (`make docs`)."""
