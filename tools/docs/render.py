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


def render(dot_source: str, output_format: str) -> str:
    """What ``dot -T<output_format>`` renders from ``dot_source`` (``svg``, or ``json`` for the layout)."""
    return _run([f"-T{output_format}"], dot_source).stdout


def render_svg(dot_source: str) -> str:
    """The SVG of ``dot_source``; the same input and Graphviz give the same bytes."""
    return render(dot_source, "svg")


def _run(arguments: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissingError("Graphviz's 'dot' is not installed; `make setup` installs Debian's graphviz package")
    return subprocess.run([executable, *arguments], input=stdin, capture_output=True, text=True, check=True)
