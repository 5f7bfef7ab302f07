"""WeasyPrint's PDF objects (pydyf's), read and changed by finishers before they are written."""

from __future__ import annotations

from typing import Any

Reference = bytes  # pydyf's b"12 0 R"


def object_number(reference: Reference) -> int:
    return int(reference.split()[0])


def resolved(pdf: Any, value: Any) -> Any:
    """The object a reference points at; any other value as it is."""
    return pdf.objects[object_number(value)] if isinstance(value, bytes) else value


def structure_elements(pdf: Any) -> dict[int, Any]:
    """Object number → structure element (a pydyf Dictionary), for every element."""
    return {
        number: obj
        for number, obj in enumerate(pdf.objects)  # pydyf numbers objects by position
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem"
    }


def structure_root(pdf: Any) -> tuple[Any, Any]:
    """The structure tree's root, and its parent tree's /Nums (each page's marked content
    by MCID, pages first, then links)."""
    root = resolved(pdf, pdf.catalog["StructTreeRoot"])
    return root, resolved(pdf, root["ParentTree"])["Nums"]
