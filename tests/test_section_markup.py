"""The pack's sections compared with the directors' own, by the marks pack.html puts round them."""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from reportgen.section_markup import SECTION_END, SECTION_START, SectionDigests


def _pack(*sections: str) -> str:
    return "<h1>Front</h1>" + "".join(f"{SECTION_START}{s}{SECTION_END}<hr>" for s in sections)


def test_sections_are_read_wherever_the_chunks_cut_the_marks() -> None:
    text = _pack("<p>Ann</p>", "<p>Bo</p>")
    whole = SectionDigests()
    assert "".join(whole.read_pack([text])) == text
    assert whole.in_pack == [hashlib.sha256(s.encode()).hexdigest() for s in ("<p>Ann</p>", "<p>Bo</p>")]
    for size in (1, 3, 7, len(SECTION_START) - 1):
        digests = SectionDigests()
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert "".join(digests.read_pack(chunks)) == text
        assert digests.in_pack == whole.in_pack and len(whole.in_pack) == 2
    marked = SectionDigests()  # Jinja may give a chunk as Markup, which escapes what it joins
    cut = text.index("<p>Bo")
    list(marked.read_pack([Markup(text[:cut]), text[cut:]]))
    assert marked.in_pack == whole.in_pack


def test_sections_agree_only_when_each_director_renders_its_own_alike() -> None:
    digests = SectionDigests()
    list(digests.read_pack([_pack("<p>Ann</p>", "<p>Bo</p>")]))
    digests.read_director("ann", _pack("<p>Ann</p>"))
    digests.read_director("bo", _pack("<p>Bo</p>"))
    assert digests.agree(["ann", "bo"])
    assert not digests.agree(["bo", "ann"])
    digests.read_director("bo", _pack("<p>Bo, section 1 of 1</p>"))
    assert not digests.agree(["ann", "bo"])


def test_a_pack_template_without_marks_is_taken_at_its_word() -> None:
    digests = SectionDigests()
    list(digests.read_pack(["<h1>Front</h1><p>Ann</p>"]))
    digests.read_director("ann", "<h1>Front</h1><p>Ann</p>")
    assert digests.agree(["ann"])
