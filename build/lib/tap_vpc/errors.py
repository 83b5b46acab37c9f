"""Configuration errors: every problem names the setting, the bad value and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid setting: ``key`` is the context key a user types, ``allowed`` says what works."""

    key: str
    value: object
    allowed: str

    def render(self) -> str:
        """Return a one-line description, e.g. ``flowLogMaxAggregationInterval = 300: ...``."""
        return f"{self.key} = {self.value!r}: {self.allowed}"


class ConfigError(ValueError):
    """Raised when one or more settings are invalid; ``problems`` lists all of them at once."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """Return the single error block printed by ``app.py`` (no traceback)."""
        count = len(self.problems)
        noun = "setting" if count == 1 else "settings"
        lines = [f"TAP VPC configuration error: {count} invalid {noun}; nothing was synthesized."]
        lines += [f"  - {problem.render()}" for problem in self.problems]
        return "\n".join(lines)
