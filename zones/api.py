"""The read-only API of zones, enterprises, institutions and platforms (routed in portal/api.py).

What it lists is what the pages show: `published()` on every model, and on every relation it
follows. Records are named by slug; translated fields are bilingual objects.
"""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from portal.publishing.api import (
    BilingualField,
    KeysetOrSearchPagination,
    KeysetPagination,
    PageLinksField,
    PublicViewSet,
)
from zones.filters import EnterpriseFilter
from zones.models import (
    Enterprise,
    EnterpriseQualification,
    EnterpriseQuerySet,
    Institution,
    LeadingIndustry,
    Park,
    Platform,
    PlatformMembership,
    Sector,
    Zone,
    ZoneAlias,
)


class SectorSerializer(serializers.ModelSerializer):
    name = BilingualField()

    class Meta:
        model = Sector
        fields = ("slug", "name", "gbt_section")


class ZoneReferenceSerializer(serializers.ModelSerializer):
    """A zone named from another record: its slug and name."""

    name = BilingualField()

    class Meta:
        model = Zone
        fields = ("slug", "name")


class ParkReferenceSerializer(serializers.ModelSerializer):
    name = BilingualField()

    class Meta:
        model = Park
        fields = ("slug", "name")


class ParkSerializer(serializers.ModelSerializer):
    name = BilingualField()
    focus = BilingualField()
    sectors = SectorSerializer(many=True)

    class Meta:
        model = Park
        fields = ("slug", "name", "focus", "sectors")


class ZoneAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ZoneAlias
        fields = ("name", "kind", "used_until")


class LeadingIndustrySerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(source="sector.slug")
    name = BilingualField(source="sector.name")

    class Meta:
        model = LeadingIndustry
        fields = ("slug", "name")


class ZoneSerializer(serializers.ModelSerializer):
    name = BilingualField()
    short_name = BilingualField()
    summary = BilingualField()
    address = BilingualField()
    approving_body = BilingualField()
    investment_office = BilingualField()
    # In the order the zone names them.
    leading_industries = LeadingIndustrySerializer(many=True)
    sectors = SectorSerializer(many=True)
    parks = ParkSerializer(many=True)
    aliases = ZoneAliasSerializer(many=True)
    # Decimals as strings, never floats: 0.1 stays 0.1.
    area_km2 = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=True, allow_null=True
    )
    page = PageLinksField("zones:zone_detail")

    class Meta:
        model = Zone
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "level",
            "city",
            "established_year",
            "approving_body",
            "area_km2",
            "address",
            "latitude",
            "longitude",
            "website",
            "investment_office",
            "investment_email",
            "investment_telephone",
            "summary",
            "leading_industries",
            "sectors",
            "parks",
            "aliases",
            "page",
        )


def public_zones() -> QuerySet[Zone]:
    """Public zones with what the API shows of them: six queries for a whole page."""
    return Zone.objects.published().prefetch_related(
        "sectors",
        "aliases",
        Prefetch("parks", queryset=Park.objects.prefetch_related("sectors")),
        Prefetch(
            "leading_industries",
            queryset=LeadingIndustry.objects.select_related("sector").order_by("position"),
        ),
    )


@extend_schema_view(
    list=extend_schema(summary="Zones", description="Public zones, by slug."),
    retrieve=extend_schema(summary="A zone"),
)
class ZoneViewSet(PublicViewSet):
    serializer_class = ZoneSerializer
    pagination_class = KeysetPagination

    def get_queryset(self) -> QuerySet[Zone]:
        return public_zones()


class EnterpriseReferenceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = BilingualField()


class InstitutionReferenceSerializer(EnterpriseReferenceSerializer):
    pass


class QualificationHeldSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(source="qualification.slug")
    expired = serializers.SerializerMethodField()
    name = BilingualField(source="qualification.name")
    granting_body = BilingualField(source="qualification.granting_body")

    class Meta:
        model = EnterpriseQualification
        fields = ("slug", "name", "granting_body", "year_granted", "valid_until", "expired")

    def get_expired(self, held: EnterpriseQualification) -> bool:
        """Past its last valid day, today in the portal's time zone."""
        return held.is_expired()


class PlatformReferenceSerializer(serializers.ModelSerializer):
    name = BilingualField()

    class Meta:
        model = Platform
        fields = ("slug", "name")


class SourceSerializer(serializers.Serializer):
    """A public release that names the record: where what the portal says about it comes from."""

    slug = serializers.SlugField()
    title = BilingualField()
    date = serializers.SerializerMethodField()
    page = PageLinksField("news:release_detail")

    def get_date(self, release: Any) -> datetime.date:
        """The day it was published, in Asia/Shanghai."""
        return timezone.localdate(release.published_at)


class EnterpriseSerializer(serializers.ModelSerializer):
    name = BilingualField()
    summary = BilingualField()
    zone = ZoneReferenceSerializer()
    park = ParkReferenceSerializer(allow_null=True)
    city = serializers.CharField(source="zone.city")
    country = serializers.SerializerMethodField()
    sectors = SectorSerializer(many=True, source="sector_list")
    qualifications = QualificationHeldSerializer(many=True, source="qualifications_held")
    platforms = PlatformReferenceSerializer(many=True, source="public_platforms")
    sources = SourceSerializer(many=True, source="public_releases")
    page = PageLinksField("zones:enterprise_detail")

    class Meta:
        model = Enterprise
        fields = (
            "slug",
            "name",
            "credit_code",
            "zone",
            "park",
            "city",
            "founded_year",
            "country",
            "website",
            "summary",
            "sectors",
            "qualifications",
            "platforms",
            "sources",
            "page",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_country(self, enterprise: Enterprise) -> str | None:
        """ISO 3166-1 alpha-2, the country an investment comes from."""
        return enterprise.country.code or None


def public_enterprises() -> QuerySet[Enterprise]:
    """Public enterprises with everything the API shows of them, in a fixed number of queries
    (the page, sectors, qualifications, platforms, releases).

    Each relation is prefetched into a list (`to_attr`): into the related manager, prefetching
    makes a queryset per enterprise, which cost a download of them all more than its queries.
    """
    # Here, not at import: news imports zones, and releases are needed only as a relation.
    release_model = Enterprise.releases.field.model
    return (
        Enterprise.objects.published()
        .select_related("zone", "park")
        .prefetch_related(
            Prefetch("sectors", to_attr="sector_list"),
            Prefetch(
                "held_qualifications",
                queryset=EnterpriseQualification.objects.select_related("qualification"),
                to_attr="qualifications_held",
            ),
            Prefetch(
                "platforms", queryset=Platform.objects.published(), to_attr="public_platforms"
            ),
            Prefetch(
                "releases",
                queryset=release_model.objects.published().order_by("-published_at", "slug"),
                to_attr="public_releases",
            ),
        )
    )


class EnterpriseApiFilter(EnterpriseFilter):
    """The directory's filters and `q`, minus its sort: the API lists by slug, so that pages
    can go by keyset, or by relevance with `q`."""

    @classmethod
    def get_filters(cls) -> dict:
        filters = super().get_filters()
        del filters["sort"]
        return filters


@extend_schema_view(
    list=extend_schema(
        summary="Enterprises",
        description=(
            "The enterprise directory: the same parameters mean the same as on "
            "/<lang>/enterprises/ (a repeated parameter keeps records with any of its values). "
            "Without q, by slug, in cursor pages; with q, best match first, in numbered pages."
        ),
    ),
    retrieve=extend_schema(summary="An enterprise"),
)
class EnterpriseViewSet(PublicViewSet):
    serializer_class = EnterpriseSerializer
    pagination_class = KeysetOrSearchPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = EnterpriseApiFilter

    def get_queryset(self) -> QuerySet[Enterprise]:
        # The search keeps this order after its rank: best match first, then by slug.
        return public_enterprises().order_by("slug")

    def paginate_queryset(self, queryset: QuerySet[Enterprise]) -> list[Enterprise] | None:
        """The page's keys first, then its rows with everything they show (one query more).

        A filter on a relation (sector, qualification, platform) makes the list DISTINCT; over
        whole rows, every text column in both languages, PostgreSQL sorts every match to
        remove duplicates (55 ms for 10,000 matches), over (id, slug) next to nothing.
        """
        keys = super().paginate_queryset(
            queryset.only("pk", "slug").select_related(None).prefetch_related(None)
        )
        if keys is None:
            return None
        rows = public_enterprises().in_bulk([key.pk for key in keys])
        return [rows[key.pk] for key in keys]


class InstitutionSerializer(serializers.ModelSerializer):
    name = BilingualField()
    short_name = BilingualField()
    city = BilingualField()
    summary = BilingualField()
    page = PageLinksField("zones:institution_detail")

    class Meta:
        model = Institution
        fields = ("slug", "name", "short_name", "kind", "city", "website", "summary", "page")


@extend_schema_view(
    list=extend_schema(summary="Universities and research institutes"),
    retrieve=extend_schema(summary="An institution"),
)
class InstitutionViewSet(PublicViewSet):
    serializer_class = InstitutionSerializer
    pagination_class = KeysetPagination

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.published()


class MemberSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(source="enterprise.slug")
    name = BilingualField(source="enterprise.name")

    class Meta:
        model = PlatformMembership
        fields = ("slug", "name", "since_year")


class PlatformSerializer(serializers.ModelSerializer):
    name = BilingualField()
    short_name = BilingualField()
    summary = BilingualField()
    partner_country = serializers.SerializerMethodField()
    zones = ZoneReferenceSerializer(many=True, source="public_zones")
    members = MemberSerializer(many=True, source="public_memberships")
    page = PageLinksField("zones:platform_detail")

    class Meta:
        model = Platform
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "level",
            "partner_country",
            "website",
            "summary",
            "zones",
            "members",
            "page",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_partner_country(self, platform: Platform) -> str | None:
        return platform.partner_country.code or None


@extend_schema_view(
    list=extend_schema(summary="Platforms"),
    retrieve=extend_schema(summary="A platform"),
)
class PlatformViewSet(PublicViewSet):
    serializer_class = PlatformSerializer
    pagination_class = KeysetPagination

    def get_queryset(self) -> QuerySet[Platform]:
        return Platform.objects.published().prefetch_related(
            Prefetch("zones", queryset=Zone.objects.published(), to_attr="public_zones"),
            Prefetch(
                "memberships",
                queryset=PlatformMembership.objects.filter(
                    EnterpriseQuerySet.public_q("enterprise__")
                )
                .select_related("enterprise")
                .order_by("enterprise__slug"),
                to_attr="public_memberships",
            ),
        )
