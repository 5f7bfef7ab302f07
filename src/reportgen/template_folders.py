"""Where templates are found: a project's templates/ first, then the built-in folder.

Kept apart from the Jinja environment (templating.py): workers need the folders, to
fetch a template's images and fonts, but not Jinja.
"""

from __future__ import annotations

from pathlib import Path


def builtin_templates_dir() -> Path:
    """The templates shipped with reportgen.

    An installed wheel carries them inside the package; a source checkout (an
    editable install, or the tests run from the repository) reads the repository's
    top-level templates/, which is what the wheel is built from.
    """
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def is_template_file(path: Path, folders: list[Path]) -> bool:
    """Whether a resolved path is a file inside one of the (resolved) template folders:
    all that rendering may read besides data: URIs."""
    return any(path.is_relative_to(folder) for folder in folders) and path.is_file()


def template_search_path(project_templates: Path | None) -> list[Path]:
    """Folders searched for a template name, the project's own first."""
    builtin = builtin_templates_dir().resolve()
    folders = [builtin]
    # The default project's templates/ is the built-in folder itself: search it once.
    if (
        project_templates is not None
        and project_templates.is_dir()
        and project_templates.resolve() != builtin
    ):
        folders.insert(0, project_templates.resolve())
    return folders
