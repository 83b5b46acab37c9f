"""Render DOT to SVG with Graphviz's ``dot`` (Debian's graphviz package, installed by `make setup`)."""

from __future__ import annotations

import shutil
import subprocess

from tools.project import ToolError


class GraphvizMissingError(ToolError):
    """``dot`` is not on PATH."""


def graphviz_version() -> str:
    """What ``dot -V`` prints, such as ``dot - graphviz version 2.43.0 (0)``."""
    return _run(["-V"], "").stderr.strip()


def render_svg(dot_source: str) -> str:
    """The SVG ``dot -Tsvg`` renders from ``dot_source``; the same input and Graphviz give the same bytes."""
    return _run(["-Tsvg"], dot_source).stdout


def _run(arguments: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissingError("Graphviz's 'dot' is not installed; `make setup` installs Debian's graphviz package")
    return subprocess.run([executable, *arguments], input=stdin, capture_output=True, text=True, check=True)
