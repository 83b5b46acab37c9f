"""`make docs`: regenerate the network diagram and every generated section of the docs.

Writes docs/network.dot (from the synthesized prod template), docs/network.svg (Graphviz's render
of it) and the generated sections, each in the one file ``SECTION_FILES`` assigns it to: the
settings, fleet and consumer snippet in README.md, the rest in the docs/ page they belong to.
tests/test_docs.py fails when any checked-in copy differs from what this would write.
"""

from __future__ import annotations

from pathlib import Path

from tap_vpc.fleet.declarations import declared_environments
from tap_vpc.settings.config import TapVpcConfig
from tools.docs.acknowledgement_table import acknowledgements_markdown
from tools.docs.archive_cost import archive_cost_markdown
from tools.docs.cidr_plan_table import cidr_plan_markdown
from tools.docs.cost import cost_section, load_prices
from tools.docs.diagram import network_dot
from tools.docs.documented_configs import DIAGRAM_PROFILE, profile_configs
from tools.docs.export_table import HELPER_SETUP, consumer_snippet, export_table_markdown
from tools.docs.fleet_table import fleet_markdown
from tools.docs.pci_evidence import acknowledged_findings, evidence_page
from tools.docs.render import render_svg
from tools.docs.sections import fill_sections
from tools.docs.segmentation_evidence import evidence_markdown
from tools.docs.settings_table import settings_markdown
from tools.golden import load_contract
from tools.project import ROOT, ToolError, cdk_json_context, run_cli, synthesize, synthesized

README = ROOT / "README.md"
DOCS = ROOT / "docs"
DIAGRAM_SOURCE = DOCS / "network.dot"
DIAGRAM = DOCS / "network.svg"

#: Where each generated section lives, and the sections of each file in the order they appear.
#: A section belongs to exactly one file; the README keeps what a platform engineer looks up first.
SECTION_FILES: dict[Path, tuple[str, ...]] = {
    README: ("settings", "fleet", "consumer-snippet"),
    DOCS / "segmentation.md": ("segmentation",),
    DOCS / "address-plan.md": ("cidr-plan",),
    DOCS / "compliance.md": ("acknowledgements",),
    DOCS / "cost.md": ("cost", "archive-cost"),
    DOCS / "exports.md": ("exports",),
    DOCS / "pci-dss-v4-evidence.md": ("pci-evidence",),
}


def diagram_source() -> str:
    """The DOT source of the diagram of the ``prod`` profile."""
    profile = next(item for item in profile_configs() if item.name == DIAGRAM_PROFILE)
    return network_dot(
        profile.network,
        title=profile.config.stack_name,
        subtitle="drawn from the synthesized CloudFormation template by make docs",
    )


def generated_sections() -> dict[str, str]:
    """Section name -> Markdown body, for every generated section of every file in ``SECTION_FILES``."""
    profiles = profile_configs()
    diagram_profile = next(item for item in profiles if item.name == DIAGRAM_PROFILE)
    contract = load_contract()
    return {
        "settings": settings_markdown(profiles),
        "fleet": fleet_markdown(declared_environments(cdk_json_context())[0]),
        "consumer-snippet": consumer_snippet(contract),
        "cidr-plan": cidr_plan_markdown([(item.name, item.network) for item in profiles]),
        "exports": f"```python\n{HELPER_SETUP}```\n\n{export_table_markdown(contract)}",
        "cost": cost_section(),
        "archive-cost": archive_cost_markdown(load_prices()),
        "segmentation": evidence_markdown(DIAGRAM_PROFILE, synthesize(diagram_profile.config).to_json()),
        "acknowledgements": acknowledgements_markdown(DIAGRAM_PROFILE, synthesized(diagram_profile.config)[0]),
        "pci-evidence": pci_evidence(diagram_profile.config),
    }


def pci_evidence(config: TapVpcConfig) -> str:
    """The evidence page's body: the pack over ``config``'s template and the acknowledgements its synth applied."""
    stack, template = synthesized(config)
    return evidence_page(DIAGRAM_PROFILE, template.to_json(), acknowledged_findings(stack.node.root.outdir))  # type: ignore[attr-defined]


def generated_text_files() -> dict[Path, str]:
    """Every generated text file and its content (the SVG is rendered from the DOT source).

    Raises ``ToolError`` when a section is generated but placed in no file or placed twice, when a
    file of ``SECTION_FILES`` is missing, or (``fill_sections``) when a file's markers are wrong.
    """
    sections = generated_sections()
    placed = [name for names in SECTION_FILES.values() for name in names]
    if sorted(placed) != sorted(sections):
        raise ToolError(
            f"SECTION_FILES places {sorted(placed)} but the generator writes {sorted(sections)}; each goes in one file"
        )
    files = {DIAGRAM_SOURCE: diagram_source()}
    for path, names in SECTION_FILES.items():
        source = str(path.relative_to(ROOT))
        if not path.is_file():
            raise ToolError(f"{source} is missing: it holds the generated sections {', '.join(names)}")
        files[path] = fill_sections(path.read_text(), {name: sections[name] for name in names}, source=source)
    return files


def main() -> None:
    """Write every generated file, then render the SVG from the DOT source."""
    # Everything is generated before anything is written, so bad input leaves no half-done docs.
    files = generated_text_files()
    files[DIAGRAM] = render_svg(files[DIAGRAM_SOURCE])
    for path, content in files.items():
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
            print(f"docs: wrote {path.relative_to(ROOT)}")
        else:
            print(f"docs: {path.relative_to(ROOT)} is current")


if __name__ == "__main__":
    run_cli(main, "docs")
