"""A bar chart's labels are whole: long names wrap onto more lines, and only a name too long
for three lines is cut, its full text kept for a pointer."""

import itertools
import re
from decimal import Decimal

from django.utils import translation

from news.models import Indicator, Metric
from portal.templatetags.charts import _width, bar_chart, line_chart


def bar(name: str, value: str = "12.5") -> Indicator:
    return Indicator(
        metric=Metric(name_en=name), value=Decimal(value), unit=Indicator.Unit.PERCENT_CHANGE
    )


def label_lines(svg: str) -> list[list[str]]:
    labels = re.findall(r'<text class="chart__label".*?</text>', svg)
    return [re.findall(r"<tspan[^>]*>(.*?)</tspan>", label) for label in labels]


def test_a_long_name_wraps_without_losing_a_word():
    name = "Economic and trade exchange activities held"
    svg = bar_chart([bar(name), bar("R&D")], "Figures", 1)
    lines = label_lines(svg)
    assert len(lines[0]) > 1
    assert " ".join(lines[0]) == "Economic and trade exchange activities held"
    assert lines[1] == ["R&amp;D"]
    assert "…" not in svg
    assert "<title>Economic" not in svg


def test_a_chinese_name_breaks_between_characters():
    name = "高新技术企业数量增长与研究开发投入增长情况"
    lines = label_lines(bar_chart([bar(name)], "数据", 1))[0]
    assert len(lines) == 2
    assert "".join(lines) == name


def test_rows_grow_with_their_labels_so_none_overlaps():
    short = bar_chart([bar("A"), bar("B")], "Figures", 1)
    wrapped = bar_chart([bar("A " * 30), bar("B")], "Figures", 1)
    height = re.compile(r'<svg[^>]* height="(\d+)"')
    assert int(height.search(wrapped)[1]) > int(height.search(short)[1])
    # The first label's last line (three lines, 12 apart) ends above the second's first line.
    baselines = re.findall(r'class="chart__label" x="0" y="([^"]+)"', wrapped)
    first, second = map(float, baselines)
    assert first + 2 * 12 + 3 < second - 9


def test_a_name_too_long_for_three_lines_is_cut_and_kept_whole_in_its_title():
    name = "An unusually long name of a figure " * 4
    svg = bar_chart([bar(name)], "Figures", 1)
    lines = label_lines(svg)[0]
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert f"<title>{name}</title>" in svg


def test_the_values_column_is_wide_enough_for_a_qualified_value():
    plain = bar_chart([bar("A", "100"), bar("B", "5")], "Figures", 1)
    qualified = bar(name="A", value="110000000")
    qualified.unit = Indicator.Unit.CNY
    qualified.qualifier = Indicator.Qualifier.MORE_THAN
    wide = bar_chart([qualified, bar("B", "5")], "Figures", 1)

    width = re.compile(r'<svg[^>]* width="(\d+)"')
    assert int(width.search(wide)[1]) > int(width.search(plain)[1])
    value_x = float(re.search(r'class="chart__value" x="([^"]+)"', wide)[1])
    # "more than 110,000,000": 21 characters of about 7 pixels, bold, from where it starts.
    assert value_x + 21 * 6.6 * 1.1 <= int(width.search(wide)[1])


def point(year: int, value: str, qualifier: str = Indicator.Qualifier.EXACT) -> Indicator:
    return Indicator(
        metric=Metric(name_en="R&D"),
        value=Decimal(value),
        unit=Indicator.Unit.CNY,
        year=year,
        qualifier=qualifier,
    )


def test_a_line_charts_first_and_last_values_are_written_whole_inside_the_chart():
    history = [
        point(2022, "100", Indicator.Qualifier.MORE_THAN),
        point(2023, "120", Indicator.Qualifier.EXACT),
        point(2024, "2500000000.5", Indicator.Qualifier.ABOUT),
    ]
    svg = line_chart(history, "R&D by year", 1)

    width = float(re.search(r'viewBox="0 0 (\d+)', svg)[1])
    values = re.findall(r'<text class="chart__value" x="([^"]+)"[^>]*>(.*?)</text>', svg)
    assert [text for _x, text in values][0].startswith("more than")
    for x, text in values:
        half = _width(text) / 2
        assert float(x) - half >= 0 and float(x) + half <= width, text


def test_a_name_shown_in_the_other_language_is_marked_with_it_as_in_the_table():
    with translation.override("zh-hans"):
        svg = bar_chart([bar("Exports"), bar("R&D")], "数据", 1)
    assert svg.count('<text lang="en" class="chart__label untranslated"') == 2
    with translation.override("en"):
        assert 'lang="' not in bar_chart([bar("Exports")], "Figures", 1)


def texts(svg: str, kind: str) -> list[tuple[float, str]]:
    found = re.findall(rf'<text class="chart__{kind}" x="([^"]+)"[^>]*>(.*?)</text>', svg)
    return [(float(x), text) for x, text in found]


def assert_apart(written: list[tuple[float, str]], widen: float = 1.0) -> None:
    for (x, text), (next_x, next_text) in itertools.pairwise(written):
        assert x + _width(text) * widen / 2 <= next_x - _width(next_text) * widen / 2, (
            text,
            next_text,
        )


def test_a_long_history_writes_only_the_values_and_years_that_leave_room_for_each_other():
    history = [
        point(year, str(110_000_000 + 5_000_000 * n)) for n, year in enumerate(range(2015, 2025))
    ]
    svg = line_chart(history, "R&D by year", 1)
    values, years = texts(svg, "value"), texts(svg, "label")
    assert_apart(values, widen=1.1)
    # The oldest and the newest are written, and a point stands for every year.
    assert values[0][1] == "110,000,000" and values[-1][1] == "155,000,000"
    assert 2 < len(values) < len(history) and svg.count("<circle") == len(history)
    assert_apart(years)
    assert years[0][1] == "2015" and years[-1][1] == "2024"

    with translation.override("zh-hans"):
        years = texts(line_chart(history, "研发投入", 1), "label")
    assert_apart(years)
    assert years[0][1] == "2015年" and years[-1][1] == "2024年"
    assert 2 < len(years) < len(history)


def test_a_short_history_writes_every_value_and_year():
    history = [point(2022, "1200"), point(2023, "1500"), point(2024, "1800")]
    svg = line_chart(history, "Enterprises by year", 1)
    assert [text for _x, text in texts(svg, "value")] == ["1,200", "1,500", "1,800"]
    assert [text for _x, text in texts(svg, "label")] == ["2022", "2023", "2024"]
