"""A red message shown right under the field it is about, hidden while the field is fine."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget


class InlineError(QLabel):
    """The error message for one field; `field_widget` is marked invalid while it shows."""

    def __init__(self, field_widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_widget = field_widget
        self.setObjectName("inlineError")
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Error for %1").replace(
            "%1", field_widget.accessibleName() or "field"))
        self.hide()

    def set_message(self, message: str | None) -> None:
        """Show `message`, or hide the label when it is None."""
        self.setText(message or "")
        self.setVisible(bool(message))
        self.field_widget.setProperty("invalid", bool(message))
        style = self.field_widget.style()
        style.unpolish(self.field_widget)
        style.polish(self.field_widget)
        if message:
            self.field_widget.setToolTip(message)
        else:
            self.field_widget.setToolTip("")


def add_field_row(
    form: QFormLayout, label: str, widget: QWidget, *, focus: QWidget | None = None,
    with_error: bool = False,
) -> InlineError | None:
    """Add a labelled row; `focus` (default `widget`) is what the label's mnemonic and the
    error mark point at. With `with_error`, an error line sits under the field and is
    returned."""
    target = focus or widget
    caption = QLabel(label)
    caption.setBuddy(target)
    if not with_error:
        form.addRow(caption, widget)
        return None
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    error = InlineError(target)
    column.addWidget(error)
    form.addRow(caption, cell)
    return error
