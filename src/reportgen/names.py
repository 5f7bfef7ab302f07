"""File names derived from data: director slugs and indicator fragment names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

APOSTROPHES = "'\u2019\u2018`"
# File systems allow 255 bytes a name; a slug stays well inside that with its suffix.
MAX_SLUG = 80


def slugify(name: str) -> str:
    """Lowercase ASCII, accents folded, apostrophes dropped: `Zoë O'Brien-Smith` → `zoe-obrien-smith`.

    A slug longer than MAX_SLUG keeps its start and ends with a short hash of the
    whole, so that it is still a valid file name and still unique; a name with no
    Latin letter or digit at all (`张伟`) becomes `name-` and a hash of it.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = "".join(ch for ch in folded if ch not in APOSTROPHES).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if not slug:
        return "name-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:8]
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{digest}"
    return slug


def fragment_stem(code: str) -> str:
    """An indicator code made safe for a file name, case kept: `PAF C23` → `PAF-C23`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", code).strip("-")
