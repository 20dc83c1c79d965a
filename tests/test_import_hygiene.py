"""The console depends on the core, never the reverse; platform libraries stay in their adapters."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "stagehand"

CORE_MODULES = [
    "stagehand",
    "stagehand.cli",
    "stagehand.config",
    "stagehand.domain",
    "stagehand.events",
    "stagehand.show.live",
    "stagehand.show.pipeline",
    "stagehand.sanitize",
    "stagehand.transcript",
    "stagehand.store.writer",
    "stagehand.store.queries",
    "stagehand.ranking.ranker",
    "stagehand.adapters.replay",
    "stagehand.doctor",
    "stagehand.metrics",
    "stagehand.commands",
]

# Which parts of the tree may import each library.
OWNERS = {
    "textual": ("console/",),
    "rich": ("console/", "report/"),
    "discord": ("adapters/discord/",),
    "twitchio": ("adapters/twitch/",),
}
# The CLI is the composition root: it starts the console, inside the commands that need it.
MAY_IMPORT_CONSOLE = ("console/", "cli/")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_core_never_imports_the_console_or_platform_libraries() -> None:
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        for module in imported_modules(path):
            top = module.split(".")[0]
            owners = OWNERS.get(top)
            if owners is not None:
                assert relative.startswith(owners), f"{relative} imports {module}"
            if module.startswith("stagehand.console"):
                assert relative.startswith(MAY_IMPORT_CONSOLE), f"{relative} imports the console"


def test_importing_the_core_loads_no_ui_or_platform_library() -> None:
    present = [
        name
        for name in CORE_MODULES
        if (SRC.parent / (name.replace(".", "/") + ".py")).exists()
        or (SRC.parent / name.replace(".", "/") / "__init__.py").exists()
    ]
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in present)
        + "print(sorted(m for m in ('textual', 'discord', 'twitchio') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_console_state_loads_no_ui_library() -> None:
    """`ConsoleState` is plain Python (its docstring says so): its bounds are checked without a
    screen, and a show's numbers can be folded where Textual is not installed."""
    code = (
        "import sys\nimport stagehand.console.state\n"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


#: Private modules of a library (a part named `_x`) we still import, each with the reason. A
#: private module may change or go in any release, and what leans on it breaks without a word.
PRIVATE_IMPORTS_ALLOWED = {
    # Textual exports its footer but not the footer's keys, which ours measures to fit them.
    ("console/widgets/footer.py", "textual.widgets._footer"),
}


def test_no_module_leans_on_a_librarys_private_modules() -> None:
    """The console reached the show's staff names through `textual._context.active_app`: a
    Textual release that moved it would have left every impostor's login off the screen."""
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        for module in imported_modules(path):
            if module.startswith("stagehand") or module == "__future__":
                continue
            if any(part.startswith("_") for part in module.split(".")):
                assert (relative, module) in PRIVATE_IMPORTS_ALLOWED, (
                    f"{relative} imports {module}, a private module"
                )
