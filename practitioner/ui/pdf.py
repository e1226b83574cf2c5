"""Report content to paper: a QTextDocument laid out on A4 and written through QPdfWriter.

The chart is drawn with QPainter onto a QImage and handed to the document as an image
resource, so no plotting library is needed. A QGuiApplication must exist (fonts).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSaveFile,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from practitioner.domain.report_content import (
    CHART_RESOURCE,
    ReportData,
    ReportKind,
    report_html,
)
from practitioner.ui.theme import PRINT_GRID, PRINT_INK, PRINT_LINE, PRINT_PAPER

CHART_SIZE = (1120, 440)
MARGINS_MM = QMarginsF(20, 18, 20, 18)
SHEET_MARGINS_MM = QMarginsF(15, 10, 15, 10)  # the patient's sheet: room for the diary
SHEET_MAX_SHRINK = 1.12  # 11 pt type stays at 9.8 pt or more
RESOLUTION = 300


class PdfWriteError(OSError):
    """The PDF could not be written; nothing was left under the final name."""


def count_ticks(highest: float) -> list[int]:
    """Whole-number grid values from 0 to just above `highest`, at most 5 lines: a count
    of cramps is never labelled 2.75."""
    step = max(1, math.ceil(max(highest, 1.0) * 1.1 / 4))
    return [step * n for n in range(5)]


def chart_image(points: Sequence[tuple[dt.date, float]], title: str = "") -> QImage:
    """A plain line chart of `points` (date order) on a white background."""
    width, height = CHART_SIZE
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(PRINT_PAPER))
    if len(points) < 2:
        return image
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPixelSize(20)
        painter.setFont(font)
        left, right, top, bottom = 80, 30, 40 if title else 20, 50
        plot = QRectF(left, top, width - left - right, height - top - bottom)
        values = [v for _, v in points]
        ticks = count_ticks(max(values))
        high = float(ticks[-1])
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def at(day: dt.date, value: float) -> QPointF:
            x = plot.left() + plot.width() * (day - first).days / span
            y = plot.bottom() - plot.height() * value / high
            return QPointF(x, y)

        painter.setPen(QPen(QColor(PRINT_GRID), 1))
        for tick in ticks:
            y = plot.bottom() - plot.height() * tick / high
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(0, y - 12, left - 8, 24),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             str(tick))
        painter.setPen(QPen(QColor(PRINT_INK), 2))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawText(QRectF(plot.left(), plot.bottom() + 8, 200, 30),
                         int(Qt.AlignmentFlag.AlignLeft), f"{first.day} {first:%b %Y}")
        painter.drawText(QRectF(plot.right() - 200, plot.bottom() + 8, 200, 30),
                         int(Qt.AlignmentFlag.AlignRight), f"{last.day} {last:%b %Y}")
        if title:
            painter.drawText(QRectF(left, 4, plot.width(), 30),
                             int(Qt.AlignmentFlag.AlignLeft), title)
        painter.setPen(QPen(QColor(PRINT_LINE), 4))
        line = [at(day, value) for day, value in points]
        for start, end in itertools.pairwise(line):
            painter.drawLine(start, end)
        painter.setBrush(QColor(PRINT_LINE))
        for point in line:
            painter.drawEllipse(point, 5, 5)
    finally:
        painter.end()
    return image


def report_document(data: ReportData) -> QTextDocument:
    """The report laid out as a text document, chart included, ready to print or preview."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    with_chart = len(data.chart) >= 2
    if with_chart:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_RESOURCE),
                             chart_image(data.chart))
    document.setHtml(report_html(data, with_chart=with_chart))
    if data.kind is ReportKind.TAKE_HOME:
        document.setIndentWidth(22)  # lists indented by a little, not Qt's 40 px
        _fit_one_page(document)
    return document


def _fit_one_page(document: QTextDocument) -> None:
    """Lay the document out as one A4 page inside SHEET_MARGINS_MM, shrinking it a little
    (by at most SHEET_MAX_SHRINK) when a full visit would spill over.

    A page size makes print_() scale that page onto the printer's page, instead of adding
    2 cm margins and page numbers; a larger page of the same shape prints smaller.
    """
    body = _page_body()
    scale = 1.0
    while True:
        document.setPageSize(QSizeF(body.width() * scale, body.height() * scale))
        if document.pageCount() <= 1 or scale >= SHEET_MAX_SHRINK:
            return
        scale = min(scale * 1.03, SHEET_MAX_SHRINK)


def _page_body() -> QSizeF:
    """The A4 page inside SHEET_MARGINS_MM, in the document's units (1/96 inch)."""
    body = _layout(ReportKind.TAKE_HOME).paintRect(QPageLayout.Unit.Point)
    return QSizeF(body.width() * 96 / 72, body.height() * 96 / 72)


def _layout(kind: ReportKind = ReportKind.PROGRESS) -> QPageLayout:
    margins = SHEET_MARGINS_MM if kind is ReportKind.TAKE_HOME else MARGINS_MM
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                       margins, QPageLayout.Unit.Millimeter)


def render_pdf(data: ReportData) -> bytes:
    """The report as the bytes of an A4 PDF."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(_layout(data.kind))
    writer.setTitle(f"{data.kind.title} – {data.patient_name}")
    writer.setCreator("Cramp Practitioner")
    report_document(data).print_(writer)
    del writer  # finishes the PDF into the buffer
    return bytes(buffer.data().data())


def save_file(content: bytes, path: Path) -> None:
    """Write `content` at `path` atomically (QSaveFile): a failure leaves any earlier file
    there untouched. Raises PdfWriteError with a one-line reason."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PdfWriteError(f"cannot create the folder {path.parent}: {exc.strerror}") from exc
    target = QSaveFile(str(path))
    if not target.open(QSaveFile.OpenModeFlag.WriteOnly):
        raise PdfWriteError(f"cannot write {path}: {target.errorString()}")
    if target.write(content) != len(content) or not target.commit():
        reason = target.errorString()
        target.cancelWriting()
        raise PdfWriteError(f"cannot write {path}: {reason}")


def write_pdf(data: ReportData, path: Path) -> bytes:
    """Write the report as an A4 PDF at `path`, atomically; returns the PDF's bytes.
    Raises PdfWriteError with a one-line reason."""
    content = render_pdf(data)
    save_file(content, path)
    return content
