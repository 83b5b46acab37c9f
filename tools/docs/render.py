"""Render DOT to SVG with Graphviz's ``dot`` (Debian's graphviz package, installed by `make setup`)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from xml.etree import ElementTree

from tools.project import ToolError

_SVG = "{http://www.w3.org/2000/svg}"


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


@dataclass(frozen=True)
class SvgStructure:
    """What a Graphviz SVG draws, without where: node and edge titles, and every text label.

    Layout (coordinates, sizes, fonts) differs between Graphviz versions and platforms; the
    structure does not, so the staleness check compares this instead of bytes.
    """

    nodes: frozenset[str]
    edges: frozenset[str]
    clusters: frozenset[str]
    labels: tuple[str, ...]


def svg_structure(svg: str) -> SvgStructure:
    """Read the nodes, edges, clusters and sorted text labels of a Graphviz SVG."""
    root = ElementTree.fromstring(svg)
    titled: dict[str, set[str]] = {"node": set(), "edge": set(), "cluster": set()}
    for group in root.iter(f"{_SVG}g"):
        kind = group.get("class", "")
        title = group.find(f"{_SVG}title")
        if kind in titled and title is not None and title.text:
            titled[kind].add(title.text)
    labels = sorted("".join(text.itertext()).strip() for text in root.iter(f"{_SVG}text"))
    return SvgStructure(
        frozenset(titled["node"]), frozenset(titled["edge"]), frozenset(titled["cluster"]), tuple(labels)
    )
