"""Fill the generated sections of README.md.

Each section sits between two marker comments::

    <!-- BEGIN GENERATED: name (make docs) -->
    ...
    <!-- END GENERATED: name -->

Everything outside the markers is hand-written and left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tools.project import ToolError


class MissingSectionError(ToolError):
    """README.md lacks the markers of a section the generator fills."""


def begin_marker(name: str) -> str:
    """The line that opens section ``name``."""
    return f"<!-- BEGIN GENERATED: {name} (make docs) -->"


def end_marker(name: str) -> str:
    """The line that closes section ``name``."""
    return f"<!-- END GENERATED: {name} -->"


def fill_sections(readme: str, sections: Mapping[str, str]) -> str:
    """``readme`` with each named section's body replaced by ``sections[name]``."""
    for name, body in sections.items():
        pattern = re.compile(re.escape(begin_marker(name)) + r"\n.*?" + re.escape(end_marker(name)), re.DOTALL)
        found = pattern.search(readme)
        if found is None:
            raise MissingSectionError(
                f"README.md has no generated section {name!r}: add the lines\n{begin_marker(name)}\n{end_marker(name)}"
            )
        replacement = f"{begin_marker(name)}\n{body.rstrip()}\n{end_marker(name)}"
        readme = readme[: found.start()] + replacement + readme[found.end() :]
    return readme
