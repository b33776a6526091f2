"""The read-only API of releases, figures and events, and of zones with their figures (routed in
portal/api.py).

Every figure carries its source: the release that reported it, with its title, date and page.
"""

import datetime
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from news.filters import EventFilter, FigureFilter, ReleaseFilter
from news.models import NEWEST_FIRST, Event, Indicator, Metric, Release, Series
from portal.publishing.api import (
    BilingualField,
    KeysetPagination,
    KnownParametersMixin,
    PageLinksField,
    PublicViewSet,
    with_validators,
)
from zones import api as zones_api
from zones.models import Enterprise, Institution, Platform, Zone


class MetricSerializer(serializers.ModelSerializer):
    name = BilingualField()

    class Meta:
        model = Metric
        fields = ("slug", "name")


class ReleaseReferenceSerializer(serializers.ModelSerializer):
    """A release named from another record: where a figure or a fact comes from."""

    title = BilingualField()
    date = serializers.SerializerMethodField()
    page = PageLinksField("news:release_detail")

    class Meta:
        model = Release
        fields = ("slug", "title", "date", "page")

    def get_date(self, release: Release) -> datetime.date:
        """The day it was published, in Asia/Shanghai."""
        return timezone.localdate(release.published_at)


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        allow_null=True, help_text="The year the figure covers; null for a total as of a date."
    )
    as_of = serializers.DateField(
        allow_null=True, help_text="Without a year: the date of the total (its release's date)."
    )


class FigureSerializer(serializers.ModelSerializer):
    zone = zones_api.ZoneReferenceSerializer()
    park = zones_api.ParkReferenceSerializer(allow_null=True)
    metric = MetricSerializer()
    period = serializers.SerializerMethodField()
    value = serializers.SerializerMethodField()
    note = BilingualField()
    source = ReleaseReferenceSerializer(source="release")
    restated_in = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="The slug of the newest release that states this figure again (the same zone, "
        "park, metric, year and unit), published after `source`: its statement is the current "
        "one. Null while this one is current.",
    )

    class Meta:
        model = Indicator
        fields = (
            "zone",
            "park",
            "metric",
            "period",
            "unit",
            "qualifier",
            "value",
            "note",
            "source",
            "restated_in",
        )
        extra_kwargs = {
            "qualifier": {
                "help_text": "How the release states the value: `exact`, `more_than` (“over "
                "100”: the value is a lower bound) or `about`."
            }
        }

    @extend_schema_field(PeriodSerializer)
    def get_period(self, figure: Indicator) -> dict[str, Any]:
        if figure.year is not None:
            return {"year": figure.year, "as_of": None}
        return {"year": None, "as_of": timezone.localdate(figure.release.published_at)}

    @extend_schema_field(
        serializers.RegexField(
            r"^-?\d+(\.\d+)?$",
            help_text="A decimal as text, as the release states it (5, 12.5): never a float.",
        )
    )
    def get_value(self, figure: Indicator) -> str:
        return figure.value_as_entered


def public_figures() -> QuerySet[Indicator]:
    """Public figures with their zone, park, metric and release, and the newer release that
    restates each (`with_restatements`): one query."""
    return (
        Indicator.objects.published()
        .select_related("zone", "park", "metric", "release")
        .with_restatements()
    )


# A zone's or a release's figures as on the English zone profile: by metric, newest year first.
# The English order whatever the request's Accept-Language: an answer never depends on it (its
# names are in both languages), and `metric__name` would be the name in that language, which a
# database sorts by code point in Chinese.
BY_METRIC = (F("metric__sort_key_en"), *NEWEST_FIRST, "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Figures",
        description="Every public figure, each with its source release, in the order they were "
        "entered. A figure a later release states again names that release in `restated_in`: "
        "its statement is the current one.",
    ),
)
class FigureViewSet(KnownParametersMixin, viewsets.GenericViewSet, mixins.ListModelMixin):
    serializer_class = FigureSerializer
    # Figures have no slug: the cursor, which is opaque, goes by their key.
    pagination_class = type("FigurePagination", (KeysetPagination,), {"ordering": "pk"})
    filter_backends = [DjangoFilterBackend]
    filterset_class = FigureFilter

    def get_queryset(self) -> QuerySet[Indicator]:
        return public_figures()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_validators(request, response)


class ZoneDetailSerializer(zones_api.ZoneSerializer):
    figures = FigureSerializer(many=True, source="public_figures")

    class Meta(zones_api.ZoneSerializer.Meta):
        fields = (*zones_api.ZoneSerializer.Meta.fields, "figures")


@extend_schema_view(
    list=extend_schema(summary="Zones", description="Public zones, by slug."),
    retrieve=extend_schema(summary="A zone, with its figures and their sources"),
)
class ZoneViewSet(zones_api.ZoneViewSet):
    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ZoneDetailSerializer if self.action == "retrieve" else zones_api.ZoneSerializer

    def get_queryset(self) -> QuerySet[Zone]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            figures = public_figures().order_by(*BY_METRIC)
            queryset = queryset.prefetch_related(
                Prefetch("indicators", queryset=figures, to_attr="public_figures")
            )
        return queryset


class SeriesSerializer(serializers.ModelSerializer):
    name = BilingualField()

    class Meta:
        model = Series
        fields = ("slug", "name")


class AttachmentLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Any) -> str:
        return self.context["request"].build_absolute_uri(attachment.get_absolute_url())


class EventReferenceSerializer(serializers.ModelSerializer):
    title = BilingualField()

    class Meta:
        model = Event
        fields = ("slug", "title")


class ReleaseSerializer(serializers.ModelSerializer):
    title = BilingualField()
    summary = BilingualField()
    issuing_body = BilingualField()
    location = BilingualField()
    date = serializers.SerializerMethodField()
    series = SeriesSerializer(allow_null=True)
    zones = zones_api.ZoneReferenceSerializer(many=True, source="public_zones")
    enterprises = zones_api.EnterpriseReferenceSerializer(many=True, source="public_enterprises")
    institutions = zones_api.InstitutionReferenceSerializer(many=True, source="public_institutions")
    platforms = zones_api.PlatformReferenceSerializer(many=True, source="public_platforms")
    events = EventReferenceSerializer(many=True, source="public_events")
    figures = FigureSerializer(many=True, source="public_figures")
    attachments = AttachmentLinkSerializer(many=True)
    page = PageLinksField("news:release_detail")

    class Meta:
        model = Release
        fields = (
            "slug",
            "kind",
            "title",
            "date",
            "published_at",
            "summary",
            "issuing_body",
            "location",
            "series",
            "series_number",
            "zones",
            "enterprises",
            "institutions",
            "platforms",
            "events",
            "figures",
            "attachments",
            "page",
        )

    def get_date(self, release: Release) -> datetime.date:
        """The day it was published, in Asia/Shanghai."""
        return timezone.localdate(release.published_at)


@extend_schema_view(
    list=extend_schema(
        summary="Releases",
        description="Public releases, newest first; the same parameters as /<lang>/news/.",
    ),
    retrieve=extend_schema(summary="A release, with its figures"),
)
class ReleaseViewSet(PublicViewSet):
    serializer_class = ReleaseSerializer
    pagination_class = type(
        "ReleasePagination", (KeysetPagination,), {"ordering": ("-published_at", "slug")}
    )
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReleaseFilter

    def get_queryset(self) -> QuerySet[Release]:
        """Fixed queries for a page: the releases and one for each kind of record they name."""
        return (
            Release.objects.published()
            .select_related("series")
            .prefetch_related(
                Prefetch("zones", queryset=Zone.objects.published(), to_attr="public_zones"),
                Prefetch(
                    "enterprises",
                    queryset=Enterprise.objects.published(),
                    to_attr="public_enterprises",
                ),
                Prefetch(
                    "institutions",
                    queryset=Institution.objects.published(),
                    to_attr="public_institutions",
                ),
                Prefetch(
                    "platforms", queryset=Platform.objects.published(), to_attr="public_platforms"
                ),
                Prefetch("events", queryset=Event.objects.published(), to_attr="public_events"),
                Prefetch(
                    "indicators",
                    queryset=public_figures().order_by("zone__slug", *BY_METRIC),
                    to_attr="public_figures",
                ),
                "attachments",
            )
        )


class EventSerializer(serializers.ModelSerializer):
    title = BilingualField()
    description = BilingualField()
    zone = zones_api.ZoneReferenceSerializer(allow_null=True)
    partner_country = serializers.SerializerMethodField()
    sources = ReleaseReferenceSerializer(many=True, source="public_releases")
    page = PageLinksField("news:event_detail")

    class Meta:
        model = Event
        fields = (
            "slug",
            "title",
            "kind",
            "zone",
            "partner_country",
            "start_date",
            "end_date",
            "recurring",
            "description",
            "sources",
            "page",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_partner_country(self, event: Event) -> str | None:
        return event.partner_country.code or None


@extend_schema_view(
    list=extend_schema(
        summary="Events", description="Public events; the same parameters as /<lang>/events/."
    ),
    retrieve=extend_schema(summary="An event"),
)
class EventViewSet(PublicViewSet):
    serializer_class = EventSerializer
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet[Event]:
        return (
            Event.objects.published()
            .select_related("zone")
            .prefetch_related(
                Prefetch(
                    "releases",
                    queryset=Release.objects.published().order_by("-published_at", "slug"),
                    to_attr="public_releases",
                )
            )
        )
