"""Links inside the pack that lead nowhere: a warning, since the pack is still made.

The built-in contents link to each director's section by its id, and take their page
numbers from it: a project's own section.html without that id gives a contents
without page numbers, and links that go nowhere, in every output.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from pathlib import Path

from reportgen.compute import Report
from reportgen.errors import warn
from reportgen.html_attributes import START_TAG, attribute_pattern, value_group
from reportgen.names import section_anchor

# A tag's id (or name), or a link: one pass.
ATTRIBUTE = attribute_pattern("id|name|href")
SHOWN = 5  # dead links named in full; the rest are counted


class LinkTargets:
    """The ids a document's HTML holds, and the #fragments it links to, read as it streams."""

    def __init__(self) -> None:
        self.targets: set[str] = set()
        self.links: dict[str, None] = {}  # in order of first appearance

    def read(self, chunks: Iterable[str]) -> Iterator[str]:
        """The chunks passed through, read on the way (cut at a tag's end, so that no
        attribute is split between two reads)."""
        carried = ""
        for chunk in chunks:
            yield chunk
            text = carried + str(chunk)
            cut = text.rfind(">") + 1
            self._scan(text[:cut])
            carried = text[cut:]
        self._scan(carried)

    def _scan(self, text: str) -> None:
        for tag in START_TAG.finditer(text):
            for match in ATTRIBUTE.finditer(tag[0]):
                value = html.unescape(match[value_group(match)])
                if match[1].lower() != "href":
                    self.targets.add(value)
                elif value.startswith("#"):
                    self.links[value[1:]] = None

    @classmethod
    def linked_from(cls, text: str) -> set[str]:
        """The #fragments a whole HTML text links to."""
        links = cls()
        for _chunk in links.read([text]):
            pass
        return set(links.links)

    def dead(self) -> list[str]:
        """The fragments linked to that no element has as its id, in order."""
        return [link for link in self.links if link and link not in self.targets]


def warn_about_dead_links(links: LinkTargets, report: Report, templates: Path) -> None:
    """One warning per dead link of the pack (the first few), naming the template to fix."""
    sections = {section_anchor(director.slug): director.name for director in report.directors}
    dead = links.dead()
    for target in dead[:SHOWN]:
        if target in sections:
            where: Path | str = templates / "section.html"
            message = (
                f"no element has id {target!r}, which the contents link to for {sections[target]}: "
                'their page number is left blank; give the section id="director-{{ director.slug }}"'
            )
        else:
            where = "report.html"
            message = f"the link to {'#' + target!r} leads nowhere: no element has that id"
        warn(where, None, message)
    if len(dead) > SHOWN:
        warn("report.html", None, f"{len(dead) - SHOWN} more links lead nowhere")
