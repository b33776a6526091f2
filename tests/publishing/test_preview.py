"""Staff see a draft or an unsaved change exactly as visitors will; visitors never do."""

import pytest
from django.urls import reverse
from reversion.models import Version

from news.models import Release
from portal.publishing.models import Status
from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_an_editor_previews_a_draft_as_the_public_page(editor_client):
    draft = ReleaseFactory(title_en="Draft news", status=Status.DRAFT, published_at=None)
    response = editor_client.get(reverse("admin:news_release_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "news/release_detail.html" in [t.name for t in response.templates]
    assert "Draft news" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.published_at is None


def test_a_visitor_cannot_reach_the_preview_even_with_its_address(client):
    draft = ReleaseFactory(title_en="Secret draft", status=Status.DRAFT, published_at=None)
    response = client.get(reverse("admin:news_release_preview", args=[draft.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_previewing_an_unsaved_change_shows_it_and_saves_nothing(publisher_client):
    release = ReleaseFactory(title_en="Published title")
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "title_en": "Retitled, not saved yet",
        "_preview": "1",
    }
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "Retitled, not saved yet" in response.content.decode()
    assert Release.objects.get(pk=release.pk).title_en == "Published title"
    assert not Version.objects.get_for_object(release).exists()


def test_an_editor_previews_a_saved_record_in_chinese(editor_client):
    draft = ReleaseFactory(
        title_en="Draft news", title_zh_hans="草稿新闻", status=Status.DRAFT, published_at=None
    )
    url = reverse("admin:news_release_preview", args=[draft.pk])
    chinese = editor_client.get(url, {"lang": "zh-hans"}).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "草稿新闻" in chinese
    assert '<html lang="en">' in editor_client.get(url, {"lang": "en"}).content.decode()


def test_the_change_form_offers_a_preview_in_each_language(editor_client):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    page = editor_client.get(reverse("admin:news_release_change", args=[release.pk]))
    html = page.content.decode()
    assert '?lang=zh-hans"' in html
    assert 'name="_preview" value="zh-hans"' in html
    assert 'name="_preview" value="en"' in html


def test_previewing_an_unsaved_change_in_chinese_shows_the_chinese_page(publisher_client):
    release = ReleaseFactory(title_en="Published title")
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "title_zh_hans": "未保存的标题",
        "_preview": "zh-hans",
    }
    html = publisher_client.post(url, data).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "未保存的标题" in html
    assert Release.objects.get(pk=release.pk).title_zh_hans in (None, "")


def test_a_preview_leaves_the_public_directory_as_it_was(editor_client, client):
    draft_zone = ZoneFactory(slug="quiet-zone", status=Status.DRAFT, published_at=None)
    EnterpriseFactory(zone=draft_zone, name_en="Quartzite Works")
    EnterpriseFactory(name_en="Basalt Works")
    assert "1 enterprise" in client.get("/en/enterprises/").text
    # Any change makes the directory's index due for a rebuild, which the preview then does.
    EnterpriseFactory(name_en="Granite Works")

    preview = editor_client.get(reverse("admin:zones_zone_preview", args=[draft_zone.pk]))
    assert preview.status_code == 200

    directory = client.get("/en/enterprises/").text
    assert "2 enterprises" in directory
    assert "Quartzite" not in directory


def test_previewing_a_change_of_status_tells_no_one(
    editor_client, publisher_client, editor, publisher, django_capture_on_commit_callbacks
):
    from django.core import mail

    editor.email, publisher.email = "editor@example.org", "publisher@example.org"
    editor.save()
    publisher.save()
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)
    url = reverse("admin:news_release_change", args=[draft.pk])
    editor_client.post(url, change_form_data(editor_client.get(url)) | {"title_en": "Mine"})
    data = change_form_data(publisher_client.get(url)) | {
        "status": Status.PUBLISHED,
        "_preview": "en",
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert publisher_client.post(url, data).status_code == 200

    assert mail.outbox == []
    assert Release.objects.get(pk=draft.pk).status == Status.DRAFT


def test_an_enterprise_drafted_with_its_new_zone_can_be_previewed(editor_client, visitor):
    zone = ZoneFactory(name_en="New Harbour Zone", status=Status.DRAFT, published_at=None)
    enterprise = EnterpriseFactory(
        zone=zone, name_en="Harbour Works", status=Status.DRAFT, published_at=None
    )

    response = editor_client.get(reverse("admin:zones_enterprise_preview", args=[enterprise.pk]))

    assert response.status_code == 200
    assert "Harbour Works" in response.text
    assert "New Harbour Zone" in response.text
    zone.refresh_from_db()
    assert zone.status == Status.DRAFT
    assert visitor.get(zone.get_absolute_url()).status_code == 404
    assert visitor.get(enterprise.get_absolute_url()).status_code == 404
