"""No class of ours hides a Qt member under one of its own names.

`MainWindow.actions` once replaced `QWidget.actions()` and `OutcomesPage.lower` replaced
`QWidget.lower()`: Qt code and readers calling the Qt method got our attribute instead.
This walks every Qt class the app defines (read from the source, so nothing is built)
and refuses an attribute, signal or method named like a member of its Qt base, unless
the method is a deliberate override of a Qt virtual.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Iterator

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

import practitioner.ui

# Qt virtuals the app overrides on purpose (any `...Event` handler is one too).
OVERRIDES = {
    "__init__", "eventFilter", "polish", "data", "headerData", "rowCount", "columnCount",
    "canFetchMore", "fetchMore", "accept", "reject", "done",
    # A layout of our own (ui/widgets/flow_layout.py) implements QLayout's virtuals.
    "addItem", "count", "itemAt", "takeAt", "expandingDirections", "hasHeightForWidth",
    "heightForWidth", "setGeometry", "sizeHint", "minimumSize",
}
# The entry points outside `ui` that define Qt classes of their own.
OTHER_MODULES = ("practitioner.app", "practitioner.clinic")


def _modules() -> Iterator[str]:
    yield from OTHER_MODULES
    for info in pkgutil.walk_packages(practitioner.ui.__path__, "practitioner.ui."):
        yield info.name


def _qt_classes() -> Iterator[type[QObject]]:
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, QObject)
                    and value.__module__ == module.__name__):
                yield value


def _own_names(cls: type) -> Iterator[tuple[str, str]]:
    """(kind, name) of what the class body defines and what its methods set on `self`."""
    [body] = ast.parse(textwrap.dedent(inspect.getsource(cls))).body
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if isinstance(node, ast.FunctionDef):
            yield "method", node.name
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            yield from (("class attribute", t.id) for t in targets if isinstance(t, ast.Name))
    for node in ast.walk(body):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name) and node.value.id == "self"):
            yield "attribute", node.attr


def _shadowing(cls: type[QObject]) -> set[str]:
    qt_base = next(base for base in cls.__mro__ if base.__module__.startswith("PySide6."))
    found = set()
    for kind, name in _own_names(cls):
        if not hasattr(qt_base, name):
            continue
        if kind == "method" and (name in OVERRIDES or name.endswith("Event")):
            continue
        found.add(f"{cls.__module__}.{cls.__qualname__}: {kind} {name!r} hides "
                  f"{qt_base.__name__}.{name}")
    return found


def test_the_walk_sees_the_app_s_qt_classes() -> None:
    names = {cls.__name__ for cls in _qt_classes()}
    assert {"MainWindow", "OutcomesPage", "ProfileForm", "PatientListModel"} <= names


def test_no_attribute_signal_or_method_hides_a_qt_member() -> None:
    problems = sorted(p for cls in _qt_classes() for p in _shadowing(cls))
    assert problems == [], "rename these (a deliberate override of a Qt virtual goes in " \
                           "OVERRIDES):\n" + "\n".join(problems)


def test_the_check_catches_an_attribute_named_like_a_qt_method() -> None:
    class Page(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.lower = 1

    problems = _shadowing(Page)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "attribute 'lower' hides QWidget.lower"]
