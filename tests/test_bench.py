"""`make bench`'s arithmetic: interleaved medians, and budgets that hold on one side and fail on the other."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tools.bench import Case, cases, load_budgets, measure, verdict


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


def test_every_case_has_a_budget(tmp_path: Path) -> None:
    assert sorted(case.name for case in cases(tmp_path)) == sorted(load_budgets())
