"""End to end: the default project's report.json against the seed pack, indicator by indicator."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.main import build

from .conftest import REPO, SEED, TESTS

EXPECTED = json.loads((TESTS / "data" / "seed_expected.json").read_text(encoding="utf-8"))["indicators"]


@pytest.fixture(scope="module")
def seed_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    return build(REPO, out=out).output_dir


@pytest.fixture(scope="module")
def document(seed_pack: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((seed_pack / "report.json").read_text(encoding="utf-8"), parse_float=Decimal)


def _indicators(document: dict) -> dict[str, tuple[str, dict]]:  # type: ignore[type-arg]
    return {
        indicator["code"]: (director["name"], indicator)
        for director in document["directors"]
        for indicator in director["indicators"]
    }


def test_summary_matches_the_seed(document: dict) -> None:  # type: ignore[type-arg]
    assert document["summary"] == {"red_diamond": 16, "green_plus": 9, "blue_circle": 6, "no_data": 0}
    assert document["period"] == "2012-13-Q1"
    assert document["period_label"] == "Quarter 1 2012/13"
    assert document["period_end"] == "2012-06-30"
    names = [director["name"] for director in document["directors"]]
    assert names == ["Janice Spencer", "Meredith Teasdale", "Stuart Carlton", "Andy Breckon"]
    assert [d["slug"] for d in document["directors"]] == [
        "janice-spencer", "meredith-teasdale", "stuart-carlton", "andy-breckon"
    ]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_indicator_matches_the_seed(document: dict, code: str) -> None:  # type: ignore[type-arg]
    expected = EXPECTED[code]
    director, indicator = _indicators(document)[code]
    assert director == expected["director"]
    assert indicator["band"] == expected["band"]
    assert indicator["owner"] == expected["owner"]
    assert indicator["polarity"] == expected["polarity"]
    assert indicator["as_of"] == "2012-06-30"
    assert indicator["actual"] == Decimal(expected["actual"][0])
    june = indicator["months"][2]
    assert str(june["actual"]) == expected["actual"][0]  # decimals as written
    targets = {str(i): str(m["target"]) for i, m in enumerate(indicator["months"]) if m["target"] is not None}
    assert targets == expected["targets"]
    assert [c["author"] for c in indicator["comments"]] == expected["authors"]
    assert indicator["comment_missing"] is False
    assert len(indicator["months"]) == 12
    assert all(m["actual"] is None for i, m in enumerate(indicator["months"]) if i != 2)


def test_indicator_order_within_director_is_file_order(document: dict) -> None:  # type: ignore[type-arg]
    seed_order = list(EXPECTED)  # the seed prints each director's indicators band by band
    for director in document["directors"]:
        codes = [i["code"] for i in director["indicators"]]
        assert codes == [c for c in seed_order if EXPECTED[c]["director"] == director["name"]]


def test_numbers_are_json_numbers_written_exactly(seed_pack: Path) -> None:
    text = (seed_pack / "report.json").read_text(encoding="utf-8")
    assert '"actual": 37.47' in text
    assert '"target": 36,' in text or '"target": 36\n' in text
    assert '"actual": "' not in text and '"target": "' not in text


@pytest.mark.skipif(not SEED.is_file(), reason="the seed text is not beside this clone")
def test_every_comment_paragraph_is_verbatim_from_the_seed(document: dict) -> None:  # type: ignore[type-arg]
    seed_lines = {line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()}
    count = 0
    for _director, indicator in _indicators(document).values():
        for comment in indicator["comments"]:
            assert comment["subject"] == "Head of Service Commentary"
            for paragraph in comment["text"].split("\n\n"):
                assert paragraph in seed_lines, paragraph[:60]
                count += 1
    assert count >= 28


def test_every_output_exists(seed_pack: Path) -> None:
    for name in ("report.pdf", "report.html", "report.json", "missing-comments.csv"):
        assert (seed_pack / name).stat().st_size > 0
    for slug in ("janice-spencer", "meredith-teasdale", "stuart-carlton", "andy-breckon"):
        assert (seed_pack / "directors" / f"{slug}.pdf").read_bytes().startswith(b"%PDF")
        assert (seed_pack / "directors" / f"{slug}.html").is_file()
    fragments = sorted(p.name for p in (seed_pack / "fragments").glob("*.html") if p.name != "index.html")
    assert len(fragments) == 31
    assert "PAF-C23.html" in fragments and "2042SC.html" in fragments


def test_chase_list_is_empty_for_the_seed_but_has_its_header(seed_pack: Path) -> None:
    raw = (seed_pack / "missing-comments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [["director", "code", "title", "owner", "band", "as_of", "actual", "target"]]
