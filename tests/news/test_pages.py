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
