"""Small charts of figures, drawn on the server as SVG: readable without JavaScript, coloured by
the classes of static/css/portal.css (no inline style, as the Content-Security-Policy wants),
and always shown beside a table of the same numbers for those who cannot see them.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from portal.templatetags.portal import figure

register = template.Library()

BAR_HEIGHT = 18
BAR_GAP = 8
LABEL_WIDTH = 150
PLOT_WIDTH = 170
VALUE_WIDTH = 80
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
LINE_HEIGHT = 120
LINE_PAD = 24


def _label(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def bar_chart(indicators: list, title: str, number: int, prefix: str = "bars") -> SafeString:
    """The figures of one unit as horizontal bars, labelled with their metric, from a common
    zero (declines to the left of it)."""
    if not indicators:
        return SafeString("")
    values = [float(indicator.value) for indicator in indicators]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    zero = LABEL_WIDTH + PLOT_WIDTH * (-low / span)
    height = len(indicators) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    bars = []
    for index, (indicator, value) in enumerate(zip(indicators, values, strict=True)):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = PLOT_WIDTH * abs(value) / span
        x = zero - width if value < 0 else zero
        kind = "chart__bar chart__bar--negative" if value < 0 else "chart__bar"
        bars.append(
            format_html(
                '<text class="chart__label" x="0" y="{}">{}</text>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart__value" x="{}" y="{}">{}</text>',
                y + BAR_HEIGHT - 5,
                _label(indicator.metric.name),
                kind,
                f"{x:.1f}",
                y,
                f"{max(width, 1):.1f}",
                BAR_HEIGHT,
                LABEL_WIDTH + PLOT_WIDTH + 6,
                y + BAR_HEIGHT - 5,
                figure(indicator),
            )
        )
    return format_html(
        '<svg class="chart chart--bars" role="img" aria-labelledby="{id}-title" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title>'
        '<line class="chart__axis" x1="{zero}" x2="{zero}" y1="0" y2="{h}"></line>{bars}</svg>',
        id=f"chart-{prefix}-{number}",
        w=WIDTH,
        h=height,
        title=title,
        zero=f"{zero:.1f}",
        bars=SafeString("".join(bars)),
    )


@register.simple_tag
def line_chart(indicators: list, title: str, number: int, prefix: str = "line") -> SafeString:
    """A figure's history: one point per period (oldest first), joined by a line."""
    if len(indicators) < 2:
        return SafeString("")
    values = [float(indicator.value) for indicator in indicators]
    low, high = min(0.0, *values), max(values)
    span = (high - low) or 1.0
    plot_height = LINE_HEIGHT - 2 * LINE_PAD
    step = (WIDTH - 2 * LINE_PAD) / (len(indicators) - 1)
    coordinates = [
        (LINE_PAD + index * step, LINE_PAD + plot_height * (high - value) / span)
        for index, value in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
    marks = format_html_join(
        "",
        '<circle class="chart__point" cx="{}" cy="{}" r="3.5"></circle>'
        '<text class="chart__value" x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{x:.1f}",
                f"{y - 8:.1f}",
                figure(indicator),
                f"{x:.1f}",
                LINE_HEIGHT - 4,
                indicator.year,
            )
            for (x, y), indicator in zip(coordinates, indicators, strict=True)
        ),
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
        marks=marks,
    )
