"""Relative links in the Markdown docs that do not resolve: a missing file, or an anchor no heading makes.

Links inside code (fenced blocks and inline spans) are not links, and a link with a scheme
(``https:``, ``mailto:``) points outside the repository, so neither is checked. Anchors are the
slugs GitHub gives headings, so a link that works here works when the page is read on GitHub.
"""

from __future__ import annotations

import re
from pathlib import Path

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
#: ``[text](target)`` and ``![alt](target)``, with an optional title after the target.
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _prose(markdown: str) -> str:
    """``markdown`` without its code blocks and code spans (their brackets are not links)."""
    return _INLINE_CODE.sub("", _FENCE.sub("", markdown))


def heading_slug(heading: str) -> str:
    """The anchor GitHub gives ``heading``: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of ``markdown``; a repeated heading gets ``-1``, ``-2``... as on GitHub."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in _HEADING.findall(_FENCE.sub("", markdown)):
        slug = heading_slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(markdown: str) -> list[str]:
    """The link targets of ``markdown`` that stay in the repository, in order."""
    return [target for target in _LINK.findall(_prose(markdown)) if not _SCHEME.match(target)]


def dead_links(path: Path, root: Path) -> list[str]:
    """The relative links of the Markdown file ``path`` that do not resolve, each with why.

    A target must name an existing file or folder inside ``root``, taken relative to ``path``'s
    folder; its ``#anchor``, when it points at a Markdown file (or is the bare ``#anchor`` of
    ``path`` itself), must be one of that file's heading anchors.
    """
    dead = []
    for target in relative_links(path.read_text()):
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path.resolve()
        if file_part.startswith("/") or not resolved.is_relative_to(root.resolve()):
            dead.append(f"{target}: outside the repository (links are relative to the page)")
        elif not resolved.exists():
            dead.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved.read_text()):
            dead.append(f"{target}: {resolved.name} has no heading with anchor #{anchor}")
    return dead
