"""Examples of using TAP VPC from another stack; not part of the tap_vpc package."""
