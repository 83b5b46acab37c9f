"""The network: the subnet layout, the VPC and its NAT gateways, security groups, interface endpoints."""
