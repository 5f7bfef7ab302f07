"""The assembled pack keeps PDF/UA tagging: one structure tree covering every page."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from reportgen import pdf
from reportgen.main import build

from .pipeline_project import make_project


def structure_pages(element: pikepdf.Object, found: set[tuple[int, int]]) -> None:
    """The pages the elements under `element` mark content on."""
    if isinstance(element, pikepdf.Dictionary):
        if "/Pg" in element:
            found.add(element.Pg.objgen)
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                structure_pages(kid, found)
        elif kids is not None:
            structure_pages(kids, found)


def test_a_tagged_pack_has_one_tree_over_all_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "PDF_VARIANT", "pdf/ua-1")
    project = make_project(tmp_path / "project", long=False)
    result = build(project, out=tmp_path / "out", use_cache=False)
    with pikepdf.open(result.output_dir / "report.pdf") as pack:
        root = pack.Root.StructTreeRoot
        pages = {page.obj.objgen for page in pack.pages}
        marked: set[tuple[int, int]] = set()
        structure_pages(root.K[0], marked)
        assert marked == pages  # every page tagged, no element left on a dropped slot page
        numbers = list(root.ParentTree.Nums)
        keys = [int(key) for key in numbers[::2]]
        assert len(keys) == len(set(keys))
        assert int(root.ParentTree.Nums[-2]) < int(root.ParentTreeNextKey)
        entries = dict(zip(keys, numbers[1::2], strict=True))
        for page in pack.pages:
            # The page's marked content maps to elements that say they are on this page
            # (null: the number of content re-marked as an artifact, a running header).
            for element in entries[int(page.obj.StructParents)]:
                if element is not None and "/Pg" in element:
                    assert element.Pg.objgen == page.obj.objgen
            for annotation in page.obj.get("/Annots", []):
                assert int(annotation.StructParent) in keys
        assert pack.Root.MarkInfo.Marked
        # No part's own tree came along (by the elements WeasyPrint leaves out of the
        # tree, its margin boxes'): nothing in the pack points at a page it does not have.
        dictionaries = [obj for obj in pack.objects if isinstance(obj, pikepdf.Dictionary)]
        assert sum(obj.get("/Type") == "/StructTreeRoot" for obj in dictionaries) == 1
        assert [obj for obj in dictionaries if "/Pg" in obj and obj.Pg.objgen not in pages] == []
