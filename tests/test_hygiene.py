"""The store, the planning logic and the session layer never import Textual: they run in
scripts, tests, the CLI and the SSH session without a terminal UI."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path, PurePath

from thekiz_tui.textual_private import PRIVATE_NAMES as TEXTUAL_PRIVATE

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "thekiz_tui"

CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    names = ["store"]
    for package in ("thekiz_tui.planning", "thekiz_tui.ical", "thekiz_tui.session"):
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError as error:
            if error.name == package:
                continue  # not written yet
            raise
        names.append(package)
        if hasattr(module, "__path__"):
            names += [info.name for info in pkgutil.walk_packages(
                module.__path__, package + ".")]
    for name in names:
        importlib.import_module(name)
    print(",".join(names))
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    if leaked:
        print("LEAKED", *leaked[:5])
        sys.exit(3)
    """
)


def run_check(extra: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", extra + CHECK], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )


def test_store_planning_and_session_do_not_import_textual() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    imported = result.stdout.strip().splitlines()[0].split(",")
    assert "store" in imported
    for package in ("thekiz_tui.planning", "thekiz_tui.session"):
        assert package in imported
        assert any(name.startswith(package + ".") for name in imported)


def test_the_check_can_fail() -> None:
    """The same check, with Textual imported on the way, reports it."""
    if importlib.util.find_spec("textual") is None:
        return
    result = run_check("import textual.app\n")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "LEAKED textual" in result.stdout


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """The ``thekiz_tui`` modules a file imports: at module level (outside ``if
    TYPE_CHECKING``), and anywhere (functions and type-checking blocks too)."""
    import ast

    package = "thekiz_tui." + ".".join(path.relative_to(ROOT / "thekiz_tui").parent.parts)
    package = package.rstrip(".")

    def names(node: ast.AST) -> set[str]:
        found: set[str] = set()
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        return found

    tree = ast.parse(path.read_text(encoding="utf-8"))
    anywhere = {n for node in ast.walk(tree) for n in names(node)}
    top: set[str] = set()
    for node in tree.body:
        top |= names(node)
    return top, anywhere


def test_the_app_the_planner_and_the_palette_import_no_circle() -> None:
    """The app opens the planner and the palette; neither of them imports the app, and
    the palette does not import the planner: they reach what they need through the
    session (``app.session``) and the screen stack."""
    app_top, _ = _imports(ROOT / "thekiz_tui" / "app.py")
    _, planner_any = _imports(ROOT / "thekiz_tui" / "screens" / "planner.py")
    _, palette_any = _imports(ROOT / "thekiz_tui" / "palette.py")
    assert "thekiz_tui.screens.planner" not in app_top
    assert not {n for n in planner_any if n.startswith("thekiz_tui.app")}
    assert not {n for n in palette_any
                if n.startswith(("thekiz_tui.app", "thekiz_tui.screens.planner"))}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import sys
            import thekiz_tui.screens.planner
            assert "thekiz_tui.app" not in sys.modules, "planner imports the app"
            import thekiz_tui.app
            del sys.modules["thekiz_tui.screens.planner"]
            import importlib
            importlib.reload(thekiz_tui.app)
            assert "thekiz_tui.screens.planner" not in sys.modules, "app imports planner"
        """)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


_PRIVATE_REACH = re.compile(
    r"\.(?:" + "|".join(TEXTUAL_PRIVATE) + r")\b"            # app._keymap, pump._closing
    r"|\bdef (?:" + "|".join(TEXTUAL_PRIVATE) + r")\b"        # overriding one
    r"|\btextual\.(?:\w+\.)*_\w+"                             # textual.widgets._toast
)


def private_textual_reaches(text: str) -> list[str]:
    return [m.group() for m in _PRIVATE_REACH.finditer(text)]


def test_private_textual_names_only_in_their_fence() -> None:
    """Textual's private parts are reached in ``thekiz_tui/textual_private.py`` alone, each
    with its reason there; every other module goes through it (or the public API)."""
    fence = PACKAGE / "textual_private.py"
    found = {
        str(path.relative_to(ROOT)): reaches
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != fence and (reaches := private_textual_reaches(path.read_text("utf-8")))
    }
    assert found == {}
    assert private_textual_reaches(fence.read_text("utf-8"))  # (the fence holds them)


def test_the_fence_check_can_fail() -> None:
    assert private_textual_reaches("rows = help_rows(self.app._keymap)") == ["._keymap"]
    assert private_textual_reaches("    def _fatal_error(self) -> None:") == ["def _fatal_error"]
    assert private_textual_reaches("from textual.widgets._toast import Toast") == [
        "textual.widgets._toast"]
    assert private_textual_reaches("self._keys_waiting, store._closed_files") == []


# -- workers ------------------------------------------------------------------------------


def _worker_like(node: ast.expr) -> bool:
    """``worker``, ``self._check_worker``, ``event.worker``: an expression naming a worker."""
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    return name.lower().endswith("worker")


def worker_label_checks(source: str) -> list[str]:
    """Where ``source`` tells workers apart by their group or name (``worker.group ==
    "report"``, ``group = event.worker.group`` and a test of it later): a worker posts its
    result as a typed message instead, which a handler takes by its class."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("group", "name") and (
                _worker_like(node.value)):
            found.append(f"{ast.unparse(node)} (line {node.lineno})")
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "group":
                    found.append(f"{ast.unparse(node)} (line {node.lineno})")
                    break
    return sorted(found)


def test_workers_are_told_apart_by_their_messages_not_their_group() -> None:
    found = {
        str(path.relative_to(ROOT)): checks
        for path in sorted(PACKAGE.rglob("*.py"))
        if (checks := worker_label_checks(path.read_text("utf-8")))
    }
    assert found == {}


def test_the_worker_label_check_can_fail() -> None:
    # the shapes the dialogs had before their workers posted messages
    assert worker_label_checks(textwrap.dedent("""
        def on_worker_state_changed(self, event):
            worker = event.worker
            group = worker.group
            if group == "export-people":
                pass
        """)) == ["worker.group (line 4)"]
    assert worker_label_checks("if event.worker.group == 'report': pass") == [
        "event.worker.group (line 1)", "event.worker.group == 'report' (line 1)"]
    assert worker_label_checks("if worker.group == LOAD_GROUP: pass") == [
        "worker.group (line 1)", "worker.group == LOAD_GROUP (line 1)"]
    assert worker_label_checks("ok = self._check_worker.name == 'thekiz-form-check'") == [
        "self._check_worker.name (line 1)"]
    assert worker_label_checks("if message.group != self.group: pass") == [
        "message.group != self.group (line 1)"]
    # a group of import events, a Kita's name: no worker
    assert worker_label_checks("label = group.label; same = kita.name == name") == []


# -- stylesheets -------------------------------------------------------------------------

# Widgets of ours meant for use outside the planner, which keep their looks in
# DEFAULT_CSS (scoped to them, below any stylesheet). None so far: the views, the side
# panel and the fields are the planner's own and are styled in widgets/widgets.tcss.
REUSABLE_WIDGETS: frozenset[str] = frozenset()


def _our_classes() -> list[type]:
    """Every DOM class (app, screen, widget) that thekiz_tui defines, each module of the
    package imported (so a screen added anywhere is seen)."""
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import thekiz_tui

    for info in pkgutil.walk_packages(thekiz_tui.__path__, "thekiz_tui."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    found: list[type] = []
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("thekiz_tui.") and inspect.isclass(cls):
            found.append(cls)
    return found


def stylesheets_of(cls: type) -> list[Path]:
    """The files ``cls.CSS_PATH`` names, resolved as Textual resolves them: a relative
    path beside the module of the class shown (a subclass's module when inherited)."""
    import inspect

    named = getattr(cls, "CSS_PATH", None)
    if named is None:
        return []
    paths = [named] if isinstance(named, (str, PurePath)) else list(named)
    here = Path(inspect.getfile(cls)).parent
    return [(here / path).resolve() for path in paths]


def wheel_files(tree: Path, tmp: Path) -> set[str]:
    """The files of the package a wheel built from ``tree`` carries (setuptools'
    build_py, which fills a wheel's contents), relative to its top."""
    out = tmp / "build"
    result = subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py",
         "-d", str(out)],
        cwd=tree, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()}


def _project_copy(tmp: Path) -> Path:
    """The parts of the project a wheel is built from, copied (building writes an
    egg-info beside pyproject.toml; the working tree stays clean)."""
    import shutil

    tree = tmp / "project"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    for name in ("thekiz_tui", "store"):
        shutil.copytree(ROOT / name, tree / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tree


def test_every_stylesheet_a_css_path_names_exists_and_ships_in_the_wheel(
    tmp_path: Path,
) -> None:
    """A stylesheet missing from an installed planner breaks the app at start (the app's
    CSS_PATH) or, worse, only when a dialog first opens (a screen's CSS_PATH): each one
    named exists, lies in the package, and a wheel built from pyproject.toml carries it."""
    classes = _our_classes()
    named = {path for cls in classes for path in stylesheets_of(cls)}
    names = {cls.__name__ for cls in classes if stylesheets_of(cls)}
    # the walk saw the app, its screens and its dialogs (inherited CSS_PATH included)
    assert {"PlannerApp", "EventForm", "ExportDialog", "ConfirmDialog", "HelpScreen",
            "KitasScreen", "ReportScreen"} <= names
    missing = sorted(str(path) for path in named if not path.is_file())
    assert missing == []
    assert all(path.is_relative_to(PACKAGE) for path in named)
    # every stylesheet of the package is in use
    assert named == {path.resolve() for path in PACKAGE.rglob("*.tcss")}

    shipped = wheel_files(_project_copy(tmp_path), tmp_path)
    wanted = {str(path.relative_to(ROOT)) for path in named}
    assert sorted(wanted - shipped) == []


def test_the_wheel_check_can_fail(tmp_path: Path) -> None:
    """Without the recursive package-data pattern the stylesheets of the subpackages
    stay behind, and the check above sees it."""
    tree = _project_copy(tmp_path)
    config = tree / "pyproject.toml"
    text = config.read_text("utf-8")
    assert '"**/*.tcss", ' in text
    config.write_text(text.replace('"**/*.tcss", ', ""), "utf-8")
    shipped = wheel_files(tree, tmp_path)
    assert "thekiz_tui/app.tcss" in shipped
    assert "thekiz_tui/dialogs/event_form.tcss" not in shipped


def test_every_stylesheet_parses_with_the_theme_variables() -> None:
    """A screen's stylesheet is read when the screen is first shown: an error in it
    would stop the planner then, in front of a coach, rather than at start."""
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    variables = App().get_css_variables()
    sheets = sorted(PACKAGE.rglob("*.tcss"))
    assert len(sheets) > 1
    for sheet in sheets:
        stylesheet = Stylesheet(variables=variables)
        stylesheet.read(sheet)
        stylesheet.parse()  # raises on an unknown rule, value or variable
        assert stylesheet.rules, sheet


def test_a_screens_stylesheet_styles_only_that_screen() -> None:
    """Unlike DEFAULT_CSS, a screen's CSS_PATH is read into the app's one stylesheet, not
    scoped, and stays there once the screen was shown: a rule not anchored at the screen's
    own type (``Button { … }`` in help.tcss) would restyle the rest of the planner after
    the first help, depending on what was opened before. Each rule starts with the type
    of a screen that names the sheet."""
    from textual.app import App
    from textual.css.model import SelectorType
    from textual.css.stylesheet import Stylesheet

    owners: dict[Path, set[str]] = {}
    for cls in _our_classes():
        if issubclass(cls, App):
            continue
        ours = {base.__name__ for base in cls.__mro__
                if base.__module__.startswith("thekiz_tui.")}
        for sheet in stylesheets_of(cls):
            owners.setdefault(sheet, set()).update(ours)
    assert PACKAGE / "dialogs" / "common.tcss" in owners
    variables = App().get_css_variables()
    stray: list[str] = []
    for sheet, names in sorted(owners.items()):
        stylesheet = Stylesheet(variables=variables)
        stylesheet.read(sheet)
        for rule in stylesheet.rules:
            for selectors in rule.selector_set:
                first = selectors.selectors[0]
                if first.type != SelectorType.TYPE or first.name not in names:
                    stray.append(f"{sheet.name}: {selectors.css}")
    assert stray == []


def test_styles_live_in_stylesheets() -> None:
    """Inline CSS only for a widget meant for reuse elsewhere (REUSABLE_WIDGETS); the
    planner's screens, dialogs and widgets are styled in .tcss files."""
    inline = sorted(
        cls.__name__ for cls in _our_classes()
        if (cls.__dict__.get("DEFAULT_CSS") or cls.__dict__.get("CSS"))
        and cls.__name__ not in REUSABLE_WIDGETS
    )
    assert inline == []
