"""The README's fleet table: each declared environment's account, region, VPC CIDR, routable group and wave."""

from __future__ import annotations

from collections.abc import Mapping

from tap_vpc.fleet.declarations import DEPLOY_WAVES, DeclaredEnvironment


def fleet_markdown(declared: Mapping[str, DeclaredEnvironment]) -> str:
    """One row per declared environment, in declaration order; the wave as its number and name."""
    rows = [
        "| Environment | Account | Region | VPC CIDR | Routable group | Deploy wave |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, environment in declared.items():
        group = f"`{environment.routable_group}`" if environment.routable_group else ""
        cidr = environment.vpc_cidr or "(profile or default)"
        wave = f"{DEPLOY_WAVES.index(environment.deploy_wave) + 1} `{environment.deploy_wave}`"
        rows.append(f"| `{name}` | {environment.account} | {environment.region} | {cidr} | {group} | {wave} |")
    return "\n".join(rows) + "\n"
