"""File names derived from data: director slugs and indicator fragment names."""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018`"


def slugify(name: str) -> str:
    """Lowercase ASCII, accents folded, apostrophes dropped: `Zoë O'Brien-Smith` → `zoe-obrien-smith`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = "".join(ch for ch in folded if ch not in APOSTROPHES).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def fragment_stem(code: str) -> str:
    """An indicator code made safe for a file name, case kept: `PAF C23` → `PAF-C23`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", code).strip("-")
