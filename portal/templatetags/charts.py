"""Small charts of figures, drawn on the server as SVG: readable without JavaScript, coloured by
the classes of static/css/portal.css (no inline style, as the Content-Security-Policy wants),
and always shown beside a table of the same numbers for those who cannot see them.
"""

import re
import unicodedata

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from portal.publishing.translations import language_tag, shown
from portal.templatetags.portal import figure

register = template.Library()

BAR_HEIGHT = 18
BAR_GAP = 8
LABEL_WIDTH = 170
PLOT_WIDTH = 150
VALUE_WIDTH = 80
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
LINE_HEIGHT = 120
LINE_PAD = 24


# The chart's font size (static/css/portal.css's .chart), in the chart's units: a chart is
# drawn WIDTH wide and shown 330 to 400 pixels wide, so the text is 11 to 13 pixels high.
FONT_SIZE = 13
# The least room between two texts side by side.
TEXT_GAP = 4
# A bar's label is broken into at most this many lines, each LABEL_LINE apart.
LABEL_LINES = 3
LABEL_LINE = 15
# The room a label may take, and the widths of its characters: a Chinese character is as wide
# as the font is high, a Latin letter about 0.6 of that.
LABEL_ROOM = LABEL_WIDTH - 8
WIDE_CHAR, NARROW_CHAR = FONT_SIZE, 0.6 * FONT_SIZE
# A label breaks between words, and between any two Chinese characters.
BREAKABLE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][，、。）]?|\S+\s*")


def _width(text: str) -> float:
    return sum(WIDE_CHAR if unicodedata.east_asian_width(c) in "WF" else NARROW_CHAR for c in text)


def _lines(text: str) -> list[str]:
    """`text` in lines that fit the label's room; past LABEL_LINES the last one ends with "…"."""
    pieces = []
    for piece in BREAKABLE.findall(text):
        # A word longer than a line is cut where the line ends.
        while _width(piece.rstrip()) > LABEL_ROOM:
            cut = int(LABEL_ROOM // NARROW_CHAR)
            pieces.append(piece[:cut])
            piece = piece[cut:]
        pieces.append(piece)
    lines = [""]
    for piece in pieces:
        if lines[-1] and _width(lines[-1] + piece.rstrip()) > LABEL_ROOM:
            lines.append("")
        lines[-1] += piece
    lines = [line.rstrip() for line in lines]
    if len(lines) > LABEL_LINES:
        last = lines[LABEL_LINES - 1]
        while last and _width(last + "…") > LABEL_ROOM:
            last = last[:-1]
        lines = [*lines[: LABEL_LINES - 1], last.rstrip() + "…"]
    return lines


def _label(text: str, lines: list[str], y: float, language: str | None = None) -> SafeString:
    """A bar's label in its `lines`, centred on `y`; its full text for a pointer when it is cut.
    Marked with its `language` when it is not the page's, as the table's names are."""
    first = y - (len(lines) - 1) * LABEL_LINE / 2
    marked = format_html(' lang="{}" class="chart__label untranslated"', language_tag(language))
    return format_html(
        '<text{} x="0" y="{}">{}{}</text>',
        marked if language else SafeString(' class="chart__label"'),
        f"{first + 4:.1f}",
        format_html("<title>{}</title>", text) if lines[-1].endswith("…") else "",
        format_html_join(
            "",
            '<tspan x="0" dy="{}">{}</tspan>',
            ((0 if number == 0 else LABEL_LINE, line) for number, line in enumerate(lines)),
        ),
    )


def bar_name(indicator) -> tuple[str, str | None]:
    """A bar's label: the figure's metric, and its park's name for a park's figure, so that it
    is told apart from the zone's; with the language it is shown in, if not the page's."""
    name, language = shown(indicator.metric, "name")
    if indicator.park_id is None:
        return name, language
    park, park_language = shown(indicator.park, "name")
    return f"{name} · {park}", language if park_language == language else None


@register.simple_tag
def bar_chart(indicators: list, title: str, number: int, prefix: str = "bars") -> SafeString:
    """The figures of one unit as horizontal bars, labelled with their metric (and park:
    `bar_name`), from a common zero (declines to the left of it)."""
    if not indicators:
        return SafeString("")
    values = [float(indicator.value) for indicator in indicators]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    zero = LABEL_WIDTH + PLOT_WIDTH * (-low / span)
    written = [figure(indicator) for indicator in indicators]
    # The values' column is as wide as the widest (bold, so a tenth wider), "more than 100"
    # included: an SVG cuts off what passes its edge.
    values_width = max(VALUE_WIDTH, max(_width(text) for text in written) * 1.1 + 12)
    width_of_chart = LABEL_WIDTH + PLOT_WIDTH + values_width
    bars = []
    y = BAR_GAP
    for indicator, value, text in zip(indicators, values, written, strict=True):
        name, language = bar_name(indicator)
        lines = _lines(name)
        row = max(BAR_HEIGHT, len(lines) * LABEL_LINE)
        middle = y + row / 2
        width = PLOT_WIDTH * abs(value) / span
        x = zero - width if value < 0 else zero
        kind = "chart__bar chart__bar--negative" if value < 0 else "chart__bar"
        bars.append(
            format_html(
                '{}<rect class="{}" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart__value" x="{}" y="{}">{}</text>',
                _label(name, lines, middle, language),
                kind,
                f"{x:.1f}",
                f"{middle - BAR_HEIGHT / 2:.1f}",
                f"{max(width, 1):.1f}",
                BAR_HEIGHT,
                LABEL_WIDTH + PLOT_WIDTH + 6,
                f"{middle + 4:.1f}",
                text,
            )
        )
        y += row + BAR_GAP
    height = f"{y:.0f}"
    return format_html(
        '<svg class="chart chart--bars" role="img" aria-labelledby="{id}-title" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title>'
        '<line class="chart__axis" x1="{zero}" x2="{zero}" y1="0" y2="{h}"></line>{bars}</svg>',
        id=f"chart-{prefix}-{number}",
        w=f"{width_of_chart:.0f}",
        h=height,
        title=title,
        zero=f"{zero:.1f}",
        bars=SafeString("".join(bars)),
    )


def _spaced(centres: list[float], widths: list[float]) -> list[bool]:
    """Which of the texts of these `widths`, centred on these `centres` from left to right, to
    write so that none runs into the next: the last, and from the first on each one that leaves
    room after the one before it and before the last. The table beside the chart holds them all.
    """
    shown = [False] * len(centres)
    shown[-1] = True
    last_starts = centres[-1] - widths[-1] / 2
    previous_ends = float("-inf")
    for index, (centre, width) in enumerate(zip(centres[:-1], widths[:-1], strict=True)):
        starts, ends = centre - width / 2, centre + width / 2
        if starts >= previous_ends + TEXT_GAP and ends + TEXT_GAP <= last_starts:
            shown[index] = True
            previous_ends = ends
    return shown


@register.simple_tag
def line_chart(indicators: list, title: str, number: int, prefix: str = "line") -> SafeString:
    """A figure's history: one point per period (oldest first), joined by a line."""
    if len(indicators) < 2:
        return SafeString("")
    values = [float(indicator.value) for indicator in indicators]
    written = [figure(indicator) for indicator in indicators]
    low, high = min(0.0, *values), max(values)
    span = (high - low) or 1.0
    plot_height = LINE_HEIGHT - 2 * LINE_PAD
    # The first and last values are written centred on their points: room for half of each,
    # or "more than 100" lost its "mo" at the left edge.
    left = max(LINE_PAD, _width(written[0]) * 1.1 / 2 + 2)
    right = max(LINE_PAD, _width(written[-1]) * 1.1 / 2 + 2)
    step = (WIDTH - left - right) / (len(indicators) - 1)
    coordinates = [
        (left + index * step, LINE_PAD + plot_height * (high - value) / span)
        for index, value in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
    centres = [x for x, _y in coordinates]
    years = [
        pgettext("a calendar year", "%(year)s") % {"year": indicator.year}
        for indicator in indicators
    ]
    # Values are bold: a tenth wider than _width says.
    value_shown = _spaced(centres, [_width(text) * 1.1 for text in written])
    year_shown = _spaced(centres, [_width(year) for year in years])
    marks = []
    for (x, y), text, year, value_fits, year_fits in zip(
        coordinates, written, years, value_shown, year_shown, strict=True
    ):
        marks.append(
            format_html(
                '<circle class="chart__point" cx="{}" cy="{}" r="3.5"></circle>',
                f"{x:.1f}",
                f"{y:.1f}",
            )
        )
        if value_fits:
            marks.append(
                format_html(
                    '<text class="chart__value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x:.1f}",
                    f"{y - 8:.1f}",
                    text,
                )
            )
        if year_fits:
            marks.append(
                format_html(
                    '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x:.1f}",
                    LINE_HEIGHT - 4,
                    year,
                )
            )
    return format_html(
        '<svg class="chart chart--line" role="img" aria-labelledby="{id}-title" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title>'
        '<polyline class="chart__line" points="{path}"></polyline>{marks}</svg>',
        id=f"chart-{prefix}-{number}",
        w=WIDTH,
        h=LINE_HEIGHT,
        title=title,
        path=path,
        marks=SafeString("".join(marks)),
    )
