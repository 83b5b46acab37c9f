"""`make bench`'s arithmetic: interleaved medians, and budgets that hold on one side and fail on the other."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tools.bench import Case, cases, load_budgets, measure, selected, verdict
from tools.project import ToolError


def test_measure_alternates_baseline_and_case_and_takes_medians() -> None:
    calls: list[str] = []
    seconds = {"bare": iter([1.0, 5.0, 2.0]), "tap": iter([3.0, 4.0, 30.0])}

    def clock(command: Sequence[str]) -> float:
        calls.append(command[0])
        return next(seconds[command[0]])

    assert measure(Case("x", ["tap"], ["bare"]), 3, clock) == (4.0, 2.0)
    assert calls == ["bare", "tap", "bare", "tap", "bare", "tap"]


def test_a_ratio_at_the_budget_passes_and_above_it_fails() -> None:
    assert verdict("synth", 5.0, 2.0, 2.5) == (
        True,
        "synth: 2.50x a bare CDK app (5.00 s / 2.00 s), budget 2.50x: ok",
    )
    assert verdict("synth", 5.02, 2.0, 2.5)[0] is False
    assert verdict("synth", 5.02, 2.0, 2.5)[1].endswith("OVER BUDGET")


def test_the_fleet_is_compared_with_one_environment_and_says_so() -> None:
    assert verdict("fleet", 9.0, 6.0, 2.0, "one environment's synth") == (
        True,
        "fleet: 1.50x one environment's synth (9.00 s / 6.00 s), budget 2.00x: ok",
    )


def test_the_budgets_are_the_issues(tmp_path: Path) -> None:
    # Issue 22's goals: 2.0x, 1.6x, 1.5x (the fleet against one environment), 15x, 4x.
    assert load_budgets() == {
        "synth, one environment (in-process)": 2.0,
        "synth, one environment (cdk CLI)": 1.6,
        "synth, the fleet of 5 (in-process)": 1.5,
        "unit suite": 15.0,
        "make local, warm, one environment": 4.0,
    }
    assert sorted(case.name for case in cases(tmp_path, 4599)) == sorted(load_budgets())


def test_the_fleet_case_divides_by_one_environment_and_the_unit_suite_runs_once(tmp_path: Path) -> None:
    by_name = {case.name: case for case in cases(tmp_path, 4599)}
    fleet, one = by_name["synth, the fleet of 5 (in-process)"], by_name["synth, one environment (in-process)"]
    assert fleet.baseline == one.command
    assert by_name["unit suite"].rounds == 1
    assert by_name["make local, warm, one environment"].command[-4:] == ["--environments", "dev", "--port", "4599"]


def test_only_picks_cases_by_part_of_their_name_and_refuses_a_name_that_matches_none(tmp_path: Path) -> None:
    every = cases(tmp_path, 4599)
    assert [case.name for case in selected(every, ["synth"])] == [
        "synth, one environment (in-process)",
        "synth, one environment (cdk CLI)",
        "synth, the fleet of 5 (in-process)",
    ]
    assert selected(every, []) == every
    with pytest.raises(ToolError, match="no case matches nothing-like-it; the cases: synth, one environment"):
        selected(every, ["nothing-like-it"])
