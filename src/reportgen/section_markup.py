"""Whether each director's section is the same HTML in the pack as in the director's own pack.

The pack's PDF is joined from the directors' own layouts, so a section must render
alike in both: a template that reads `report.directors` or the directors loop in a
section would not. pack.html marks each section; the marks are compared by digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

SECTION_START = "<!--reportgen:section-->"
SECTION_END = "<!--/reportgen:section-->"


def _digest(section: str) -> str:
    return hashlib.sha256(section.encode("utf-8")).hexdigest()


class SectionDigests:
    """The marked sections of the pack's HTML and of each director's, by digest."""

    def __init__(self) -> None:
        self.in_pack: list[str] = []
        self.own: dict[str, str | None] = {}

    def read_pack(self, chunks: Iterable[str]) -> Iterator[str]:
        """The pack's HTML passed through, its sections' digests taken in order on the way.

        A section is hashed as it streams past, so each chunk is searched once: holding a
        section and searching it again for its end on every chunk took ~1 s a build at
        1,000 indicators. Only what could begin a mark cut between chunks is carried over.
        """
        self.in_pack = []
        section: hashlib._Hash | None = None  # the current section's digest, while inside one
        carried = ""
        for chunk in chunks:
            yield chunk
            text = carried + str(chunk)  # as text: a Markup chunk would escape what it is added to
            while True:
                mark = SECTION_START if section is None else SECTION_END
                at = text.find(mark)
                if at < 0:
                    kept = max(len(text) - len(mark) + 1, 0)
                    if section is not None:
                        section.update(text[:kept].encode("utf-8"))
                    carried = text[kept:]
                    break
                if section is None:
                    section = hashlib.sha256()
                else:
                    section.update(text[:at].encode("utf-8"))
                    self.in_pack.append(section.hexdigest())
                    section = None
                text = text[at + len(mark) :]

    def read_director(self, slug: str, html: str) -> None:
        """A director's own pack: the digest of its one marked section (None: unmarked)."""
        start = html.find(SECTION_START)
        end = html.find(SECTION_END, start)
        marked = start >= 0 and end >= 0
        self.own[slug] = _digest(html[start + len(SECTION_START):end]) if marked else None

    def agree(self, order: Sequence[str]) -> bool:
        """Whether every director's section is the pack's, in `order` (a pack.html that
        marks nothing cannot be compared, and is taken at its word)."""
        if not self.in_pack and all(self.own.get(slug) is None for slug in order):
            return True
        return self.in_pack == [self.own.get(slug) for slug in order]
