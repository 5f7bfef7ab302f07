"""Joins the pack's front (cover, summary, page-number slots) and the directors' sections.

Each section was laid out once, on its own; the front was laid out with one empty,
named slot page per section page, so its page numbers, contents references and links
are the pack's. Here each slot's page-number boxes are stamped onto its section page,
and the sections' outline, named destinations and structure tree (PDF/UA tags) are
grafted onto the front's, with their keys renumbered.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, Pdf

from reportgen.pdf import SplitError

PageMap = dict[tuple[int, int], pikepdf.Object]


def _outline_items(first: pikepdf.Object | None) -> list[pikepdf.Object]:
    items = []
    while first is not None:
        items.append(first)
        first = first.get("/Next")
    return items


def _copy_destination(destination: pikepdf.Object, pages: PageMap) -> Array:
    return Array([pages[destination[0].objgen], *list(destination)[1:]])


def _outline_tree(root: pikepdf.Object | None, pages: PageMap) -> list[tuple[str, Array, list]]:  # type: ignore[type-arg]
    """An outline as (title, destination, children), its pages mapped to the pack's."""
    if root is None:
        return []
    return [
        (str(item.Title), _copy_destination(item.Dest, pages), _outline_tree(item, pages))
        for item in _outline_items(root.get("/First"))
    ]


def _write_outline(pdf: Pdf, tree: list, parent: pikepdf.Object) -> int:  # type: ignore[type-arg]
    """Writes outline items under `parent`; returns how many are visible (all open)."""
    items = [
        pdf.make_indirect(Dictionary(Title=pikepdf.String(title), Dest=dest, Parent=parent))
        for title, dest, _children in tree
    ]
    count = len(items)
    for index, (item, (_title, _dest, children)) in enumerate(zip(items, tree, strict=True)):
        if index:
            item.Prev = items[index - 1]
            items[index - 1].Next = item
        if children:
            item.Count = _write_outline(pdf, children, item)
            count += int(item.Count)
    if items:
        parent.First, parent.Last = items[0], items[-1]
    return count


def _named_destinations(pdf: Pdf) -> dict[str, pikepdf.Object]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(key): value for key, value in NameTree(names.Dests).items()}


def _graft_structure(pack: Pdf, part: Pdf, pages: PageMap, next_key: int) -> int:
    """Adds a part's tagged content under the pack's Document element; returns the next key."""
    root = part.Root.get("/StructTreeRoot")
    pack_root = pack.Root.get("/StructTreeRoot")
    if root is None or pack_root is None:
        return next_key
    document = pack_root.K[0]
    part_document = root.K[0]
    del part_document["/P"]  # copy the elements, not the part's whole tree root
    for element in part_document.K:
        copied = pack.copy_foreign(element)
        copied.P = document
        document.K.append(copied)
    numbers = list(root.ParentTree.Nums)
    for key, value in zip(numbers[::2], numbers[1::2], strict=True):
        if isinstance(value, Array):
            value = Array([pack.copy_foreign(item) for item in value])
        else:
            value = pack.copy_foreign(value)
        pack_root.ParentTree.Nums.append(int(key) + next_key)
        pack_root.ParentTree.Nums.append(value)
    for page in pages.values():
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + next_key
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    keys = [int(key) for key in numbers[::2]]
    return next_key + (max(keys) + 1 if keys else 0)


def _stamp(page: pikepdf.Page, slot: pikepdf.Page, number: int) -> None:
    """Draws a slot page's content over a page, under a name fixed by the page number.

    (pikepdf's add_overlay picks a random name: the pack would differ run to run. The
    name differs per page because a part's pages share one resource dictionary.)
    """
    form = slot.as_form_xobject()
    name = page.add_resource(form, Name.XObject, name=Name(f"/ReportgenPageNumber{number}"))
    placement = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.trimbox))
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + placement, prepend=False)
    page.contents_coalesce()


def _drop_slots(pack: Pdf, slots: Sequence[pikepdf.Object]) -> int:
    """Removes the slot pages' traces from the front's tags; returns the next free key."""
    root = pack.Root.get("/StructTreeRoot")
    if root is None:
        return 0
    slot_ids = {slot.objgen for slot in slots}
    document = root.K[0]
    kept = [e for e in document.K if e.get("/Pg") is None or e.Pg.objgen not in slot_ids]
    document.K = Array(kept)
    slot_keys = {int(slot.StructParents) for slot in slots if "/StructParents" in slot}
    numbers = list(root.ParentTree.Nums)
    pairs = [(int(k), v) for k, v in zip(numbers[::2], numbers[1::2], strict=True)]
    kept_numbers: list[pikepdf.Object | int] = []
    for key, value in pairs:
        if key not in slot_keys:
            kept_numbers += [key, value]
    root.ParentTree.Nums = Array(kept_numbers)
    return max((k for k, _ in pairs), default=-1) + 1


def assemble_pack(front: bytes, front_pages: int, sections: Sequence[bytes]) -> bytes:
    """The whole pack: the front's first pages, then each section with its slot's numbers."""
    pack = Pdf.open(BytesIO(front))
    slots = list(pack.pages[front_pages:])
    slot_objects = [slot.obj for slot in slots]
    outline = _outline_tree(pack.Root.get("/Outlines"), {p.obj.objgen: p.obj for p in pack.pages})
    destinations = {
        name: value
        for name, value in _named_destinations(pack).items()
        if value[0].objgen not in {slot.objgen for slot in slot_objects}
    }
    next_key = _drop_slots(pack, slot_objects)
    parts = [Pdf.open(BytesIO(section)) for section in sections]
    if sum(len(part.pages) for part in parts) != len(slots):
        # The front was laid out differently from the sections: stamping would misnumber.
        raise SplitError(f"{len(slots)} page-number slots for the sections' pages")
    stamped = 0
    for part in parts:
        pages: PageMap = {}
        for page in part.pages:
            pack.pages.append(page)
            pages[page.obj.objgen] = pack.pages[-1].obj
            _stamp(pack.pages[-1], slots[stamped], front_pages + stamped + 1)
            stamped += 1
        outline += _outline_tree(part.Root.get("/Outlines"), pages)
        for name, value in _named_destinations(part).items():
            destinations[name] = _copy_destination(value, pages)
        next_key = _graft_structure(pack, part, pages, next_key)
    for _ in slots:
        del pack.pages[front_pages]
    if "/StructTreeRoot" in pack.Root:
        pack.Root.StructTreeRoot.ParentTreeNextKey = next_key
    tree = NameTree.new(pack)
    for name in sorted(destinations):
        tree[name] = destinations[name]
    pack.Root.Names = pack.make_indirect(Dictionary(Dests=tree.obj))
    outlines = pack.make_indirect(Dictionary(Type=Name.Outlines))
    outlines.Count = _write_outline(pack, outline, outlines)
    pack.Root.Outlines = outlines
    output = BytesIO()
    pack.save(output, deterministic_id=True)
    return output.getvalue()
