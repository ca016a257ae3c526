"""The shell knows no resource (issue 12): nothing under console/ imports a resource app, so
the arrows run one way, api -> endpoints -> services -> console, and the resource apps plug in
through console.registry."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCE_APPS = {"services", "endpoints", "api", "notifications"}
# The project URLconf mounts every app's URLs (and the API's home page): that is its job.
ALLOWED = {Path("console/urls.py")}


def imported_modules(tree: ast.AST):
    """(module name, line) of every import, and of import_module("...")/__import__("...")."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def violations(root: Path, package: str = "console") -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root)
        if relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module, line in imported_modules(tree):
            if module.split(".")[0] in RESOURCE_APPS:
                found.append(f"{relative}:{line} imports {module}")
    return found


def test_nothing_in_console_imports_a_resource_app():
    assert violations(ROOT) == []


def test_the_check_names_the_file_and_line_of_an_import(tmp_path):
    shell = tmp_path / "console" / "ui"
    shell.mkdir(parents=True)
    (shell / "help.py").write_text(
        "import os\n\nfrom services.models import ServiceStatus\n"
        "def f():\n    import endpoints.models\n"
        "    return importlib.import_module('api.views')\n",
        encoding="utf-8",
    )
    (shell / "fine.py").write_text("from console.registry import registry\n", encoding="utf-8")
    assert violations(tmp_path) == [
        "console/ui/help.py:3 imports services.models",
        "console/ui/help.py:5 imports endpoints.models",
        "console/ui/help.py:6 imports api.views",
    ]
