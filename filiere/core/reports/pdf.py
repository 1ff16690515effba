"""The activity report as a PDF: a title page's header, then each section's figures, tables and
bar charts (reportlab graphics, drawn server-side in the clinical font)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from filiere.core.pdf import build_document, font_name, grid_table, paragraph_styles
from filiere.core.reports import Chart, ReportPeriod, Section, Value, report_is_empty

WIDTH = 174 * mm
BAR = colors.HexColor("#1e5a8c")


def shown(value: Value, unit: str = "") -> str:
    """A figure as a French reader writes it: 11,5 %, 1 234, « non renseigné »."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer() and not unit:
        value = int(value)  # a count drawn as a bar: « 23 », not « 23,0 »
    text = formats.number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def _chart(chart: Chart) -> Drawing:
    rows = max(1, len(chart.labels))
    height = 14 * rows + 30
    drawing = Drawing(WIDTH, height)
    bars = HorizontalBarChart()
    bars.x, bars.y = 70 * mm, 12
    bars.width, bars.height = WIDTH - 80 * mm, height - 24
    bars.data = [list(reversed(chart.values))]
    bars.bars[0].fillColor = BAR
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontName = font_name()
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.labelTextFormat = lambda v: shown(v)
    bars.categoryAxis.categoryNames = [label[:45] for label in reversed(chart.labels)]
    bars.categoryAxis.labels.fontName = font_name()
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.barLabelFormat = lambda v: shown(v)
    bars.barLabels.fontName = font_name()
    bars.barLabels.fontSize = 7
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)
    drawing.add(String(0, height - 8, chart.title, fontName=font_name(bold=True), fontSize=8))
    return drawing


def _section(section: Section, styles: dict[str, Any]) -> list[Any]:
    heading = Paragraph(escape(section.title), styles["h2"])
    story: list[Any] = [heading]
    if section.figures:
        rows: list[list[Any]] = [["Indicateur", "Valeur", "Définition"]]
        rows += [
            [
                Paragraph(escape(f.label), styles["small"]),
                shown(f.value, f.unit),
                Paragraph(escape(f.definition), styles["small"]),
            ]
            for f in section.figures
        ]
        # The heading never ends a page alone: it stays with the section's first table.
        story = [KeepTogether([heading, grid_table(rows, [55 * mm, 25 * mm, WIDTH - 80 * mm])])]
    for table in section.tables:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(escape(table.title), styles["body"]))
        if not table.rows:
            story.append(Paragraph("Aucun.", styles["small"]))
            continue
        width = WIDTH / len(table.header)
        body = [
            [Paragraph(escape(shown(cell)), styles["small"]) for cell in row] for row in table.rows
        ]
        story.append(grid_table([table.header, *body], [width] * len(table.header)))
    for chart in section.charts:
        if chart.values:
            story += [Spacer(1, 3 * mm), KeepTogether(_chart(chart))]
    story.append(Spacer(1, 5 * mm))
    return story


def activity_report_pdf(period: ReportPeriod, sections: list[Section]) -> bytes:
    styles = paragraph_styles()
    story: list[Any] = [
        Paragraph(escape(f"Rapport d'activité {period.year}"), styles["title"]),
        Paragraph(escape(period.scope_label), styles["body"]),
        Paragraph(
            escape(
                f"Généré le {timezone.localdate():%d/%m/%Y} à partir des dossiers du registre, des "
                "RCP, du suivi et de la transfusion : aucun chiffre n'est saisi à la main. Chaque "
                "indicateur est défini à côté de sa valeur ; le fichier CSV joint les reprend tous."
            ),
            styles["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    if report_is_empty(sections):
        story.append(
            Paragraph(
                escape(f"Aucune activité enregistrée en {period.year} pour ce périmètre."),
                styles["body"],
            )
        )
    for section in sections:
        story += _section(section, styles)
    return build_document(story, title=f"Rapport d'activité {period.year}", author="Filière")
