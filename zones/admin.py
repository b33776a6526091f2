import csv
from itertools import groupby
from operator import attrgetter

from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportMixin
from modeltranslation.admin import (
    TranslationStackedInline,
)

from portal.publishing.admin import (
    PUBLISHING_FIELDSET,
    ChosenByIdMixin,
    ContentAdmin,
    PublishableAdmin,
    SameOrderAdminMixin,
    TabularInline,
)
from portal.publishing.admin.filters import linked
from portal.publishing.admin.ids import IdChoiceField
from portal.publishing.admin.slugs import SlugFromNameForm, SlugFromNameMixin
from portal.publishing.imports import ImportAdminMixin
from portal.publishing.spreadsheets import formula_safe
from portal.publishing.translations import by_name
from zones.models import (
    Cooperation,
    Enquiry,
    Enterprise,
    EnterpriseQualification,
    Institution,
    LeadingIndustry,
    Park,
    Platform,
    PlatformMembership,
    Qualification,
    Sector,
    Zone,
    ZoneAlias,
    ZoneStaff,
)
from zones.resources import EnterpriseResource, ZoneResource


@admin.register(Sector)
class SectorAdmin(ContentAdmin):
    list_display = ("name", "gbt_section")
    list_filter = ("gbt_section",)
    search_fields = ("name_en", "name_zh_hans", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class ZoneAliasInline(TabularInline):
    model = ZoneAlias
    extra = 0


class LeadingIndustryInline(ChosenByIdMixin, TabularInline):
    model = LeadingIndustry
    extra = 0
    autocomplete_fields = ("sector",)
    verbose_name_plural = _("leading industries (in order)")


class ParkInline(SlugFromNameMixin, ChosenByIdMixin, TranslationStackedInline):
    model = Park
    form = SlugFromNameForm
    extra = 0
    autocomplete_fields = ("sectors",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Zone)
class ZoneAdmin(ImportAdminMixin, ImportMixin, ExportActionMixin, PublishableAdmin):
    list_display = ("name", "short_name", "kind", "level", "city", "established_year", "status")
    list_filter = ("status", "level", "kind", "city", linked("sectors"))
    search_fields = (
        "name_en",
        "name_zh_hans",
        "short_name_en",
        "short_name_zh_hans",
        "aliases__name",
    )
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("sectors",)
    inlines = (ZoneAliasInline, LeadingIndustryInline, ParkInline)
    resource_classes = (ZoneResource,)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "level", "city")}),
        (
            _("Profile"),
            {
                "fields": (
                    "established_year",
                    "area_km2",
                    "sectors",
                    "summary",
                    "description",
                    "website",
                    "address",
                    ("latitude", "longitude"),
                    "cover_image",
                    "cover_image_alt",
                )
            },
        ),
        (
            _("For investors"),
            {
                "description": _(
                    "Planned and built-up areas are figures of a release in km², of metrics "
                    "marked as an area of the zone, entered with the release that states them."
                ),
                "fields": (
                    "approving_body",
                    "investment_office",
                    ("investment_email", "investment_telephone"),
                    "preferential_policies",
                ),
            },
        ),
        PUBLISHING_FIELDSET,
    )


@admin.register(Park)
class ParkAdmin(ContentAdmin):
    list_display = ("name", "zone", "position")
    list_filter = ("zone",)
    list_select_related = ("zone",)
    search_fields = ("name_en", "name_zh_hans", "slug", "zone__name_en", "zone__name_zh_hans")
    autocomplete_fields = ("zone", "sectors")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Qualification)
class QualificationAdmin(ContentAdmin):
    list_display = ("name", "granting_body", "validity_years")
    search_fields = ("name_en", "name_zh_hans", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class EnterpriseQualificationInline(ChosenByIdMixin, TabularInline):
    model = EnterpriseQualification
    extra = 0
    autocomplete_fields = ("qualification",)


class ParkChoices(ModelChoiceIterator):
    """The parks as groups under their zone's name, the zones in the page's language's order:
    park names repeat from zone to zone ("Equipment manufacturing zone"), and a park of another
    zone is refused on saving. For one select on a page: each select reads all parks."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        parks = self.queryset.select_related("zone").order_by(
            by_name("zone__"), "zone_id", "position", "pk"
        )
        for _zone, in_zone in groupby(parks, key=attrgetter("zone_id")):
            in_zone = list(in_zone)
            yield (str(in_zone[0].zone), [self.choice(park) for park in in_zone])


class ParkField(IdChoiceField):
    iterator = ParkChoices


class ParksByZoneMixin:
    """A form's park is chosen from the parks grouped by zone (`ParkChoices`)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "park":
            kwargs.setdefault("form_class", ParkField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(ChosenByIdMixin, TabularInline):
    model = PlatformMembership
    extra = 0
    autocomplete_fields = ("platform",)


@admin.register(Enterprise)
class EnterpriseAdmin(
    ParksByZoneMixin, ImportAdminMixin, ImportMixin, ExportActionMixin, PublishableAdmin
):
    list_display = ("name", "zone", "park", "founded_year", "country", "status")
    list_filter = ("status", "zone", linked("sectors"), linked("qualifications"), "is_synthetic")
    list_select_related = ("zone", "park")
    search_fields = ("name_en", "name_zh_hans", "credit_code", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("zone", "sectors")
    inlines = (EnterpriseQualificationInline, MembershipInline)
    resource_classes = (EnterpriseResource,)
    import_command = "import_enterprises"
    fieldsets = (
        (None, {"fields": ("name", "slug", "credit_code", "zone", "park")}),
        (
            _("Profile"),
            {
                "fields": (
                    "sectors",
                    "founded_year",
                    "country",
                    "website",
                    "summary",
                    "description",
                    "logo",
                )
            },
        ),
        PUBLISHING_FIELDSET,
    )


@admin.register(Institution)
class InstitutionAdmin(PublishableAdmin):
    list_display = ("name", "short_name", "kind", "city", "status")
    list_filter = ("status", "kind")
    search_fields = ("name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans")
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "city", "website", "summary")}),
        PUBLISHING_FIELDSET,
    )


@admin.register(Cooperation)
class CooperationAdmin(ContentAdmin):
    list_display = ("title", "kind", "zone", "signed_on", "value_cny")
    list_filter = ("kind", "zone")
    list_select_related = ("zone",)
    search_fields = (
        "title_en",
        "title_zh_hans",
        "institutions__name_en",
        "institutions__name_zh_hans",
        "zone__name_en",
        "zone__name_zh_hans",
    )
    autocomplete_fields = ("zone", "institutions", "enterprises")
    date_hierarchy = "signed_on"


class PlatformMemberInline(ChosenByIdMixin, TabularInline):
    model = PlatformMembership
    extra = 0
    autocomplete_fields = ("enterprise",)


@admin.register(Platform)
class PlatformAdmin(PublishableAdmin):
    list_display = ("name", "kind", "level", "partner_country", "status")
    list_filter = ("status", "kind", "level", linked("zones"))
    search_fields = ("name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("zones",)
    inlines = (PlatformMemberInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "slug",
                    "kind",
                    "level",
                    "zones",
                    "partner_country",
                    "website",
                    "summary",
                )
            },
        ),
        PUBLISHING_FIELDSET,
    )


@admin.register(ZoneStaff)
class ZoneStaffAdmin(ChosenByIdMixin, SameOrderAdminMixin, admin.ModelAdmin):
    list_display = ("user", "zone")
    list_filter = ("zone",)
    list_select_related = ("user", "zone")
    search_fields = ("user__username", "user__email", "zone__name_en", "zone__name_zh_hans")
    # Users are picked from a plain list of staff: Publishers may not browse the user admin,
    # which an autocomplete would need.
    autocomplete_fields = ("zone",)


@admin.display(description=_("waiting"))
def waiting(enquiry: Enquiry) -> str:
    days = enquiry.waiting.days
    hours = enquiry.waiting.seconds // 3600
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


@admin.register(Enquiry)
class EnquiryAdmin(ChosenByIdMixin, SameOrderAdminMixin, admin.ModelAdmin):
    """Enquiries from the public site: Publishers see all, zone staff those about their zones
    (`Enquiry.objects.visible_to`)."""

    list_display = (
        "reference",
        "created_at",
        "status",
        "name",
        "organisation",
        "country",
        "assignee",
        "handled_by",
        waiting,
    )
    list_filter = ("status", linked("zones"), linked("sectors"), "assignee", "created_at")
    list_select_related = ("assignee", "handled_by")
    search_fields = ("reference", "name", "organisation", "email")
    date_hierarchy = "created_at"
    actions = ("export_csv",)
    readonly_fields = (
        "reference",
        "created_at",
        "name",
        "organisation",
        "email",
        "country",
        "sectors",
        "zones",
        "message",
        "consent",
        "language",
        "handled_by",
        "answered_at",
        "closed_at",
        "anonymised_at",
        waiting,
    )
    fieldsets = (
        (
            _("Enquiry"),
            {
                "fields": (
                    ("reference", "created_at"),
                    ("name", "organisation"),
                    ("email", "country"),
                    "zones",
                    "sectors",
                    "message",
                    ("consent", "language"),
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "status",
                    "assignee",
                    "notes",
                    ("handled_by", waiting),
                    ("answered_at", "closed_at", "anonymised_at"),
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enquiry]:
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Enquiry, form, change: bool) -> None:
        if change and form.changed_data:
            obj.handled_by = request.user
        if obj.assignee_id and obj.status == Enquiry.Status.NEW:
            obj.status = Enquiry.Status.ASSIGNED
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Export the selected enquiries as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Enquiry]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="enquiries.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Reference"),
                _("Received"),
                _("Status"),
                _("Name"),
                _("Organisation"),
                _("E-mail"),
                _("Country"),
                _("Zones"),
                _("Sectors of interest"),
                _("Message"),
                _("Assigned to"),
                _("Internal notes"),
            ]
        )
        for enquiry in queryset.select_related("assignee").prefetch_related("zones", "sectors"):
            writer.writerow(
                formula_safe(str(value))
                for value in (
                    enquiry.reference,
                    enquiry.created_at.isoformat(timespec="minutes"),
                    enquiry.get_status_display(),
                    enquiry.name,
                    enquiry.organisation,
                    enquiry.email,
                    enquiry.country.name if enquiry.country else "",
                    "; ".join(zone.name for zone in enquiry.zones.all()),
                    "; ".join(sector.name for sector in enquiry.sectors.all()),
                    enquiry.message,
                    enquiry.assignee or "",
                    enquiry.notes,
                )
            )
        return response
