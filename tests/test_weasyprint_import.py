"""WeasyPrint's import: no library search by compiler runs, and the usual import when that fails."""

from __future__ import annotations

import ctypes.util
import importlib.abc
import subprocess
import sys
import types
from importlib.machinery import ModuleSpec

import pytest

from reportgen import weasyprint_import

COUNT_SEARCHES = """
import subprocess, sys
runs = []
class Counted(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        runs.append(args[0])
        super().__init__(*args, **kwargs)
subprocess.Popen = Counted
if sys.argv[1] == "reportgen":
    from reportgen.weasyprint_import import load_weasyprint
    load_weasyprint().HTML
else:
    import weasyprint
print(len(runs))
"""


def _processes_run_by_import(how: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", COUNT_SEARCHES, how], capture_output=True, text=True, check=True
    )
    return int(result.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")
def test_weasyprint_is_imported_without_running_programs_to_find_its_libraries() -> None:
    if _processes_run_by_import("plain") == 0:
        pytest.skip("WeasyPrint finds its libraries here without a search: nothing to save")
    assert _processes_run_by_import("reportgen") == 0


class _FailsWithoutSearch(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A stand-in weasyprint that, like the real one, prints advice and raises when a
    library cannot be opened: here, whenever find_library is not the real one."""

    def __init__(self, real_search: object) -> None:
        self.real_search = real_search
        self.attempts = 0

    def find_spec(self, name: str, path: object, target: object = None) -> ModuleSpec | None:
        return ModuleSpec(name, self) if name == "weasyprint" else None

    def create_module(self, spec: ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        self.attempts += 1
        if ctypes.util.find_library is not self.real_search:
            print("WeasyPrint could not import some external libraries")
            raise OSError("cannot load library 'libpango-1.0-0'")
        module.HTML = "the real import"


def test_a_library_found_only_by_the_search_is_found_by_a_second_import(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = _FailsWithoutSearch(ctypes.util.find_library)
    monkeypatch.setattr(sys, "meta_path", [stand_in, *sys.meta_path])
    monkeypatch.setattr(sys, "platform", "linux")
    real = sys.modules.pop("weasyprint", None)  # the real one, if a test imported it
    try:
        module = weasyprint_import.load_weasyprint()
    finally:
        sys.modules.pop("weasyprint", None)  # the stand-in: no later test must get it
        if real is not None:
            sys.modules["weasyprint"] = real
    assert module.HTML == "the real import"
    assert stand_in.attempts == 2
    assert ctypes.util.find_library is stand_in.real_search  # put back
    assert capsys.readouterr().out == ""  # the first attempt's advice is not shown
