"""Editing in a real browser: the rich-text editor, one-click links, two windows on one release,
forms whose every input is named."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from news import demo
from news.models import Event
from portal.publishing.models import Status
from tests.browser.conftest import AXE
from tests.factories import (
    EventFactory,
    IndicatorFactory,
    InstitutionFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import LeadingIndustry, ZoneAlias

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def editing_page(browser, live_server, django_user_model):
    """A signed-in Editor's browser context; `new_page()` opens another window of it."""
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    yield page
    context.close()


def test_two_windows_cannot_overwrite_each_other(editing_page):
    release = ReleaseFactory(status=Status.DRAFT, title_en="Draft title")
    url = f"/admin/news/release/{release.pk}/change/"
    first, second = editing_page, editing_page.context.new_page()
    first.goto(url)
    second.goto(url)

    first.fill("#id_title_en", "Title from the first window")
    first.click("input[name=_continue]")
    second.fill("#id_summary_en", "Summary typed in the second window")
    second.click("input[name=_continue]")

    assert "saved this record" in second.inner_text(".errorlist")
    assert second.input_value("#id_summary_en") == "Summary typed in the second window"
    release.refresh_from_db()
    assert release.title_en == "Title from the first window"
    assert release.summary_en != "Summary typed in the second window"


def test_the_body_is_edited_in_the_rich_text_editor_and_named_records_link_in_one_click(
    editing_page,
):
    demo.load()
    release = ReleaseFactory(status=Status.DRAFT, body_en=demo.release_body())
    editing_page.goto(f"/admin/news/release/{release.pk}/change/")
    editors = editing_page.locator(".ProseMirror[contenteditable=true]")
    editors.first.wait_for(state="attached")
    assert any("Tianjin University" in text for text in editors.all_inner_texts())

    editing_page.click("[data-link-field=institutions][data-link-label='Tianjin University']")
    editing_page.click("input[name=_continue]")

    assert [i.slug for i in release.institutions.all()] == ["tianjin-university"]


def test_records_a_new_release_names_are_suggested_before_its_first_save(editing_page):
    InstitutionFactory(name_en="Tianjin University", slug="tianjin-university")
    editing_page.goto("/admin/news/release/add/")
    body = editing_page.locator(
        ".prose-editor:has(textarea[name=body_en]) .ProseMirror[contenteditable=true]"
    )
    body.wait_for(state="attached")
    body.click()
    body.press_sequentially("Tianjin University signed three contracts.")
    editing_page.click("#id_title_en")  # the editor leaves the body

    button = editing_page.locator(
        "[data-link-field=institutions][data-link-label='Tianjin University']"
    )
    button.wait_for(timeout=5000)
    button.click()
    assert editing_page.locator("#id_institutions option:checked").all_inner_texts() == [
        "Tianjin University"
    ]


@pytest.fixture
def publishing_page(browser, live_server, django_user_model):
    """A signed-in Publisher's browser, in Berlin's time zone and 1280 pixels wide."""
    user = django_user_model.objects.create_user("publisher", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="Europe/Berlin",
        viewport={"width": 1280, "height": 800},
    )
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    yield page
    context.close()


def test_times_are_noted_as_asia_shanghai_not_as_the_browsers_offset(publishing_page):
    release = ReleaseFactory(status=Status.DRAFT)
    publishing_page.goto(f"/admin/news/release/{release.pk}/change/")

    assert publishing_page.locator(".timezonewarning").filter(visible=True).count() == 0
    assert "Times are in Asia/Shanghai." in publishing_page.inner_text(".field-published_at")


def test_the_figures_of_a_release_fit_the_page_at_1280_pixels(publishing_page):
    figure = IndicatorFactory(release__status=Status.DRAFT, note_en="Year on year")
    publishing_page.goto(f"/admin/news/release/{figure.release.pk}/change/")

    assert publishing_page.input_value("#id_indicators-0-value") == "12.5"
    overflow = publishing_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_a_figure_typed_with_a_decimal_comma_is_refused_not_saved_as_another_number(
    publishing_page,
):
    figure = IndicatorFactory(release__status=Status.DRAFT)
    publishing_page.goto(f"/admin/news/release/{figure.release.pk}/change/")
    value = publishing_page.locator("#id_indicators-0-value")

    value.clear()
    value.press_sequentially("62,5")
    publishing_page.click("input[name=_continue]")

    assert "Write the number without commas" in publishing_page.inner_text("#indicators-group")
    assert publishing_page.input_value("#id_indicators-0-value") == "62,5"
    figure.refresh_from_db()
    assert figure.value == Decimal("12.5")


def test_a_wide_table_in_the_body_leaves_the_editor_and_its_lines_within_their_row(
    publishing_page,
):
    headings = "".join(f"<th>Heading {n}</th>" for n in range(1, 14))
    values = "<td>1,234.5</td>" * 13
    body = (
        "<p>" + "A paragraph long enough to run the whole width of the editor. " * 8 + "</p>"
        f"<table><tbody><tr>{headings}</tr><tr>{values}</tr></tbody></table>"
    )
    release = ReleaseFactory(status=Status.DRAFT, body_en=body)
    publishing_page.goto(f"/admin/news/release/{release.pk}/change/")
    editor = publishing_page.locator(".field-body_en .prose-editor")
    paragraph = editor.locator(".ProseMirror[contenteditable=true] > p")
    paragraph.wait_for()

    row = publishing_page.locator(".form-row.field-body_en").bounding_box()
    for shown in (editor.bounding_box(), paragraph.bounding_box()):
        assert shown["x"] + shown["width"] <= row["x"] + row["width"]
    # The rest of the table is scrolled to, in its own box.
    table = editor.locator(".tableWrapper")
    assert table.evaluate("table => table.scrollWidth > table.clientWidth")


def test_the_rich_text_toolbar_and_its_figure_dialog_are_in_chinese_in_the_chinese_admin(
    editing_page,
):
    editing_page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": editing_page.url}]
    )
    editing_page.goto("/admin/news/release/add/")
    toolbar = editing_page.locator(".prose-menubar").first
    toolbar.wait_for()

    assert toolbar.locator(".prose-menubar__button[title='粗体']").count() == 1
    assert toolbar.locator(".prose-menubar__button[aria-label='插入链接']").count() == 1
    assert toolbar.locator(".prose-menubar__button[title='bold']").count() == 0

    toolbar.locator(".prose-menubar__button[title='插入图片']").click()
    dialog = editing_page.locator(".prose-editor-dialog[open]")
    assert dialog.locator(".prose-editor-dialog-title").inner_text() == "插入图片"
    assert "替代文本" in dialog.inner_text()


def test_the_rich_text_block_styles_and_table_dialog_are_in_chinese_in_the_chinese_admin(
    editing_page,
):
    zone = ZoneFactory()
    editing_page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": editing_page.url}]
    )
    editing_page.goto(f"/admin/zones/zone/{zone.pk}/change/")
    editor = editing_page.locator(".prose-editor:has(.ProseMirror)").first
    editor.wait_for()

    editor.locator(".prose-menubar__selected").click()
    picker = editor.locator(".prose-menubar__picker")
    choices = picker.locator(".prose-menubar__option:not(.hidden)").all_inner_texts()
    assert choices == ["标题 2", "标题 3", "标题 4", "段落"]

    editing_page.keyboard.press("Escape")
    editor.locator(".prose-menubar__button[title='插入表格']").click()
    dialog = editing_page.locator(".prose-editor-dialog[open]")
    header_row = dialog.get_by_label("包含标题行")
    assert header_row.locator("option").all_inner_texts() == ["是", "否"]

    # The editor still understands the choice it was given in Chinese.
    header_row.select_option(label="是")
    dialog.locator("button[type=submit]").click()
    assert editor.locator(".ProseMirror table th").count() == 3


def test_the_block_style_menu_shows_its_caret_without_needing_a_font_for_it(editing_page):
    editing_page.goto("/admin/news/release/add/")
    menu = editing_page.locator(".prose-menubar__selected").first
    menu.wait_for()

    caret = menu.evaluate(
        "menu => { const style = getComputedStyle(menu, '::after');"
        " return [style.content, style.borderTopWidth, style.borderTopColor]; }"
    )
    # No glyph a font may lack; a drawn triangle in the text's colour.
    assert "\u23f7" not in caret[0]
    assert caret[1] == "5px"
    assert caret[2] == menu.evaluate("menu => getComputedStyle(menu).color")


# What axe finds when a form's input has no name a screen reader can announce.
UNNAMED_INPUTS = ["label", "select-name", "label-title-only", "aria-input-field-name"]


def test_every_input_of_the_release_and_zone_forms_is_named(editing_page):
    figure = IndicatorFactory(release__status=Status.DRAFT, note_en="Year on year")
    Event.releases.through.objects.create(release=figure.release, event=EventFactory())
    ZoneAlias.objects.create(zone=figure.zone, name="Puwan")
    LeadingIndustry.objects.create(zone=figure.zone, sector=SectorFactory())
    forms = {
        "release": f"/admin/news/release/{figure.release.pk}/change/",
        "zone": f"/admin/zones/zone/{figure.zone.pk}/change/",
    }
    unnamed = {}
    for name, url in forms.items():
        editing_page.goto(url)
        editing_page.wait_for_function(
            "[...document.querySelectorAll('textarea[data-django-prose-editor-configurable]')]"
            ".every(textarea => textarea.closest('.prose-editor')?.querySelector('.ProseMirror'))"
        )
        editing_page.evaluate(AXE.read_text())
        # The boxes select2 draws over the admin's autocomplete selects are its own markup,
        # not the portal's: they are left out. The selects they stand for are checked.
        result = editing_page.evaluate(
            "rules => axe.run({exclude: ['.select2-container']},"
            " {runOnly: rules, resultTypes: ['violations']})",
            UNNAMED_INPUTS,
        )
        unnamed[name] = [
            f"{violation['id']}: {node['target']}"
            for violation in result["violations"]
            for node in violation["nodes"]
        ]

    assert unnamed == {"release": [], "zone": []}
