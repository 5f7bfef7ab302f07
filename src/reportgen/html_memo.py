"""Each director's HTML (their own pack, their indicators' fragments), kept from the last build.

A re-build after one late comment renders again only that director's HTML: the rest is
read from the render cache, under a digest of the director's part of the report model
(job_order.fingerprints), salted with everything else that shapes the HTML: the
template folders' files, and the versions of reportgen, Jinja and babel (the numbers'
formats). At 1,000 indicators that is ~1 s of the main process, on a re-build's
critical path.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version

from reportgen.cache import RenderCache

DIRECTOR_PAGE = "director-html"
FRAGMENTS = "fragments"


class HtmlMemo:
    """Rendered HTML by director, read from and kept in a render cache."""

    def __init__(self, cache: RenderCache) -> None:
        self.cache = cache
        self._salt = f"{version('jinja2')}\0{version('babel')}"

    def _key(self, kind: str, fingerprint: str) -> str:
        return self.cache.key(f"{kind}\0{self._salt}\0{fingerprint}")

    def director_page(self, fingerprint: str, render: Callable[[], str]) -> str:
        """A director's own pack (their part of the model digested as `fingerprint`), as
        `render` renders it."""
        key = self._key(DIRECTOR_PAGE, fingerprint)
        stored = self.cache.get(key)
        if stored is not None and stored[0] == {"kind": DIRECTOR_PAGE} and len(stored[1]) == 1:
            return stored[1][0].decode("utf-8")
        html = render()
        self.cache.put(key, {"kind": DIRECTOR_PAGE}, [html.encode("utf-8")])
        return html

    def fragments(self, fingerprint: str, stems: list[str], render: Callable[[str], str]) -> dict[str, str]:
        """A director's indicators' fragments by file stem, each as `render(stem)` renders it."""
        key = self._key(FRAGMENTS, fingerprint)
        meta = {"kind": FRAGMENTS, "stems": stems}
        stored = self.cache.get(key)
        if stored is not None and stored[0] == meta and len(stored[1]) == len(stems):
            return {stem: blob.decode("utf-8") for stem, blob in zip(stems, stored[1], strict=True)}
        fragments = {stem: render(stem) for stem in stems}
        self.cache.put(key, meta, [fragments[stem].encode("utf-8") for stem in stems])
        return fragments
