"""The docs: staleness of every generated copy, the facts the tables state, and the pages' links.

Each expected number here is worked out by hand from AWS's rules (5 reserved addresses per
subnet, 730 hours a month), not read back from the generator.
"""

from __future__ import annotations

import ipaddress
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from aws_cdk import App, Fn, Stack

from tap_vpc import import_https_security_group, import_tap_vpc
from tap_vpc.settings.loading import SETTINGS
from tests.template_helpers import imported_names
from tools.docs import __main__ as docs_main
from tools.docs.__main__ import (
    DIAGRAM,
    DIAGRAM_SOURCE,
    DOCS,
    README,
    SECTION_FILES,
    generated_sections,
    generated_text_files,
)
from tools.docs.acknowledgement_table import acknowledgements
from tools.docs.archive_cost import year_of_logs
from tools.docs.cidr_plan_table import cidr_plan_markdown, free_blocks
from tools.docs.cost import PRICES_FILE, cost_section, fixed_monthly_cost, load_prices, outside_price_region, total
from tools.docs.diagram import network_dot
from tools.docs.documented_configs import DocumentedConfig, network_of, profile_configs
from tools.docs.export_table import (
    EXAMPLE_SUFFIX,
    PER_AZ_EQUIVALENTS,
    RAW_EXAMPLE_NAME,
    consumer_snippet,
    export_table_markdown,
    helper_expression,
    output_key,
    raw_expression,
)
from tools.docs.links import anchors, dead_links, heading_slug
from tools.docs.network_model import UNMODELLED_PEER, NetworkModel, VpcEndpoint, read_network
from tools.docs.render import GraphvizMissingError, graphviz_version, render, render_svg, svg_structure
from tools.docs.sections import MissingSectionError, UnassignedSectionError, fill_sections, section_names
from tools.docs.settings_table import setting_value, settings_markdown
from tools.golden import load_contract
from tools.project import ROOT, ToolError, config_for, synthesize, synthesized

ISOLATED = "10.0.21.0/24,10.0.22.0/24,10.0.23.0/24"
#: Every hand-written page and the README: what the link and layout checks read.
MARKDOWN_FILES = [README, *sorted(DOCS.glob("*.md"))]
#: The README fits on a page; everything else lives under docs/.
README_MAX_LINES = 260


def network(**context: str) -> NetworkModel:
    return network_of(config_for(**context))


@pytest.fixture(scope="module")
def generated() -> dict[Path, str]:
    return generated_text_files()


@pytest.fixture(scope="module")
def sections() -> dict[str, str]:
    return generated_sections()


# --- staleness: what `make docs` would write is what is checked in --------------------------


@pytest.mark.parametrize("path", [DIAGRAM_SOURCE, *SECTION_FILES], ids=lambda path: str(path.relative_to(ROOT)))
def test_checked_in_docs_are_current(generated: dict[Path, str], path: Path) -> None:
    assert path.read_text() == generated[path], f"{path.relative_to(ROOT)} is stale: run `make docs` and commit"


def test_every_generated_section_is_placed_once_and_checked(generated: dict[Path, str]) -> None:
    placed = [name for names in SECTION_FILES.values() for name in names]
    assert sorted(placed) == sorted(generated_sections())
    assert len(placed) == len(set(placed))
    # Every placed file is compared above; nothing generated escapes the staleness check.
    assert set(generated) == {DIAGRAM_SOURCE, *SECTION_FILES}


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_page_holds_exactly_the_sections_assigned_to_it(path: Path) -> None:
    # A page outside SECTION_FILES is never filled, so a marker there would go stale unseen.
    assert section_names(path.read_text()) == list(SECTION_FILES.get(path, ()))


def test_checked_in_svg_draws_what_the_checked_in_source_says() -> None:
    # Structure, not bytes: any Graphviz from 2.42 up, on Linux or macOS, lays out differently.
    rendered = svg_structure(render_svg(DIAGRAM_SOURCE.read_text()))
    checked_in = svg_structure(DIAGRAM.read_text())
    assert checked_in == rendered, (
        "docs/network.svg does not draw what docs/network.dot says: run `make docs` and commit"
        f" (installed: {graphviz_version()!r})"
    )
    assert len(checked_in.nodes) > 10
    assert len(checked_in.edges) > 10
    assert "TapVpcStack-prod" in " ".join(checked_in.labels)


def test_svg_structure_ignores_layout_but_not_content() -> None:
    svg = DIAGRAM.read_text()
    moved = re.sub(r'(x|y)="(-?[0-9.]+)"', lambda m: f'{m[1]}="{float(m[2]) + 7.5}"', svg)
    assert svg_structure(moved) == svg_structure(svg)
    relabelled = svg.replace("10.0.11.0/24", "10.0.99.0/24", 1)
    assert svg_structure(relabelled) != svg_structure(svg)


def test_readme_shows_the_diagram_and_its_generated_sections() -> None:
    readme = README.read_text()
    assert "](docs/network.svg)" in readme
    for name in ("settings", "fleet", "consumer-snippet"):
        assert f"<!-- BEGIN GENERATED: {name} (make docs) -->" in readme


def test_a_missing_section_marker_is_named_with_its_file() -> None:
    with pytest.raises(MissingSectionError, match=r"docs/cost\.md has no generated section 'cost'"):
        fill_sections("# Cost without markers\n", {"cost": "x"}, source="docs/cost.md")


def test_a_repeated_section_is_refused() -> None:
    page = "<!-- BEGIN GENERATED: t (make docs) -->\n<!-- END GENERATED: t -->\n" * 2
    with pytest.raises(MissingSectionError, match="2 copies of the generated section 't'"):
        fill_sections(page, {"t": "new"})


def test_a_section_left_behind_in_another_file_is_refused() -> None:
    page = "<!-- BEGIN GENERATED: cost (make docs) -->\nold\n<!-- END GENERATED: cost -->\n"
    with pytest.raises(UnassignedSectionError, match=r"README\.md has generated sections .*: cost; remove"):
        fill_sections(page, {}, source="README.md")


def test_a_marker_quoted_in_prose_is_not_a_section() -> None:
    page = "Sections sit between `<!-- BEGIN GENERATED: name (make docs) -->` and its end marker.\n"
    assert section_names(page) == []
    assert fill_sections(page, {}) == page


def test_filling_a_section_keeps_everything_outside_its_markers() -> None:
    readme = "intro\n<!-- BEGIN GENERATED: t (make docs) -->\nold\n<!-- END GENERATED: t -->\noutro\n"
    assert fill_sections(readme, {"t": "new\n"}) == (
        "intro\n<!-- BEGIN GENERATED: t (make docs) -->\nnew\n<!-- END GENERATED: t -->\noutro\n"
    )


def test_each_section_is_written_into_the_file_it_is_assigned_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text("a\n<!-- BEGIN GENERATED: one (make docs) -->\n<!-- END GENERATED: one -->\n")
    second.write_text("<!-- BEGIN GENERATED: two (make docs) -->\nold\n<!-- END GENERATED: two -->\nb\n")
    monkeypatch.setattr(docs_main, "ROOT", tmp_path)
    monkeypatch.setattr(docs_main, "diagram_source", lambda: "digraph {}\n")
    monkeypatch.setattr(docs_main, "generated_sections", lambda: {"one": "1", "two": "2"})
    monkeypatch.setattr(docs_main, "SECTION_FILES", {first: ("one",), second: ("two",)})
    files = docs_main.generated_text_files()
    assert files[first] == "a\n<!-- BEGIN GENERATED: one (make docs) -->\n1\n<!-- END GENERATED: one -->\n"
    assert files[second] == "<!-- BEGIN GENERATED: two (make docs) -->\n2\n<!-- END GENERATED: two -->\nb\n"
    monkeypatch.setattr(docs_main, "SECTION_FILES", {first: ("one",)})
    with pytest.raises(ToolError, match="each goes in one file"):
        docs_main.generated_text_files()
    monkeypatch.setattr(docs_main, "SECTION_FILES", {first: ("one",), tmp_path / "gone.md": ("two",)})
    with pytest.raises(ToolError, match=r"gone\.md is missing: it holds the generated sections two"):
        docs_main.generated_text_files()


def test_rendering_without_graphviz_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizMissingError, match="make setup"):
        render_svg("digraph {}")


# --- the network model read from templates -----------------------------------------------


def test_model_follows_each_private_subnet_to_the_nat_gateway_of_its_own_az() -> None:
    # Without egress control the private tier goes straight to NAT (with it, see the firewall test below).
    model = network(environmentSuffix="prod", egressControl="off")
    for private in (subnet for subnet in model.subnets if subnet.tier == "Private"):
        nat = next(nat for nat in model.nat_gateways if nat.logical_id == private.default_route_target)
        assert model.subnet(nat.subnet).az == private.az
        assert model.subnet(nat.subnet).tier == "Public"


def test_model_follows_each_private_subnet_to_the_firewall_and_each_firewall_subnet_to_its_nat() -> None:
    model = network(environmentSuffix="prod")
    assert model.tiers == ("Public", "Private", "Isolated", "Firewall")
    assert model.firewall_endpoints == 3
    firewall_subnets = [subnet for subnet in model.subnets if subnet.tier == "Firewall"]
    assert [str(subnet.cidr) for subnet in firewall_subnets] == ["10.0.31.0/28", "10.0.31.16/28", "10.0.31.32/28"]
    for subnet in firewall_subnets:
        nat = next(nat for nat in model.nat_gateways if nat.logical_id == subnet.default_route_target)
        assert model.subnet(nat.subnet).az == subnet.az
    assert not [s for s in model.subnets if s.tier == "Private" and s.default_route_target in model.nat_ids]


def test_model_with_one_nat_gateway_and_an_isolated_tier() -> None:
    model = network(environmentSuffix="dev", natGateways="1", isolatedSubnetCidrs=ISOLATED, egressControl="off")
    assert model.tiers == ("Public", "Private", "Isolated")
    (nat,) = model.nat_gateways
    assert [subnet.az for subnet in model.subnets_routing_to(nat.logical_id)] == [0, 1, 2]
    assert all(subnet.default_route_target is None for subnet in model.subnets if subnet.tier == "Isolated")
    gateways = [endpoint for endpoint in model.endpoints if endpoint.endpoint_type == "Gateway"]
    assert sorted(endpoint.service for endpoint in gateways) == ["dynamodb", "s3"]
    for endpoint in gateways:
        reached = {subnet.tier for subnet in model.subnets_using_route_tables(endpoint.route_tables)}
        assert reached == {"Private", "Isolated"}, endpoint.service


def test_model_rejects_a_template_without_exactly_one_vpc() -> None:
    with pytest.raises(ValueError, match="expected one AWS::EC2::VPC"):
        read_network({"Resources": {}})


def test_model_rejects_a_hard_coded_availability_zone() -> None:
    template = json.loads(json.dumps(synthesize(config_for(environmentSuffix="pr-1")).to_json()))
    subnet = next(r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Subnet")
    subnet["Properties"]["AvailabilityZone"] = {"Fn::Select": [0, ["us-east-1a"]]}
    with pytest.raises(ValueError, match="Fn::GetAZs"):
        read_network(template)


# --- the diagram ---------------------------------------------------------------------------


def test_diagram_draws_every_subnet_route_endpoint_and_the_encrypted_flow_log() -> None:
    model = network(environmentSuffix="dev", natGateways="1", isolatedSubnetCidrs=ISOLATED, egressControl="off")
    dot = network_dot(model, title="t", subtitle="s")
    shown = {"Public": "Public", "Private": "Private", "Isolated": "Data"}
    for subnet in model.subnets:
        assert f"{shown[subnet.tier]} {subnet.cidr}<br/>251 usable addresses" in dot
    assert "Network ACL, data subnets<br/>in: TCP 5432 from 10.0.11.0/24, 10.0.12.0/24, 10.0.13.0/24" in dot
    assert "Network ACL, public subnets<br/>in: TCP 443 from 0.0.0.0/0" in dot
    assert "Interface endpoints, private DNS<br/>kms, secretsmanager, logs, sts, ecr.api, ecr.dkr, ssm" in dot
    (nat,) = model.nat_gateways
    for az in (1, 2, 3):
        assert f'{nat.logical_id} -> private_{az} [dir=back, label="0.0.0.0/0"];' in dot
        assert f"isolated_{az} -> endpoint_" in dot
    public_routes = re.findall(r'igw -> (\S+) \[dir=back, label="0.0.0.0/0"', dot)
    assert public_routes == [nat.logical_id, "public_2", "public_3"], "AZ 1's public subnet holds the NAT gateway"
    (flow_log,) = model.flow_logs
    assert f"{flow_log.logical_id} -> {flow_log.log_group};" in dot
    assert f'{flow_log.kms_key} -> {flow_log.log_group} [label="encrypts", style=dashed];' in dot
    assert "in: TCP 443 from 0.0.0.0/0" in dot


def test_graphviz_lays_the_azs_out_left_to_right_and_the_tiers_top_down() -> None:
    layout = json.loads(render(network_dot(network(environmentSuffix="prod"), title="t", subtitle="s"), "json"))
    centre = {obj["name"]: tuple(map(float, obj["pos"].split(","))) for obj in layout["objects"] if "pos" in obj}
    # Graphviz's y grows upwards.
    assert centre["private_1"][0] < centre["private_2"][0] < centre["private_3"][0]
    assert all(centre["private_1"][1] < centre[nat][1] for nat in centre if "NATGateway" in nat)
    assert centre["igw"][1] > max(centre[f"private_{az}"][1] for az in (1, 2, 3))


# --- the CIDR plan -----------------------------------------------------------------------


def test_usable_addresses_leave_out_the_five_aws_reserves() -> None:
    model = network(environmentSuffix="pr-1", privateSubnetCidrs="10.0.16.0/20,10.0.32.0/28,10.0.48.0/22")
    usable = {str(subnet.cidr): subnet.usable_addresses for subnet in model.subnets if subnet.tier == "Private"}
    assert usable == {"10.0.16.0/20": 4091, "10.0.32.0/28": 11, "10.0.48.0/22": 1019}


def test_free_blocks_are_what_the_subnets_leave_of_the_vpc() -> None:
    vpc = ipaddress.IPv4Network("10.0.0.0/16")
    assert free_blocks(vpc, [ipaddress.IPv4Network("10.0.0.0/17")]) == [ipaddress.IPv4Network("10.0.128.0/17")]
    assert free_blocks(vpc, [vpc]) == []
    blocks = free_blocks(vpc, [ipaddress.IPv4Network("10.0.1.0/24"), ipaddress.IPv4Network("10.0.2.0/24")])
    assert sum(block.num_addresses for block in blocks) == 65536 - 512
    assert blocks[0] == ipaddress.IPv4Network("10.0.128.0/17")


def test_plan_table_of_the_default_plan_states_the_free_space() -> None:
    table = cidr_plan_markdown([("prod", network(environmentSuffix="prod"))])
    assert "| Private | AZ 2 | `10.0.12.0/24` | 256 | 251 |" in table
    assert "| Isolated | AZ 3 | `10.0.23.0/24` | 256 | 251 |" in table
    # 65,536 - 9 x 256 = 63,232 free.
    # 9 /24s and the firewall tier's 3 /28s.
    assert "| Firewall | AZ 3 | `10.0.31.32/28` | 16 | 11 |" in table
    assert "subnets take 2,352 (3.6%); free: 63,184 (96.4%)" in table
    assert "the largest `10.0.128.0/17`" in table


def test_profiles_with_different_plans_get_separate_tables() -> None:
    plans = [
        ("a", network(environmentSuffix="pr-1")),
        ("b", network(environmentSuffix="pr-1", isolatedSubnetCidrs=ISOLATED)),
    ]
    markdown = cidr_plan_markdown(plans)
    assert markdown.count("| Tier | AZ | CIDR |") == 2
    assert markdown.index("Profiles `a`:") < markdown.index("Profiles `b`:")


def test_every_profile_in_cdk_json_is_documented(sections: dict[str, str]) -> None:
    names = [item.name for item in profile_configs()]
    assert names == list(json.loads((ROOT / "cdk.json").read_text())["context"]["tapVpcProfiles"])
    assert all(f"`{name}`" in sections["cidr-plan"] for name in names)


# --- the export table ------------------------------------------------------------------


def test_export_table_lists_every_contract_export_once() -> None:
    contract = load_contract()
    table = export_table_markdown(contract)
    for pattern in contract:
        assert table.count(f"| `{pattern}` |") == 1


def test_every_snippet_imports_the_export_of_its_row() -> None:
    app = App()
    self = Stack(app, "Consumer")  # the name the snippets use for the consumer stack
    namespace = {
        "Fn": Fn,
        "vpc": import_tap_vpc(self, "TapVpc", environment_suffix=EXAMPLE_SUFFIX),
        "https": import_https_security_group(self, "HttpsTier", environment_suffix=EXAMPLE_SUFFIX),
    }
    helpers = 0
    for pattern, entry in load_contract().items():
        key = output_key(pattern)
        wanted = f"TapVpcStack-{EXAMPLE_SUFFIX}-{key}"
        snippets = [raw_expression(pattern, entry["value"])]
        if (helper := helper_expression(key)) is not None:
            snippets.append(helper)
            helpers += 1
        for snippet in snippets:
            resolved = self.resolve(eval(snippet, namespace))  # our own doc snippets, never input
            assert set(imported_names(resolved)) == {wanted}, f"{snippet} does not import {key} alone: {resolved}"
        if key in PER_AZ_EQUIVALENTS:
            expression, per_az_key = PER_AZ_EQUIVALENTS[key]
            resolved_list = self.resolve(eval(expression, namespace))
            assert resolved_list == [
                {"Fn::ImportValue": f"TapVpcStack-{EXAMPLE_SUFFIX}-{per_az_key.format(n=n)}"} for n in (1, 2, 3)
            ]
    assert helpers >= 14, "the helpers cover the VPC, its subnets, route tables, AZs and the security group"


# --- the cost ------------------------------------------------------------------------------


def test_prod_fixed_cost_arithmetic() -> None:
    lines = {line.item: line.monthly for line in fixed_monthly_cost(network(environmentSuffix="prod"), load_prices())}
    assert lines == {
        "NAT gateways": Decimal("98.55"),  # 3 x 730 h x $0.045
        "NAT gateway hours waived for firewall endpoints": Decimal("-98.55"),  # one NAT hour per endpoint hour
        "Network Firewall endpoints": Decimal("865.05"),  # 3 x 730 h x $0.395
        "Public IPv4 addresses": Decimal("10.95"),  # 3 EIPs x 730 h x $0.005
        "KMS keys, first year": Decimal("3.00"),  # 3 keys (flow-log group, archive, egress logs) x $1
        "Interface endpoints, per AZ": Decimal("153.30"),  # 7 endpoints x 3 AZs x 730 h x $0.01
    }


def test_single_nat_gateway_cost_arithmetic() -> None:
    lines = fixed_monthly_cost(network(environmentSuffix="pr-1", natGateways="1"), load_prices())
    assert total(lines) == Decimal("37.50")  # 730 x 0.045 + 730 x 0.005 + 1 key, no endpoints


def test_interface_endpoints_are_priced_per_az() -> None:
    base = network(environmentSuffix="pr-1")
    ssm = VpcEndpoint("Ssm", "ssm", "Interface", route_tables=(), subnets=("a", "b", "c"))
    model = NetworkModel(**{**base.__dict__, "endpoints": (*base.endpoints, ssm)})
    line = next(line for line in fixed_monthly_cost(model, load_prices()) if line.item.startswith("Interface"))
    assert line.monthly == Decimal("21.90")  # 3 AZs x 730 h x $0.01


def test_a_profile_in_another_region_is_not_priced_with_these_prices() -> None:
    table = load_prices()
    assert outside_price_region({"dev": "us-east-1"}, table) == {}
    assert outside_price_region({"dev": "us-east-1", "prod": "eu-west-1"}, table) == {"prod": "eu-west-1"}


def test_the_dr_region_is_named_unpriced_rather_than_priced_with_us_east_1_prices() -> None:
    section = cost_section()
    assert "`prod-dr`" not in section.split("\n")[0]
    assert section.rstrip().endswith(
        "Not priced: `prod-dr` (us-west-2). `docs/prices.json` holds us-east-1 prices only, and AWS prices differ by"
        " region; add that region's prices before budgeting it."
    )


def test_price_table_names_its_sources_and_date() -> None:
    raw = json.loads(PRICES_FILE.read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["checked"])
    for name, price in raw["prices"].items():
        assert isinstance(price["usd"], str), f"{name}: amounts are strings, read as Decimal, never floats"
        assert price["source"].startswith("https://aws.amazon.com/"), name


def test_cost_section_prices_every_us_east_1_profile_and_the_single_nat_variant(sections: dict[str, str]) -> None:
    section = sections["cost"]
    header = section.splitlines()[0]
    for name in ["dev", "staging", "uat", "prod", "ephemeral", "dev, natGateways=1"]:
        assert f"`{name}`" in header
    assert "`prod-dr`" not in header  # us-west-2: named below the table, not priced
    assert "**$1032.30**" in section  # prod, staging: 3 NAT (waived), 3 firewall endpoints, 3 EIP, 3 keys, 21 ENIs
    assert "**$521.30**" in section  # dev: 3 NAT (one waived), one firewall endpoint (shared)
    assert "**$110.50**" in section  # ephemeral: no archive, no firewall, one key, no endpoints
    assert "**$448.30**" in section  # uat, and dev with one NAT: 1 NAT (waived), 1 endpoint, 1 EIP, 3 keys


def test_documented_config_network_is_its_template() -> None:
    config = config_for(environmentSuffix="prod")
    assert DocumentedConfig("prod", config).network == read_network(synthesize(config).to_json())


# --- the settings table --------------------------------------------------------------------


def test_settings_table_has_a_row_per_context_key_with_each_profiles_value(sections: dict[str, str]) -> None:
    table = sections["settings"]
    rows = {line.split(" | ")[0].strip("| `"): line for line in table.splitlines()[2:]}
    assert list(rows) == [setting.key for setting in SETTINGS]
    # cdk.json: every profile keeps a year (CT.CLOUDWATCH.PR.2); only prod and prod-dr retain data and protect the stack.
    assert rows["flowLogRetentionDays"].split(" | ")[1] == "`365`"
    assert (
        "dev: `false`<br>staging: `false`<br>uat: `false`<br>prod: `true`<br>prod-dr: `true`<br>ephemeral: `false`"
    ) in rows["terminationProtection"]
    assert "| `600` |" in rows["flowLogMaxAggregationInterval"]


@pytest.mark.parametrize(
    ("value", "written"),
    [(None, "unset"), ((), "unset"), (True, "true"), (("a", "b"), "a,b"), ((("K", "V"), ("L", "W")), "K=V,L=W")],
)
def test_setting_values_are_written_as_on_the_command_line(value: object, written: str) -> None:
    assert setting_value(value) == written


def test_a_pipe_in_a_setting_description_does_not_break_the_table() -> None:
    profile = DocumentedConfig("dev", config_for(environmentSuffix="dev"))
    for line in settings_markdown([profile]).splitlines()[2:]:
        assert line.replace("\\|", "").count("|") == 5


# --- the archive --------------------------------------------------------------------------


def test_a_year_of_ten_gb_a_day_worked_out_by_hand() -> None:
    year = year_of_logs(10, load_prices())
    # 10 GB x 365 days = 3,650 GB delivered.
    assert year.cloudwatch_ingestion == Decimal("1825.00")  # 3,650 x $0.50
    # Day d holds 10*d GB: sum 10*d for d=1..365 = 667,950 GB-days = 21,960 GB-months (a month is 365/12 days).
    assert year.cloudwatch_storage == Decimal("658.80")  # 21,960 x $0.03
    assert year.s3_delivery == Decimal("912.50")  # 3,650 x $0.25
    assert year.parquet_conversion == Decimal("109.50")  # 3,650 x $0.03
    # Standard holds at most 90 days: 10 x (1+...+90 + 90 x 275) = 288,450 GB-days = 9,483.29 GB-months.
    assert year.s3_standard == Decimal("218.12")  # x $0.023
    # Glacier IR holds the rest: 379,500 GB-days = 12,476.71 GB-months.
    assert year.glacier_instant_retrieval == Decimal("49.91")  # x $0.004
    assert year.archive_key == Decimal("12.00")  # 12 months x $1
    assert (year.cloudwatch_only, year.archive) == (Decimal("2483.80"), Decimal("1302.03"))


def test_the_archive_table_prices_each_volume(sections: dict[str, str]) -> None:
    rows = sections["archive-cost"].splitlines()
    assert rows[0].startswith("| Records per day | CloudWatch Logs only | S3 archive adds")
    assert "| 10 GB | $2,483.80 | $1,302.03 | $3,785.83 | 34% |" in rows
    assert [row.split(" | ")[0] for row in rows[2:]] == ["| 1 GB", "| 10 GB", "| 100 GB"]


def test_the_diagram_draws_the_archive_chain() -> None:
    model = network(environmentSuffix="prod")
    (archive,) = model.archives
    assert (archive.object_lock_mode, archive.object_lock_days) == ("COMPLIANCE", 365)
    assert (archive.transition_days, archive.expiry_days) == (90, 365)
    assert (archive.table, archive.workgroup, archive.named_queries) == ("vpc_flow_logs", "tap-vpc-prod", 4)
    dot = network_dot(model, title="t", subtitle="s")
    assert "Object Lock COMPLIANCE 365 days\\nGlacier IR after 90 days, expires after 365" in dot
    assert "Flow log to S3\\nparquet, hourly Hive partitions" in dot
    assert f"{archive.flow_log} -> {archive.bucket};" in dot
    assert "Athena workgroup tap-vpc-prod\\n4 named queries, KMS-encrypted results" in dot


def test_without_the_archive_nothing_of_it_is_drawn() -> None:
    model = network(environmentSuffix="prod", flowLogArchive="false")
    assert model.archives == ()
    assert "S3 archive" not in network_dot(model, title="t", subtitle="s")


def test_the_fleet_table_states_each_environment_its_group_and_wave(sections: dict[str, str]) -> None:
    assert sections["fleet"].splitlines()[2:] == [
        "| `dev` | 111111111111 | us-east-1 | 10.0.0.0/16 |  | 1 `dev` |",
        "| `staging` | 333333333333 | us-east-1 | 10.1.0.0/16 | `acquirer-test` | 2 `staging` |",
        "| `uat` | 333333333333 | us-east-1 | 10.2.0.0/16 | `acquirer-test` | 2 `staging` |",
        "| `prod` | 222222222222 | us-east-1 | 10.0.0.0/16 | `payments` | 3 `prod` |",
        "| `prod-dr` | 222222222222 | us-west-2 | 10.16.0.0/16 | `payments` | 4 `prod-dr` |",
    ]


# --- the network model reads through the reachability checker's template model ----------


def test_the_data_groups_replication_rules_are_drawn_as_the_checker_reads_them() -> None:
    # Standalone AWS::EC2::SecurityGroupIngress resources: the template model reads them, so the diagram does.
    data = next(
        group for group in network(environmentSuffix="prod").security_groups if "Data tier" in group.description
    )
    from_itself = [(rule.from_port, rule.source) for rule in data.ingress if rule.source == "this group"]
    assert from_itself == [(5432, "this group"), (6379, "this group")]


def test_a_peer_given_as_the_vpcs_own_cidr_is_resolved_by_the_template_model() -> None:
    template = json.loads(json.dumps(synthesize(config_for(environmentSuffix="prod")).to_json()))
    vpc = next(lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::EC2::VPC")
    group = next(r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::SecurityGroup")
    group["Properties"]["SecurityGroupIngress"][0]["CidrIp"] = {"Fn::GetAtt": [vpc, "CidrBlock"]}
    (first, *_) = read_network(template).security_groups[0].ingress
    assert first.source == "10.0.0.0/16"


def test_an_ipv6_source_the_template_model_leaves_out_is_said_not_dropped() -> None:
    template = json.loads(json.dumps(synthesize(config_for(environmentSuffix="prod")).to_json()))
    group = next(r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::SecurityGroup")
    rule = group["Properties"]["SecurityGroupIngress"][0]
    del rule["CidrIp"]
    rule["CidrIpv6"] = "2001:db8::/32"
    assert read_network(template).security_groups[0].ingress[0].source == UNMODELLED_PEER


def test_model_rejects_a_subnet_outside_the_three_tiers() -> None:
    template = json.loads(json.dumps(synthesize(config_for(environmentSuffix="pr-1")).to_json()))
    subnet = next(r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Subnet")
    tag = next(tag for tag in subnet["Properties"]["Tags"] if tag["Key"] == "aws-cdk:subnet-name")
    tag["Value"] = "Spare"
    with pytest.raises(ValueError, match="subnet group 'spare'"):
        read_network(template)


# --- the README's snippet and the acknowledgements --------------------------------------


def test_the_readme_snippet_imports_what_it_says(sections: dict[str, str]) -> None:
    snippet = sections["consumer-snippet"]
    assert snippet.startswith("```python\n")
    assert snippet.endswith("```\n")
    code = snippet.removeprefix("```python\n").removesuffix("```\n")
    self = Stack(App(), "Consumer")  # the name the snippet uses for the consumer stack
    namespace: dict[str, object] = {"self": self}
    exec(code, namespace)  # our own doc snippet, never input
    resolve = self.resolve
    assert resolve(namespace[RAW_EXAMPLE_NAME]) == {"Fn::ImportValue": "TapVpcStack-prod-DataSecurityGroupId"}
    assert resolve(namespace["vpc"].vpc_id) == {"Fn::ImportValue": "TapVpcStack-prod-VpcId"}  # type: ignore[attr-defined]
    assert resolve(namespace["https"].security_group_id) == {  # type: ignore[attr-defined]
        "Fn::ImportValue": "TapVpcStack-prod-SecurityGroupId"
    }


def test_the_snippet_needs_its_export_in_the_contract() -> None:
    contract = {key: value for key, value in load_contract().items() if not key.endswith("-DataSecurityGroupId")}
    with pytest.raises(ToolError, match="no DataSecurityGroupId export"):
        consumer_snippet(contract)


def test_every_acknowledgement_of_the_stack_is_listed_with_its_reason(sections: dict[str, str]) -> None:
    stack, _ = synthesized(config_for(environmentSuffix="prod"))
    listed = acknowledgements(stack)
    by_path = {path: (rule_ids, reason) for paths, rule_ids, reason in listed for path in paths}
    assert by_path["HttpsSecurityGroup"][0] == ("AwsSolutions-EC23",)
    assert "Security Hub EC2.18 allows unrestricted 443" in by_path["HttpsSecurityGroup"][1]
    # Constructs with the same rules and reason share one row; the access-log bucket has two reasons.
    public = next(paths for paths, rule_ids, _ in listed if "Vpc/PublicSubnet1" in paths)
    assert public == ("Vpc/PublicSubnet1", "Vpc/PublicSubnet2", "Vpc/PublicSubnet3")
    assert sum("FlowLogArchive/AccessLogBucket" in paths for paths, _, _ in listed) == 2
    table = sections["acknowledgements"]
    assert len(table.splitlines()) == 4 + len(listed)
    for _, rule_ids, reason in listed:
        assert all(f"`{rule_id}`" in table for rule_id in rule_ids)
        assert reason in table


def test_every_checkov_skip_is_named_in_the_compliance_page() -> None:
    template = synthesize(config_for(environmentSuffix="prod")).to_json()
    skips = {
        skip["id"]
        for resource in template["Resources"].values()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    page = (DOCS / "compliance.md").read_text()
    assert skips
    assert all(skip in page for skip in skips), sorted(skip for skip in skips if skip not in page)


# --- the pages: size, heads, links ---------------------------------------------------------


def test_the_readme_fits_on_a_page() -> None:
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to a page under docs/"


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    assert dead_links(path, ROOT) == []


def test_the_link_check_finds_a_missing_file_a_missing_anchor_and_a_way_out(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# Page\n\n## Two words\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Top\n\n[ok](docs/page.md#two-words) [self](#top) [web](https://example.com/x.md)"
        " `[code](nowhere.md)`\n\n```\n[fenced](nowhere.md)\n```\n"
        "[gone](docs/gone.md) [bad anchor](docs/page.md#three) [out](../outside.md) ![img](docs/x.svg)\n"
    )
    assert dead_links(readme, tmp_path) == [
        "docs/gone.md: no such file",
        "docs/page.md#three: page.md has no heading with anchor #three",
        "../outside.md: outside the repository (links are relative to the page)",
        "docs/x.svg: no such file",
    ]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Segmentation (PCI DSS 1.3, 1.4)", "segmentation-pci-dss-13-14"),
        ("What `make local` does", "what-make-local-does"),
        ("Every profile's plan", "every-profiles-plan"),
        ("First deploy to a new account, in order", "first-deploy-to-a-new-account-in-order"),
    ],
)
def test_anchors_are_githubs_heading_slugs(heading: str, slug: str) -> None:
    assert heading_slug(heading) == slug


def test_a_repeated_heading_gets_a_numbered_anchor() -> None:
    assert anchors("# A\n## Notes\n## Notes\n```\n# Not a heading\n```\n") == {"a", "notes", "notes-1"}


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda path: path.name)
def test_each_page_says_what_it_covers_in_one_line_and_links_back(path: Path) -> None:
    title, blank, summary, after = path.read_text().splitlines()[:4]
    assert title.startswith("# ")
    assert (blank, after) == ("", ""), "one line under the title says what the page covers"
    assert "](../README.md)" in summary


def test_the_readme_links_every_page() -> None:
    readme = README.read_text()
    missing = [path.name for path in DOCS.glob("*.md") if f"](docs/{path.name})" not in readme]
    assert missing == []


def test_the_development_page_says_where_each_generated_section_lives() -> None:
    rows = [line for line in (DOCS / "development.md").read_text().splitlines() if line.startswith("| `")]
    for path, names in SECTION_FILES.items():
        for name in names:
            (row,) = [row for row in rows if f"`{name}`" in row.split(" | ")[0]]
            assert f"[{path.name}](" in row, f"docs/development.md places {name!r} elsewhere than {path.name}"


# --- the PCI DSS v4.0.1 evidence report ----------------------------------------------------


def test_the_evidence_report_names_real_resources_of_the_prod_template(sections: dict[str, str]) -> None:
    page = sections["pci-evidence"]
    resources = synthesize(config_for(environmentSuffix="prod")).to_json()["Resources"]
    named = re.findall(r"^\| `([A-Za-z0-9]+)` \| `(AWS::[A-Za-z0-9:]+|Custom::[A-Za-z0-9]+)` \|", page, re.MULTILINE)
    assert len(named) > 50
    for logical_id, resource_type in named:
        assert resources[logical_id]["Type"] == resource_type, logical_id
    # The proofs an assessor asks for first: the lock-down of the default ACL, key rotation, the archive's lock.
    assert "| `VpcRestrictDefaultNetworkAclCustomResourceBD734E26` | `Custom::VpcRestrictDefaultNetworkAcl` |" in page
    assert re.search(r"\| `FlowLogKey825502D8` \| `AWS::KMS::Key` \| EnableKeyRotation: `true`", page)
    assert re.search(
        r"\| `FlowLogArchiveBucketEDB91C57` \| `AWS::S3::Bucket` \|.*`\{\"Days\": 365, \"Mode\": \"COMPLIANCE\"\}`",
        page,
    )


def test_the_evidence_report_gives_each_rule_its_control_id_and_verdict(sections: dict[str, str]) -> None:
    page = sections["pci-evidence"]
    summary = [line for line in page.splitlines() if line.startswith("| ") and "[`PCI.DSS.401-" in line]
    assert len(summary) == 16
    rows = {line.split("[`")[1].split("`]")[0]: line.split(" | ") for line in summary}
    assert rows["PCI.DSS.401-1.3.1-DefaultNetworkAclClosed"][2] == "EC2.21"
    assert rows["PCI.DSS.401-3.7.4-KeyRotation"][2] == "KMS.4"
    assert rows["PCI.DSS.401-10.3.2-LogDestinationsEncrypted"][-1] == "pass (1 acknowledged) |"
    assert rows["PCI.DSS.401-1.3.2-EgressThroughFirewall"][-1] == "pass |"
    assert "**FAIL**" not in page
    # Each rule's section, reachable from the summary's link.
    for rule_id in rows:
        assert f"\n### {rule_id}\n" in page
    assert "`FlowLogArchiveAccessLogBucket31908095`: log bucket uses AES256 encryption" in page
    assert "Reason: Destination of S3 server access logs" in page


def test_the_evidence_report_says_who_covers_what_this_app_does_not(sections: dict[str, str]) -> None:
    page = sections["pci-evidence"]
    outside = page.split("## Not covered by this app", 1)[1]
    for words in ("CloudTrail", "GuardDuty", "Inspector", "IAM users", "workload team", "account (security team)"):
        assert words in outside, words


def test_an_unacknowledged_finding_shows_as_a_failure() -> None:
    from tools.docs.pci_evidence import evidence_page

    keys = {"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {}}}}
    assert "| [`PCI.DSS.401-3.7.4-KeyRotation`](#pcidss401-374-keyrotation) | **FAIL** |" in evidence_page(
        "x", keys, {}
    )
    acknowledged = evidence_page("x", keys, {("PCI.DSS.401-3.7.4-KeyRotation", "Key"): "a reason"})
    assert "pass (1 acknowledged)" in acknowledged
    assert "- `Key`: customer-managed key does not rotate (EnableKeyRotation). Reason: a reason" in acknowledged
