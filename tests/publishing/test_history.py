"""Every save is recorded; an earlier version can be restored and a deleted record recovered."""

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from news.models import Release
from portal.publishing.admin import history as history_admin
from portal.publishing.models import AuditEntry, Status
from portal.publishing.times import local_time
from tests.adminforms import change_form_data
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    EventFactory,
    IndicatorFactory,
    MetricFactory,
    ParkFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import Enterprise

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def save_through_admin(client, obj, **changes):
    url = change_url(obj)
    response = client.post(url, change_form_data(client.get(url)) | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_each_save_is_recorded_with_who_and_what_changed(editor_client, editor):
    release = ReleaseFactory(status=Status.DRAFT, body_en="<p>The first body.</p>")
    save_through_admin(editor_client, release, body_en="<p>The second body.</p>")
    version = Version.objects.get_for_object(release).first()
    assert version.revision.user == editor
    history = editor_client.get(reverse("admin:news_release_history", args=[release.pk]))
    changes_url = reverse("admin:news_release_changes", args=[release.pk, version.pk])
    assert changes_url in history.content.decode()

    changes = editor_client.get(changes_url).content.decode()
    assert "<del>first</del>" in changes
    assert "<ins>second</ins>" in changes


def test_restoring_an_earlier_version_gives_back_its_body(editor_client, publisher_client):
    release = ReleaseFactory(status=Status.DRAFT, body_en="<p>Original.</p>")
    save_through_admin(editor_client, release, body_en="<p>Version one.</p>")
    save_through_admin(editor_client, release, body_en="<p>Version two, a mistake.</p>")
    first = next(
        version
        for version in Version.objects.get_for_object(release)
        if version.field_dict["body_en"] == "<p>Version one.</p>"
    )
    revert_url = reverse("admin:news_release_revision", args=[release.pk, first.pk])

    form = editor_client.get(revert_url)
    assert "Version one." in form.content.decode()
    response = editor_client.post(revert_url, change_form_data(form))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.body_en == "<p>Version one.</p>"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE).count() == 1
    # A restore is a save like any other: it has the highest version number.
    assert release.version == 4
    history = editor_client.get(reverse("admin:news_release_history", args=[release.pk]))
    saved_on = local_time(first.revision.date_created)
    assert f"<td>Restored the version saved on {saved_on}</td>" in history.content.decode()


def test_a_deleted_enterprise_is_recovered_with_its_relations(publisher_client):
    sector = SectorFactory()
    enterprise = EnterpriseFactory(name_en="Allychem Co., Ltd.")
    enterprise.sectors.add(sector)
    EnterpriseQualificationFactory(enterprise=enterprise, year_granted=2022)
    release = ReleaseFactory()
    release.enterprises.add(enterprise)
    delete_url = reverse("admin:zones_enterprise_delete", args=[enterprise.pk])

    assert publisher_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Enterprise.objects.exists()
    assert AuditEntry.objects.get().action == AuditEntry.Action.DELETE

    recover_list = publisher_client.get(reverse("admin:zones_enterprise_recoverlist"))
    assert "Allychem Co., Ltd." in recover_list.content.decode()
    version = Version.objects.get_deleted(Enterprise).get()
    recover_url = reverse("admin:zones_enterprise_recover", args=[version.pk])
    response = publisher_client.post(
        recover_url, change_form_data(publisher_client.get(recover_url))
    )

    assert response.status_code == 302
    recovered = Enterprise.objects.get()
    assert recovered.name_en == "Allychem Co., Ltd."
    assert list(recovered.sectors.all()) == [sector]
    assert recovered.held_qualifications.get().year_granted == 2022
    assert list(release.enterprises.all()) == [recovered]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RECOVER).exists()


def test_an_editor_cannot_delete(editor_client):
    release = ReleaseFactory(status=Status.DRAFT)
    delete_url = reverse("admin:news_release_delete", args=[release.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Release.objects.filter(pk=release.pk).exists()


def test_the_audit_log_is_read_only(publisher_client):
    changelist = publisher_client.get(reverse("admin:publishing_auditentry_changelist"))
    assert changelist.status_code == 200
    assert publisher_client.get(reverse("admin:publishing_auditentry_add")).status_code == 403


def test_a_publishers_save_with_nothing_changed_publishes_nothing_again(publisher_client):
    release = ReleaseFactory(published_at=timezone.now().replace(microsecond=123456))
    published_at = release.published_at

    save_through_admin(publisher_client, release)

    release.refresh_from_db()
    assert release.published_at == published_at
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH).exists()


def test_a_publishers_restore_of_a_draft_version_of_a_public_record_is_an_unpublish(
    publisher_client,
):
    release = ReleaseFactory(status=Status.DRAFT, title_en="Harbour report")
    save_through_admin(publisher_client, release, body_en="<p>A draft.</p>")
    draft = Version.objects.get_for_object(release).first()
    save_through_admin(publisher_client, release, status=Status.PUBLISHED)
    url = reverse("admin:news_release_revision", args=[release.pk, draft.pk])

    publisher_client.post(url, change_form_data(publisher_client.get(url)))

    release.refresh_from_db()
    assert release.status == Status.DRAFT
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNPUBLISH).count() == 1


def test_a_status_changed_from_the_list_says_so_in_the_history(editor_client, publisher_client):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    changelist = reverse("admin:news_release_changelist")
    for client, action in ((editor_client, "submit_for_review"), (publisher_client, "publish")):
        client.post(changelist, {"action": action, "_selected_action": [release.pk]})

    history = publisher_client.get(reverse("admin:news_release_history", args=[release.pk]))

    content = history.content.decode()
    published = content.index("<td>Status changed to “published” from the list</td>")
    assert published < content.index("<td>Status changed to “in review” from the list</td>")
    latest = Version.objects.get_for_object(release).first()
    changes = publisher_client.get(
        reverse("admin:news_release_changes", args=[release.pk, latest.pk])
    ).content.decode()
    assert "<del>in review</del>" in changes
    assert "<ins>published</ins>" in changes


def test_the_history_and_the_audit_log_read_in_the_language_of_whoever_reads_them(
    editor_client, publisher_client
):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    changelist = reverse("admin:news_release_changelist")
    publisher_client.cookies["django_language"] = "zh-hans"
    publisher_client.post(changelist, {"action": "publish", "_selected_action": [release.pk]})
    save_through_admin(publisher_client, release, summary_en="A new summary.")

    history = reverse("admin:news_release_history", args=[release.pk])
    in_english = editor_client.get(history).content.decode()
    in_chinese = publisher_client.get(history).content.decode()

    assert "<td>Status changed to “published” from the list</td>" in in_english
    assert "<td>Changed Summary [en].</td>" in in_english
    assert "<td>在列表中将状态改为“已发布”</td>" in in_chinese
    assert "<td>已修改概览 [en]。</td>" in in_chinese
    audit = editor_client.get(reverse("admin:publishing_auditentry_changelist")).content.decode()
    assert "Publication time: " in audit


def test_the_history_of_a_record_deleted_meanwhile_says_it_is_gone(publisher_client):
    url = reverse("admin:news_release_history", args=[999])

    response = publisher_client.get(url, follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "doesn’t exist" in response.content.decode()


def test_the_audit_logs_filters_name_only_the_kinds_and_people_it_records(
    editor_client, publisher_client
):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    editor_client.post(
        reverse("admin:news_release_changelist"),
        {"action": "submit_for_review", "_selected_action": [release.pk]},
    )

    page = publisher_client.get(reverse("admin:publishing_auditentry_changelist"))

    filters = {str(spec.title): spec for spec in page.context["cl"].filter_specs}
    kinds = [str(label) for _, label in filters["kind of record"].lookup_choices]
    assert kinds == ["News and figures | release"]
    people = [str(label) for _, label in filters["user"].lookup_choices]
    assert people == ["editor"]


def test_a_version_of_another_kind_of_record_cannot_be_restored_through_this_ones_pages(
    editor_client, publisher_client, visitor
):
    """An Editor could otherwise republish a zone a Publisher took down, through the restore
    page of a draft release that happens to have the zone's id."""
    zone = ZoneFactory(slug="puwan")
    save_through_admin(publisher_client, zone, address_en="Published address")
    published = Version.objects.get_for_object(zone).first()
    publisher_client.post(
        reverse("admin:zones_zone_changelist"),
        {"action": "unpublish", "_selected_action": [zone.pk]},
    )
    assert visitor.get(zone.get_absolute_url()).status_code == 404
    ReleaseFactory(pk=zone.pk, status=Status.DRAFT)

    for url in (
        reverse("admin:news_release_revision", args=[zone.pk, published.pk]),
        reverse("admin:news_release_recover", args=[published.pk]),
        reverse("admin:news_release_changes", args=[zone.pk, published.pk]),
    ):
        assert editor_client.get(url).status_code == 404
        assert editor_client.post(url, {}).status_code == 404

    zone.refresh_from_db()
    assert zone.status != Status.PUBLISHED
    assert visitor.get(zone.get_absolute_url()).status_code == 404


def test_restoring_one_of_records_moved_together_restores_that_record_alone(
    editor_client, publisher_client, visitor
):
    """A list action moves several records in one revision; restoring one record's version of
    it must not republish the others, which the Editor may not publish."""
    first, second = (EventFactory(status=Status.DRAFT, published_at=None) for _ in range(2))
    changelist = reverse("admin:news_event_changelist")
    for action in ("publish", "unpublish"):
        publisher_client.post(
            changelist, {"action": action, "_selected_action": [first.pk, second.pk]}
        )
    assert visitor.get(second.get_absolute_url()).status_code == 404
    published = next(
        version
        for version in Version.objects.get_for_object(first)
        if version.field_dict["status"] == Status.PUBLISHED
    )
    restore_url = reverse("admin:news_event_revision", args=[first.pk, published.pk])

    form = editor_client.get(restore_url)
    assert editor_client.post(restore_url, change_form_data(form)).status_code == 302

    second.refresh_from_db()
    assert second.status == Status.DRAFT
    assert visitor.get(second.get_absolute_url()).status_code == 404
    # The other record's history still holds the version it had.
    assert Version.objects.get_for_object(second).count() == 2


def test_recovering_one_of_records_deleted_together_recovers_that_record_alone(
    publisher_client, visitor
):
    kept, recovered = (EnterpriseFactory(name_en=name) for name in ("Kept deleted", "Recovered"))
    EnterpriseQualificationFactory(enterprise=recovered, year_granted=2021)
    publisher_client.post(
        reverse("admin:zones_enterprise_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [kept.pk, recovered.pk]},
    )
    assert not Enterprise.objects.exists()
    version = Version.objects.get_deleted(Enterprise).get(object_id=str(recovered.pk))
    recover_url = reverse("admin:zones_enterprise_recover", args=[version.pk])

    form = publisher_client.get(recover_url)
    assert publisher_client.post(recover_url, change_form_data(form)).status_code == 302

    assert list(Enterprise.objects.values_list("name_en", flat=True)) == ["Recovered"]
    assert Enterprise.objects.get().held_qualifications.get().year_granted == 2021
    assert visitor.get(kept.get_absolute_url()).status_code == 404


def test_deleting_a_hidden_zone_does_not_show_the_events_it_kept_hidden(publisher_client, visitor):
    hidden = ZoneFactory(status=Status.DRAFT)
    event = EventFactory(zone=hidden)
    public = ZoneFactory()
    shown = EventFactory(zone=public)
    assert visitor.get(event.get_absolute_url()).status_code == 404

    for zone in (hidden, public):
        delete_url = reverse("admin:zones_zone_delete", args=[zone.pk])
        assert publisher_client.post(delete_url, {"post": "yes"}).status_code == 302

    assert visitor.get(event.get_absolute_url()).status_code == 404
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    # An event the public saw in a public zone stays up, without its zone.
    assert visitor.get(shown.get_absolute_url()).status_code == 200


def test_a_zone_or_park_a_release_reports_figures_for_is_not_deleted_from_under_them(
    publisher_client,
):
    park = ParkFactory()
    figure = IndicatorFactory(zone=park.zone, park=park)

    delete_url = reverse("admin:zones_zone_delete", args=[park.zone.pk])
    page = publisher_client.get(delete_url).content.decode()
    assert "would require deleting the following protected related objects" in page
    publisher_client.post(delete_url, {"post": "yes"})
    zone_change = reverse("admin:zones_zone_change", args=[park.zone.pk])
    data = change_form_data(publisher_client.get(zone_change))
    prefix = next(
        k
        for k, v in data.items()
        if k.startswith("parks-") and k.endswith("-id") and v == str(park.pk)
    )
    refused = publisher_client.post(zone_change, data | {prefix.replace("-id", "-DELETE"): "on"})

    assert refused.status_code == 200
    assert "protected related objects" in refused.content.decode()
    figure.refresh_from_db()
    assert (figure.zone, figure.park) == (park.zone, park)


@pytest.mark.parametrize("object_id", ["abc", "1.5", "%00", "%E6%B2%88"])
def test_a_history_address_with_an_id_that_is_not_one_is_not_found(publisher_client, object_id):
    version = f"/admin/zones/zone/{object_id}/history/1/"
    assert publisher_client.get(version).status_code == 404
    assert publisher_client.post(version, {}).status_code == 404


def test_a_version_whose_restore_would_delete_a_park_with_figures_says_why_it_is_refused(
    publisher_client,
):
    zone = ZoneFactory()
    save_through_admin(publisher_client, zone, summary_en="Changed.")
    first = Version.objects.get_for_object(zone).last()
    park = ParkFactory(zone=zone, name_en="New materials park")
    figure = IndicatorFactory(zone=zone, park=park, release=ReleaseFactory(title_en="June figures"))
    restore_url = reverse("admin:zones_zone_revision", args=[zone.pk, first.pk])

    response = publisher_client.get(restore_url, follow=True)

    assert response.redirect_chain == [(reverse("admin:zones_zone_history", args=[zone.pk]), 302)]
    message = [str(message) for message in response.context["messages"]][-1]
    assert message == (
        "This version cannot be restored: restoring it would delete a part of the record that "
        f"other records refer to ({figure}). Change them first."
    )
    assert publisher_client.post(restore_url, {}).status_code == 302
    assert zone.parks.get() == park


def release_version_whose_metric_was_deleted_since(client) -> tuple[Release, Version]:
    """A release saved with its figure, whose figure and then metric a Publisher deleted."""
    release = ReleaseFactory()
    figure = IndicatorFactory(release=release, metric=MetricFactory(name_en="Patents granted"))
    save_through_admin(client, release, summary_en="Changed.")
    version = Version.objects.get_for_object(release).first()
    for record in (figure, figure.metric):
        opts = record._meta
        delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 302
    return release, version


def test_a_version_whose_figure_measures_a_deleted_metric_says_why_it_is_refused(
    publisher_client,
):
    release, version = release_version_whose_metric_was_deleted_since(publisher_client)
    restore_url = reverse("admin:news_release_revision", args=[release.pk, version.pk])
    history_url = reverse("admin:news_release_history", args=[release.pk])

    response = publisher_client.get(restore_url, follow=True)

    assert response.redirect_chain == [(history_url, 302)]
    message = [str(message) for message in response.context["messages"]][-1]
    assert message == (
        "This version cannot be restored: it refers to records deleted since "
        "(metric “Patents granted”). Recover them first."
    )
    posted = publisher_client.post(restore_url, {})
    assert (posted.status_code, posted["Location"]) == (302, history_url)
    assert not release.indicators.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE).exists()


@pytest.mark.django_db(transaction=True)
def test_a_restore_the_database_refuses_when_it_commits_says_why_and_changes_nothing(
    publisher_client, monkeypatch
):
    """A record deleted between the trial of the restore and the restore itself: the
    database refuses the restore when it commits (PostgreSQL and SQLite check references
    then), and the Publisher is told why, not shown a server error."""
    release, version = release_version_whose_metric_was_deleted_since(publisher_client)
    restore_url = reverse("admin:news_release_revision", args=[release.pk, version.pk])
    monkeypatch.setattr(history_admin, "restore_blocked_by", lambda version: "")
    form = publisher_client.get(restore_url)
    assert form.status_code == 200
    saved = Release.objects.get(pk=release.pk).version

    response = publisher_client.post(restore_url, change_form_data(form), follow=True)

    assert response.redirect_chain == [
        (reverse("admin:news_release_history", args=[release.pk]), 302)
    ]
    message = [str(message) for message in response.context["messages"]][-1]
    assert "(metric “Patents granted”)" in message
    assert Release.objects.get(pk=release.pk).version == saved
    assert not release.indicators.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE).exists()


def with_events(client, release, *events) -> dict:
    """The release's change form, its event rows replaced by `events`."""
    data = change_form_data(client.get(change_url(release)))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "event" in k.lower())
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    rows = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-{row}-DELETE": "on" for row in range(rows) if data.get(f"{prefix}-{row}-id")
    }
    for offset, event in enumerate(events):
        data |= {f"{prefix}-{rows + offset}-event": str(event.pk)}
    data[f"{prefix}-TOTAL_FORMS"] = str(rows + len(events))
    return data


def test_the_history_lists_the_events_a_save_linked_and_unlinked(editor_client):
    release = ReleaseFactory(status=Status.DRAFT)
    fair = EventFactory(title_en="Dalian business day")
    assert (
        editor_client.post(
            change_url(release), with_events(editor_client, release, fair)
        ).status_code
        == 302
    )
    linked = Version.objects.get_for_object(release).first()
    assert (
        editor_client.post(change_url(release), with_events(editor_client, release)).status_code
        == 302
    )
    unlinked = Version.objects.get_for_object(release).first()

    def changes(version) -> str:
        url = reverse("admin:news_release_changes", args=[release.pk, version.pk])
        return editor_client.get(url).text

    assert "Added event this release reports on “Dalian business day”." in changes(linked)
    assert "Removed event this release reports on “Dalian business day”." in changes(unlinked)


def test_restoring_a_version_of_a_release_gives_back_the_events_it_reported_on(
    editor_client, publisher_client
):
    release = ReleaseFactory(status=Status.DRAFT)
    fair, forum = EventFactory(title_en="Dalian business day"), EventFactory(title_en="Forum")
    editor_client.post(change_url(release), with_events(editor_client, release, fair))
    first = Version.objects.get_for_object(release).first()
    editor_client.post(change_url(release), with_events(editor_client, release, forum))
    assert list(release.events.all()) == [forum]

    restore_url = reverse("admin:news_release_revision", args=[release.pk, first.pk])
    response = editor_client.post(restore_url, change_form_data(editor_client.get(restore_url)))

    assert response.status_code == 302
    assert list(release.events.all()) == [fair]


def test_a_version_linking_an_event_deleted_since_says_why_it_is_not_restored(
    editor_client, publisher_client
):
    release = ReleaseFactory(status=Status.DRAFT)
    fair = EventFactory(title_en="Dalian business day")
    editor_client.post(change_url(release), with_events(editor_client, release, fair))
    first = Version.objects.get_for_object(release).first()
    editor_client.post(change_url(release), with_events(editor_client, release))
    publisher_client.post(reverse("admin:news_event_delete", args=[fair.pk]), {"post": "yes"})

    restore_url = reverse("admin:news_release_revision", args=[release.pk, first.pk])
    response = editor_client.get(restore_url, follow=True)

    assert (
        "This version cannot be restored: it refers to records deleted since "
        "(event “Dalian business day”). Recover them first."
    ) in response.text
    assert list(release.events.all()) == []
