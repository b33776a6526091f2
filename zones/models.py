"""Development zones, the parks inside them, the enterprises in them and who they cooperate with."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.publishing.editorial import CORRESPONDENCE, REFERENCE
from portal.publishing.images import require_text_alternative
from portal.publishing.models import Publishable, PublishableQuerySet, published_q
from portal.publishing.numbers import storable_number
from portal.publishing.richtext import RichTextField
from portal.publishing.translations import (
    NAME_MISSING,
    given_in_either_language,
    require_either_language,
)
from portal.publishing.uploads import UploadPath
from portal.publishing.urls import page_url
from zones.collation import PinyinSorted
from zones.validators import validate_credit_code

# Years a zone, an enterprise or a qualification can plausibly carry.
YEAR_MIN = 1800
YEAR_MAX = 2100
year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


def year_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX}
    )


def latitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("In degrees north (WGS 84), e.g. 41.805699; with the longitude, or empty."),
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("In degrees east (WGS 84), e.g. 123.431472; with the latitude, or empty."),
    )


def position_constraints(table: str) -> list[models.CheckConstraint]:
    """A position is both coordinates or neither, each within its range."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True, longitude__isnull=True)
            | Q(latitude__isnull=False, longitude__isnull=False),
            name=f"{table}_position_complete",
            violation_error_message=_("Give both the latitude and the longitude, or neither."),
        ),
        models.CheckConstraint(
            condition=Q(latitude__isnull=True)
            | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
            name=f"{table}_position_range",
        ),
    ]


def require_park_in_zone(record: models.Model) -> None:
    """Raise ValidationError when a record's park lies outside its zone (for the records that
    name both, an enterprise and a figure). One query unless the park is loaded."""
    if record.park_id and record.zone_id and record.park.zone_id != record.zone_id:
        raise ValidationError({"park": _("This park belongs to another zone.")})


class City(models.TextChoices):
    """Liaoning's fourteen prefecture-level cities."""

    SHENYANG = "shenyang", _("Shenyang")
    DALIAN = "dalian", _("Dalian")
    ANSHAN = "anshan", _("Anshan")
    FUSHUN = "fushun", _("Fushun")
    BENXI = "benxi", _("Benxi")
    DANDONG = "dandong", _("Dandong")
    JINZHOU = "jinzhou", _("Jinzhou")
    YINGKOU = "yingkou", _("Yingkou")
    FUXIN = "fuxin", _("Fuxin")
    LIAOYANG = "liaoyang", _("Liaoyang")
    PANJIN = "panjin", _("Panjin")
    TIELING = "tieling", _("Tieling")
    CHAOYANG = "chaoyang", _("Chaoyang")
    HULUDAO = "huludao", _("Huludao")


class ParkQuerySet(models.QuerySet):
    def published(self):
        """Parks of public zones: a park is part of its zone and reviewed with it."""
        return self.filter(published_q("zone__"))


class EnterpriseQuerySet(PublishableQuerySet):
    @classmethod
    def surroundings_q(cls, prefix: str = "") -> Q:
        """In a public zone: an enterprise in a draft or archived zone is not listed anywhere,
        since its page would name and link the zone."""
        return published_q(f"{prefix}zone__")


class CooperationQuerySet(models.QuerySet):
    def published(self):
        """Cooperation without a zone, or with a public one (it is part of that zone).

        Its institutions and enterprises are listed with their own `published()`.
        """
        return self.filter(Q(zone__isnull=True) | published_q("zone__"))


class Sector(PinyinSorted):
    """An industry the portal classifies zones, parks and enterprises by."""

    class GBTSection(models.TextChoices):
        """Sections of GB/T 4754-2017, the national classification of economic activities."""

        A = "A", _("A · Agriculture, forestry, animal husbandry and fishery")
        B = "B", _("B · Mining")
        C = "C", _("C · Manufacturing")
        D = "D", _("D · Production and supply of electricity, heat, gas and water")
        E = "E", _("E · Construction")
        F = "F", _("F · Wholesale and retail")
        G = "G", _("G · Transport, storage and postal services")
        H = "H", _("H · Accommodation and catering")
        I = "I", _("I · Information transmission, software and IT services")  # noqa: E741
        J = "J", _("J · Finance")
        K = "K", _("K · Real estate")
        L = "L", _("L · Leasing and business services")
        M = "M", _("M · Scientific research and technical services")
        N = "N", _("N · Water conservancy, environment and public facilities management")
        O = "O", _("O · Resident services, repairs and other services")  # noqa: E741
        P = "P", _("P · Education")
        Q = "Q", _("Q · Health and social work")
        R = "R", _("R · Culture, sports and entertainment")
        S = "S", _("S · Public administration, social security and social organisations")
        T = "T", _("T · International organisations")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    gbt_section = models.CharField(
        _("GB/T 4754-2017 section"), max_length=1, choices=GBTSection, blank=True
    )

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="zones_sector_slug_unique")]

    def __str__(self) -> str:
        return self.name


class Zone(Publishable, PinyinSorted):
    class Kind(models.TextChoices):
        ETDZ = "etdz", _("economic and technological development zone")
        HIGH_TECH = "high_tech", _("high-tech industrial development zone")
        BONDED = "bonded", _("comprehensive bonded zone")
        BORDER = "border", _("border economic cooperation zone")
        PROVINCIAL = "provincial", _("provincial economic development zone")
        ECONOMIC_ZONE = "economic_zone", _("economic zone / new area")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, blank=True, db_index=True)
    level = models.CharField(_("level"), max_length=20, choices=Level, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=20, choices=City, db_index=True)
    established_year = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True, validators=year_validators, db_index=True
    )
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    summary = models.TextField(_("summary"), blank=True)
    description = RichTextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    cover_image = models.ImageField(
        _("cover image"), upload_to=UploadPath("zones/covers"), blank=True
    )
    cover_image_alt = models.CharField(
        _("cover image text alternative"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="zones", blank=True
    )
    approving_body = models.CharField(
        _("approved by"),
        max_length=300,
        blank=True,
        help_text=_("The authority that approved the zone, e.g. the State Council."),
    )
    investment_office = models.CharField(
        _("investment office"),
        max_length=300,
        blank=True,
        help_text=_("The office investors contact, e.g. the investment promotion bureau."),
    )
    investment_email = models.EmailField(
        _("investment office e-mail"),
        blank=True,
        help_text=_("Shown on the profile; enquiries about the zone are sent here."),
    )
    investment_telephone = models.CharField(
        _("investment office telephone"), max_length=40, blank=True
    )
    preferential_policies = RichTextField(_("preferential policies"), blank=True)
    leading_sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("leading industries"),
        through="LeadingIndustry",
        related_name="leading_in_zones",
        blank=True,
    )

    parts = ("aliases", "parks", "leading_industries")
    # Fixed addresses under zones/ that zones/urls.py matches before zones/<slug>/.
    reserved_slugs = frozenset({"compare", "enquiry-sent"})

    class Meta(Publishable.Meta):
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="zones_zone_public_idx"),
            models.Index(fields=["name"], name="zones_zone_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="zones_zone_slug_unique"),
            models.CheckConstraint(
                condition=year_in_range("established_year"),
                name="zones_zone_established_year_range",
            ),
            models.CheckConstraint(
                condition=Q(area_km2__isnull=True) | Q(area_km2__gte=0),
                name="zones_zone_area_not_negative",
            ),
            *position_constraints("zones_zone"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("zones:zone_detail", self.slug)

    def clean(self):
        if self.slug in self.reserved_slugs:
            message = _("“%(slug)s” is the address of another page; choose another slug.")
            raise ValidationError(
                {"slug": ValidationError(message, params={"slug": self.slug}, code="reserved")}
            )
        require_text_alternative(self, "name", "cover_image", "cover_image_alt")

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ZoneAlias(models.Model):
    """Another name a zone is or was known by: zones get renamed, merged and abbreviated."""

    class Kind(models.TextChoices):
        FORMER = "former", _("former name")
        ALIAS = "alias", _("other name")
        SHORT = "short", _("short form")

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="aliases", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.FORMER)
    used_until = models.PositiveSmallIntegerField(
        _("used until (year)"), null=True, blank=True, validators=year_validators
    )

    part_of = ("zone",)

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("former and other names")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="zones_zonealias_unique"),
            models.CheckConstraint(
                condition=year_in_range("used_until"), name="zones_zonealias_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LeadingIndustry(models.Model):
    """One of a zone's leading industries, in the order the zone names them."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="leading_industries", on_delete=models.CASCADE
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        related_name="leading_industries",
        on_delete=models.PROTECT,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    part_of = ("zone",)

    class Meta:
        verbose_name = _("leading industry")
        verbose_name_plural = _("leading industries")
        ordering = ["zone", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "sector"],
                name="zones_leadingindustry_unique",
                violation_error_message=_("This industry is already listed for the zone."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.sector)


class Park(PinyinSorted):
    """An area inside a zone with its own focus, as in "one zone, three parks"."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="parks", on_delete=models.CASCADE
    )
    # Required in one language at least (given_in_either_language), not in English.
    name = models.CharField(_("name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100)
    focus = models.TextField(_("focus"), blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="parks", blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()

    objects = ParkQuerySet.as_manager()

    part_of = ("zone",)

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["zone", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "slug"], name="zones_park_slug_unique"),
            given_in_either_language("name", "zones_park_named", NAME_MISSING),
            *position_constraints("zones_park"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        require_either_language(self, "name", NAME_MISSING)

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Qualification(PinyinSorted):
    """A recognition an enterprise can hold, e.g. high-tech enterprise or gazelle enterprise."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    granting_body = models.CharField(_("granting body"), max_length=200, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Empty when the recognition has no fixed term."),
    )

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="zones_qualification_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Enterprise(Publishable, PinyinSorted):
    # Required in one language at least (given_in_either_language), not in English.
    name = models.CharField(_("name"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (统一社会信用代码); optional."),
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="enterprises", on_delete=models.PROTECT
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        related_name="enterprises",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="enterprises", blank=True
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=year_validators, db_index=True
    )
    website = models.URLField(_("website"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    description = RichTextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=UploadPath("enterprises/logos"), blank=True)
    country = CountryField(
        _("country of origin"),
        blank=True,
        db_index=True,
        help_text=_("For foreign-invested enterprises: where the investment comes from."),
    )
    qualifications = models.ManyToManyField(
        Qualification,
        verbose_name=_("qualifications"),
        through="EnterpriseQualification",
        related_name="enterprises",
        blank=True,
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        db_index=True,
        help_text=_("Generated for load testing; never part of the real content."),
    )

    objects = EnterpriseQuerySet.as_manager()

    parts = ("held_qualifications", "memberships")

    class Meta(Publishable.Meta):
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="zones_enterprise_public_idx"),
            models.Index(fields=["name"], name="zones_ent_name_idx"),
            models.Index(fields=["-published_at"], name="zones_enterprise_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="zones_enterprise_slug_unique"),
            given_in_either_language("name", "zones_enterprise_named", NAME_MISSING),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="zones_enterprise_credit_code_unique",
                violation_error_message=_(
                    "Another enterprise already has this unified social credit code."
                ),
            ),
            models.CheckConstraint(
                condition=year_in_range("founded_year"),
                name="zones_enterprise_founded_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = self.credit_code.strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return page_url("zones:enterprise_detail", self.slug)

    def is_published(self) -> bool:
        """As `published()`: its zone is public too (one query unless the zone is loaded)."""
        return super().is_published() and self.zone.is_published()

    def clean(self) -> None:
        self.credit_code = (self.credit_code or "").strip().upper()
        require_either_language(self, "name", NAME_MISSING)
        require_park_in_zone(self)


class EnterpriseQualificationQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None):
        """Holdings valid on the day (today in the site's time zone): without an end, or
        ending that day or later."""
        return self.filter(valid_q(on=on))


def valid_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """The rule of `EnterpriseQualificationQuerySet.valid()`, across a relation (`prefix`)."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})


class EnterpriseQualification(models.Model):
    """An enterprise holding a qualification, granted in a given year, valid until a day."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        related_name="held_qualifications",
        on_delete=models.CASCADE,
    )
    qualification = models.ForeignKey(
        Qualification,
        verbose_name=_("qualification"),
        related_name="holdings",
        on_delete=models.PROTECT,
    )
    year_granted = models.PositiveSmallIntegerField(
        _("year granted"), null=True, blank=True, validators=year_validators
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "The last day it is valid, as the certificate says. Left empty, it is the end of "
            "the last year of the qualification's term from the year granted; empty for a "
            "qualification without a fixed term."
        ),
    )

    objects = EnterpriseQualificationQuerySet.as_manager()

    part_of = ("enterprise",)

    class Meta:
        verbose_name = _("qualification held")
        verbose_name_plural = _("qualifications held")
        ordering = ["qualification__name", "-year_granted"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "qualification", "year_granted"],
                name="zones_enterprisequalification_unique",
            ),
            models.CheckConstraint(
                condition=year_in_range("year_granted"),
                name="zones_enterprisequalification_year_range",
            ),
        ]

    def __str__(self) -> str:
        if self.year_granted:
            return f"{self.qualification} ({self.year_granted})"
        return str(self.qualification)

    def save(self, *args, **kwargs):
        if self.valid_until is None:
            self.valid_until = self.end_of_term()
        super().save(*args, **kwargs)

    def end_of_term(self) -> datetime.date | None:
        """31 December of the term's last year, counted from the year granted; None without a
        fixed term or a year granted. One query unless the qualification is loaded."""
        validity = self.qualification.validity_years
        if validity is None or self.year_granted is None:
            return None
        return datetime.date(self.year_granted + validity - 1, 12, 31)

    def is_expired(self, on: datetime.date | None = None) -> bool:
        """Past its last valid day (today in the site's time zone, unless given)."""
        return self.valid_until is not None and self.valid_until < (on or timezone.localdate())

    def expired_label(self) -> str:
        """The words "expired 2023" when it has expired, else empty: shown wherever it is."""
        if not self.is_expired():
            return ""
        return gettext("expired %(year)s") % {"year": self.valid_until.year}


class Institution(Publishable, PinyinSorted):
    """A university or research institute that zones and enterprises cooperate with."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university")
        RESEARCH_INSTITUTE = "research_institute", _("research institute")
        OTHER = "other", _("other")

    # Required in one language at least (given_in_either_language), not in English.
    name = models.CharField(_("name"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta(Publishable.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="zones_institution_public_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="zones_institution_slug_unique"),
            given_in_either_language("name", "zones_institution_named", NAME_MISSING),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("zones:institution_detail", self.slug)

    def clean(self) -> None:
        require_either_language(self, "name", NAME_MISSING)


class Cooperation(PinyinSorted):
    """Work between institutions and a zone or enterprises, e.g. a technology contract."""

    sorted_by = "title"

    class Kind(models.TextChoices):
        TECHNOLOGY_CONTRACT = "technology_contract", _("technology contract")
        JOINT_RESEARCH = "joint_research", _("joint research")
        INDUSTRY_UNIVERSITY_RESEARCH = (
            "industry_university_research",
            _("industry-university-research cooperation"),
        )
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        related_name="cooperations",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("institutions"), related_name="cooperations"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), related_name="cooperations", blank=True
    )
    signed_on = models.DateField(_("date"), null=True, blank=True)
    value_cny = models.DecimalField(
        _("value (CNY)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), storable_number],
    )
    description = models.TextField(_("description"), blank=True)

    objects = CooperationQuerySet.as_manager()

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperation")
        # Dated agreements newest first, then undated ones, on every database (SQLite and
        # PostgreSQL put NULL at opposite ends).
        ordering = [F("signed_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_cny__isnull=True) | Q(value_cny__gte=0),
                name="zones_cooperation_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Platform(Publishable, PinyinSorted):
    """A cooperation body: an innovation committee, an industry-university-research alliance."""

    class Kind(models.TextChoices):
        INNOVATION_COMMITTEE = "innovation_committee", _("innovation committee")
        ALLIANCE = "alliance", _("industry-university-research alliance")
        EXCHANGE = "exchange", _("exchange platform")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")

    # Required in one language at least (given_in_either_language), not in English.
    name = models.CharField(_("name"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, db_index=True)
    level = models.CharField(_("level"), max_length=20, choices=Level, blank=True)
    zones = models.ManyToManyField(
        Zone, verbose_name=_("zones"), related_name="platforms", blank=True
    )
    partner_country = CountryField(_("partner country"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        Enterprise,
        verbose_name=_("members"),
        through="PlatformMembership",
        related_name="platforms",
        blank=True,
    )

    parts = ("memberships",)

    class Meta(Publishable.Meta):
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="zones_platform_public_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="zones_platform_slug_unique"),
            given_in_either_language("name", "zones_platform_named", NAME_MISSING),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("zones:platform_detail", self.slug)

    def clean(self) -> None:
        require_either_language(self, "name", NAME_MISSING)


class PlatformMembership(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), related_name="memberships", on_delete=models.CASCADE
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        related_name="memberships",
        on_delete=models.CASCADE,
    )
    since_year = models.PositiveSmallIntegerField(
        _("member since (year)"), null=True, blank=True, validators=year_validators
    )

    part_of = ("platform", "enterprise")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "enterprise"], name="zones_platformmembership_unique"
            ),
            models.CheckConstraint(
                condition=year_in_range("since_year"),
                name="zones_platformmembership_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.platform}"


class ZoneStaff(models.Model):
    """A staff user who works for a zone: they see and answer the enquiries about it.

    Reference data: only Publishers say who works for which zone, since it opens the enquirers'
    personal data to the user.
    """

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="staff", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="zone_staff",
        on_delete=models.CASCADE,
        limit_choices_to={"is_staff": True},
    )

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("zone staff member")
        verbose_name_plural = _("zone staff")
        ordering = ["zone", "user"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "user"], name="zones_zonestaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.zone}"


class EnquiryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The enquiries `user` may read in the admin: all for Publishers and superusers, those
        about their zones for zone staff, none for anyone else."""
        if user.is_superuser or user.groups.filter(name="Publishers").exists():
            return self
        return self.filter(zones__staff__user=user).distinct()

    def due_for_purge(self, days: int):
        """Closed enquiries still holding personal data, closed more than `days` days ago."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(status=Enquiry.Status.CLOSED, closed_at__lt=cutoff, anonymised_at=None)


class Enquiry(models.Model):
    """A prospective investor's question about one or more zones, sent from the public site.

    Holds personal data: never shown publicly, read in the admin by Publishers and the staff of
    the zones it concerns, and anonymised after the retention period (`purge_enquiries`).
    """

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ASSIGNED = "assigned", _("assigned")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    reference = models.CharField(_("reference"), max_length=20, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    country = CountryField(_("country"), blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors of interest"), related_name="enquiries", blank=True
    )
    zones = models.ManyToManyField(Zone, verbose_name=_("zones"), related_name="enquiries")
    message = models.TextField(_("message"), max_length=5000, blank=True)
    consent = models.BooleanField(_("consents to be contacted"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        related_name="assigned_enquiries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True},
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        related_name="handled_enquiries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = EnquiryQuerySet.as_manager()

    editorial_role = CORRESPONDENCE

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="zones_enquiry_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("new enquiry"))

    def save(self, *args, **kwargs):
        self.stamp_status()
        super().save(*args, **kwargs)
        if not self.reference:
            # Numbered from the row's id, so two enquiries sent at once never share a number.
            self.reference = f"ENQ-{self.created_at.year}-{self.pk:06d}"
            type(self).objects.filter(pk=self.pk).update(reference=self.reference)

    def stamp_status(self) -> None:
        """Record when the enquiry was first answered and when it was closed."""
        now = timezone.now()
        if self.status in (self.Status.ANSWERED, self.Status.CLOSED) and not self.answered_at:
            self.answered_at = now
        if self.status == self.Status.CLOSED and not self.closed_at:
            self.closed_at = now
        elif self.status != self.Status.CLOSED:
            self.closed_at = None

    @property
    def waiting(self) -> datetime.timedelta:
        """How long the enquirer has waited for an answer (so far, when none was given)."""
        return (self.answered_at or timezone.now()) - self.created_at

    def anonymise(self) -> None:
        """Remove the enquirer's personal data; the reference, zones, sectors and dates stay
        for the zone team's statistics."""
        self.name = self.organisation = self.email = self.message = self.notes = ""
        self.country = ""
        self.anonymised_at = timezone.now()
        self.save()


class IndexStamp(models.Model):
    """A token that changes with every change to the records an index in memory is built from
    (zones/directory.py), so that each process knows when to rebuild its copy.

    Random rather than counted: a change that is rolled back takes its token with it, and no
    later change can bring back a token that stood for other content.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("index stamp")
        verbose_name_plural = _("index stamps")

    def __str__(self) -> str:
        return self.name
