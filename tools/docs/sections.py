"""Fill the generated sections of a Markdown file (README.md or a page under docs/).

Each section sits between two marker comments::

    <!-- BEGIN GENERATED: name (make docs) -->
    ...
    <!-- END GENERATED: name -->

Everything outside the markers is hand-written and left as it is. A file holds exactly the
sections the generator assigns to it, each once: a missing, repeated or unassigned marker is an
error, so a section moved to another page can never stay behind, stale, in the old one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tools.project import ToolError

#: A marker is a line of its own, so one quoted in prose or code (as docs/development.md does) is not one.
_BEGIN = re.compile(r"^<!-- BEGIN GENERATED: (\S+) \(make docs\) -->$", re.MULTILINE)


class MissingSectionError(ToolError):
    """A file lacks the markers of a section the generator fills there, or repeats them."""


class UnassignedSectionError(ToolError):
    """A file holds markers of a section the generator does not fill there."""


def begin_marker(name: str) -> str:
    """The line that opens section ``name``."""
    return f"<!-- BEGIN GENERATED: {name} (make docs) -->"


def end_marker(name: str) -> str:
    """The line that closes section ``name``."""
    return f"<!-- END GENERATED: {name} -->"


def section_names(text: str) -> list[str]:
    """The names of the sections ``text`` opens on a line of their own, in order (repeats included)."""
    return _BEGIN.findall(text)


def fill_sections(text: str, sections: Mapping[str, str], *, source: str = "README.md") -> str:
    """``text`` with each named section's body replaced by ``sections[name]``.

    ``source`` names the file in errors. Raises ``MissingSectionError`` when a section's markers
    are absent or appear twice, and ``UnassignedSectionError`` when ``text`` opens a section that
    ``sections`` does not name.
    """
    unassigned = [name for name in section_names(text) if name not in sections]
    if unassigned:
        raise UnassignedSectionError(
            f"{source} has generated sections that `make docs` writes elsewhere or no longer writes:"
            f" {', '.join(unassigned)}; remove their markers"
        )
    for name, body in sections.items():
        pattern = re.compile(
            f"^{re.escape(begin_marker(name))}\n.*?^{re.escape(end_marker(name))}$", re.DOTALL | re.MULTILINE
        )
        found = list(pattern.finditer(text))
        if len(found) != 1:
            problem = "no" if not found else f"{len(found)} copies of the"
            raise MissingSectionError(
                f"{source} has {problem} generated section {name!r}: it needs the lines\n"
                f"{begin_marker(name)}\n{end_marker(name)}\nexactly once"
            )
        replacement = f"{begin_marker(name)}\n{body.rstrip()}\n{end_marker(name)}"
        text = text[: found[0].start()] + replacement + text[found[0].end() :]
    return text
