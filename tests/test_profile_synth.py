"""`python -m tools.profile_synth`'s reading of a V8 CPU profile: each sample counts once in every part on its stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.profile_synth import Part, busiest, node_parts
from tools.project import ToolError

PARTS = (
    Part("synth", "synthesize", "aws-cdk-lib/core/lib/private/synthesis.js"),
    Part("guard", "execGuard", "@cdklabs/cdk-validator-cfnguard/lib/plugin.js"),
    Part("waiting", "readSync", "node:fs"),
)


def frame(node_id: int, function: str, url: str, children: list[int]) -> dict[str, object]:
    return {"id": node_id, "callFrame": {"functionName": function, "url": url}, "children": children}


PROFILE = {
    "nodes": [
        frame(1, "(root)", "", [2, 4]),
        frame(2, "synthesize", "file:///tmp/k/node_modules/aws-cdk-lib/core/lib/private/synthesis.js", [3]),
        frame(3, "execGuard", "file:///tmp/k/node_modules/@cdklabs/cdk-validator-cfnguard/lib/plugin.js", []),
        frame(4, "readSync", "node:fs", []),
    ],
    # Microseconds: 1.5 s in cfn-guard inside the synth, 0.5 s in the synth itself, 2 s waiting, 0.25 s at the root.
    "samples": [3, 2, 4, 1],
    "timeDeltas": [1_500_000, 500_000, 2_000_000, 250_000],
}


def test_a_sample_counts_in_every_part_on_its_stack() -> None:
    assert node_parts(PROFILE, PARTS) == {"synth": 2.0, "guard": 1.5, "waiting": 2.0, "total": 4.25}


def test_a_function_of_another_file_is_not_the_part() -> None:
    elsewhere = (Part("guard", "execGuard", "some-other-plugin/lib/plugin.js"),)
    assert node_parts(PROFILE, elsewhere) == {"guard": 0.0, "total": 4.25}


def test_the_runtimes_profile_is_the_largest_and_none_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "shim.cpuprofile").write_text("{}")
    (tmp_path / "runtime.cpuprofile").write_text("{" + " " * 100 + "}")
    assert busiest(tmp_path.glob("*.cpuprofile")).name == "runtime.cpuprofile"
    with pytest.raises(ToolError, match=r"Node\.js wrote no CPU profile"):
        busiest([])
