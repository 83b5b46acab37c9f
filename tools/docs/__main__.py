"""`make docs`: regenerate the network diagram and the README's generated sections.

Writes docs/network.dot (from the synthesized prod template), docs/network.svg (Graphviz's render
of it) and the settings, fleet, CIDR plan, export, cost and segmentation sections of README.md.
tests/test_docs.py fails when any checked-in copy differs from what this would write.
"""

from __future__ import annotations

from pathlib import Path

from tap_vpc.fleet.declarations import declared_environments
from tools.docs.archive_cost import archive_cost_markdown
from tools.docs.cidr_plan_table import cidr_plan_markdown
from tools.docs.cost import cost_section, load_prices
from tools.docs.diagram import network_dot
from tools.docs.documented_configs import DIAGRAM_PROFILE, profile_configs
from tools.docs.export_table import HELPER_SETUP, export_table_markdown
from tools.docs.fleet_table import fleet_markdown
from tools.docs.readme_sections import fill_sections
from tools.docs.render import render_svg
from tools.docs.segmentation_evidence import evidence_markdown
from tools.docs.settings_table import settings_markdown
from tools.golden import load_contract
from tools.project import ROOT, cdk_json_context, run_cli, synthesize

README = ROOT / "README.md"
DIAGRAM_SOURCE = ROOT / "docs" / "network.dot"
DIAGRAM = ROOT / "docs" / "network.svg"


def diagram_source() -> str:
    """The DOT source of the diagram of the ``prod`` profile."""
    profile = next(item for item in profile_configs() if item.name == DIAGRAM_PROFILE)
    return network_dot(
        profile.network,
        title=profile.config.stack_name,
        subtitle="drawn from the synthesized CloudFormation template by make docs",
    )


def readme_sections() -> dict[str, str]:
    """Section name -> Markdown body, for every generated section of README.md."""
    profiles = profile_configs()
    diagram_profile = next(item for item in profiles if item.name == DIAGRAM_PROFILE)
    return {
        "settings": settings_markdown(profiles),
        "fleet": fleet_markdown(declared_environments(cdk_json_context())[0]),
        "cidr-plan": cidr_plan_markdown([(item.name, item.network) for item in profiles]),
        "exports": f"```python\n{HELPER_SETUP}```\n\n{export_table_markdown(load_contract())}",
        "cost": cost_section(),
        "archive-cost": archive_cost_markdown(load_prices()),
        "segmentation": evidence_markdown(DIAGRAM_PROFILE, synthesize(diagram_profile.config).to_json()),
    }


def generated_text_files() -> dict[Path, str]:
    """Every generated text file and its content (the SVG is rendered from the DOT source)."""
    return {
        DIAGRAM_SOURCE: diagram_source(),
        README: fill_sections(README.read_text(), readme_sections()),
    }


def main() -> None:
    """Write every generated file, then render the SVG from the DOT source."""
    # Everything is generated before anything is written, so bad input leaves no half-done docs.
    files = generated_text_files()
    files[DIAGRAM] = render_svg(files[DIAGRAM_SOURCE])
    for path, content in files.items():
        path.write_text(content)
        print(f"docs: wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    run_cli(main, "docs")
