"""What a visitor sees on a release's page."""

import pytest

from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

NO_CHINESE = "本新闻稿尚无中文文本"


def test_a_release_without_chinese_text_says_so_on_the_chinese_page(client):
    release = ReleaseFactory(body_en="<p>Only in English.</p>")
    html = client.get(f"/zh-hans/news/{release.slug}/").content.decode()
    assert NO_CHINESE in html
    assert html.index(NO_CHINESE) < html.index("Only in English.")
    assert '<div class="rich-text" lang="en"><p>Only in English.</p>' in html


def test_a_release_with_chinese_text_has_no_such_notice(client):
    release = ReleaseFactory(body_en="<p>English.</p>", body_zh_hans="<p>中文。</p>")
    html = client.get(f"/zh-hans/news/{release.slug}/").content.decode()
    assert NO_CHINESE not in html
    assert "中文。" in html


def test_the_english_page_of_an_english_release_has_no_notice(client):
    release = ReleaseFactory()
    html = client.get(f"/en/news/{release.slug}/").content.decode()
    assert "no text in this language yet" not in html


def test_the_chinese_release_page_lists_a_zones_figures_in_pinyin_order(client, demo):
    page = client.get(f"/zh-hans/news/{demo.slug}/").content.decode()
    table = page[page.index('<table class="figures"') :]
    # Panjin's two figures: qiān before yán (in code points, 研 comes before 签).
    assert table.index("签订技术合同") < table.index("研发投入")
