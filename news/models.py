"""Releases, the press-conference series they belong to, events, and the figures releases report."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_countries.fields import CountryField

from portal.publishing.editorial import MEDIA, REFERENCE
from portal.publishing.images import require_text_alternative
from portal.publishing.models import Publishable, PublishableQuerySet, Status, published_q
from portal.publishing.numbers import as_entered, storable_number
from portal.publishing.richtext import RichTextField
from portal.publishing.translations import (
    TITLE_MISSING,
    given_in_either_language,
    require_either_language,
)
from portal.publishing.uploads import UploadPath
from portal.publishing.urls import page_url
from zones.collation import PinyinSorted
from zones.models import (
    Enterprise,
    Institution,
    Park,
    Platform,
    Zone,
    require_park_in_zone,
    year_in_range,
    year_validators,
)


class Series(models.Model):
    """A run of press conferences under one title, numbered in order."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120)
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("press-conference series")
        verbose_name_plural = _("press-conference series")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="news_series_slug_unique")]

    def __str__(self) -> str:
        return self.name


class Release(Publishable, PinyinSorted):
    sorted_by = "title"

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("press release")
        NEWS = "news", _("news")
        POLICY = "policy", _("policy")
        EVENT_REPORT = "event_report", _("event report")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.PRESS_RELEASE, db_index=True
    )
    # Required in one language at least (given_in_either_language), not in English.
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=150)
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=300, blank=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        related_name="releases",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    series_number = models.PositiveSmallIntegerField(
        _("number in the series"),
        null=True,
        blank=True,
        # PostgreSQL's smallint; SQLite would take any number.
        validators=[MinValueValidator(1), MaxValueValidator(32767)],
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    cover_image = models.ImageField(
        _("cover image"), upload_to=UploadPath("releases/covers"), blank=True
    )
    cover_image_alt = models.CharField(
        _("cover image text alternative"), max_length=300, blank=True
    )
    zones = models.ManyToManyField(
        Zone, verbose_name=_("zones"), related_name="releases", blank=True
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), related_name="releases", blank=True
    )
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("institutions"), related_name="releases", blank=True
    )
    platforms = models.ManyToManyField(
        Platform, verbose_name=_("platforms"), related_name="releases", blank=True
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        db_index=True,
        help_text=_("Generated for load testing; never part of the real content."),
    )

    parts = ("indicators", "attachments", "events")
    # Fixed addresses under news/ that news/urls.py matches before news/<slug>/: a release with
    # one of these slugs could never be reached.
    reserved_slugs = frozenset({"feed"})

    class Meta(Publishable.Meta):
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "published_at"], name="news_release_public_idx"),
            models.Index(fields=["-published_at"], name="news_release_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="news_release_slug_unique"),
            given_in_either_language("title", "news_release_titled", TITLE_MISSING),
            models.CheckConstraint(
                condition=Q(series_number__isnull=True) | Q(series__isnull=False),
                name="news_release_number_needs_series",
                violation_error_message=_("A number in the series needs a series."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return page_url("news:release_detail", self.slug)

    @property
    def event_links(self) -> models.QuerySet:
        """The rows of Django's link table that join the release to its events: its history
        keeps them with it, as it keeps its figures (news/admin.py, ReleaseAdmin)."""
        return Event.releases.through.objects.filter(release=self)

    def clean(self) -> None:
        if self.slug in self.reserved_slugs:
            message = _("“%(slug)s” is the address of another page; choose another slug.")
            raise ValidationError(
                {"slug": ValidationError(message, params={"slug": self.slug}, code="reserved")}
            )
        require_either_language(self, "title", TITLE_MISSING)
        require_text_alternative(self, "title", "cover_image", "cover_image_alt")


class Attachment(models.Model):
    """A PDF that comes with a release (the full text, a table of figures), served as a download."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), related_name="attachments", on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("PDF file"), upload_to=UploadPath("releases/attachments", extensions=(".pdf",))
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    part_of = ("release",)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["release", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("attachment_download", kwargs={"pk": self.pk})


class Image(models.Model):
    """A picture for release bodies and descriptions, uploaded once and placed by its address."""

    title = models.CharField(_("title"), max_length=300)
    file = models.ImageField(_("image"), upload_to=UploadPath("images"))
    alt_text = models.CharField(
        _("text alternative"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    editorial_role = MEDIA

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Metric(PinyinSorted):
    """What a figure measures, from a managed list, e.g. "growth in gazelle enterprises"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_zone_area = models.BooleanField(
        _("area of the zone"),
        default=False,
        help_text=_(
            "The zone's own area, such as its planned or built-up area: its newest figure in "
            "km² is shown at a glance on the zone's profile. Not an area built or used in the "
            "zone, such as factory floor space."
        ),
    )

    editorial_role = REFERENCE

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="news_metric_slug_unique")]

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        """Figures whose source release and zone are public (a figure's park is part of its
        zone): a figure is part of its release, and names and links its zone."""
        return self.filter(published_q("release__"), published_q("zone__"))

    def for_tables(self):
        """With what a table of figures shows of each one's zone, park, metric and source
        release (includes/figures_table.html), and no more: a release's body, in every
        language, would otherwise be read again for each figure it reports."""
        return self.select_related("zone", "park", "metric", "release").only(
            "year",
            "qualifier",
            "value",
            "unit",
            "note",
            "zone__slug",
            "zone__name",
            "park__name",
            "metric__name",
            "metric__is_zone_area",
            "release__slug",
            "release__title",
            "release__published_at",
        )

    def with_restatements(self):
        """Each figure with `restated_in`: the slug of the newest public release that states it
        again after its own (the same zone, park, metric, year and unit), None while it is
        the current statement. The newer release goes by its publication time, and only a public
        one counts: a draft or scheduled one marks nothing.

        Only a figure of a year is restated (`year = NULL` is never true): a total is as of its
        release's day, so a newer total is another figure. One subquery per row, on the
        figures of its zone (indexed), which the database runs as it reads the row.
        """
        no_park = Value(0)
        later = (
            Indicator.objects.filter(
                published_q("release__"),
                # Two figures of the zone, not of a park, have the same park: none.
                Exact(
                    Coalesce("park", no_park, output_field=models.IntegerField()),
                    Coalesce(OuterRef("park"), no_park, output_field=models.IntegerField()),
                ),
                zone=OuterRef("zone"),
                metric=OuterRef("metric"),
                year=OuterRef("year"),
                unit=OuterRef("unit"),
                release__published_at__gt=OuterRef("release__published_at"),
            )
            .order_by("-release__published_at", "-release")
            .values("release__slug")[:1]
        )
        return self.annotate(restated_in=Subquery(later))


# A figure's year, newest first, and the figures without one (a total as of the release's day)
# after them: PostgreSQL puts NULL first in a descending order where SQLite puts it last. Of
# the figures of one year (or totals), the newest release's first: it is the newest statement.
NEWEST_FIRST = (F("year").desc(nulls_last=True), F("release__published_at").desc())


class Indicator(models.Model):
    """A figure about a zone (or one of its parks) for a period, as a release reported it."""

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERCENT = "percent", _("percent")
        PERCENT_CHANGE = "percent_change", _("percent change")
        CNY = "cny", _("yuan (CNY)")
        # A zone's planned or built-up area is a figure like any other: a metric ("Planned
        # area", marked as an area of the zone), a period and the release that states it.
        KM2 = "km2", _("km²")

    class Qualifier(models.TextChoices):
        """How a release states a value: "over 100 activities" is more than 100, not 100."""

        EXACT = "exact", _("exactly")
        MORE_THAN = "more_than", _("more than")
        ABOUT = "about", _("about")

    # A release's figures are what it published: the zone or park they are of cannot be
    # deleted from under them (a park's figure would become the zone's), as the metric cannot.
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="indicators", on_delete=models.PROTECT
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        related_name="indicators",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), related_name="indicators", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("The year the figure covers. Empty: the total as of the release."),
    )
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=4, validators=[storable_number]
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit)
    qualifier = models.CharField(
        _("stated as"),
        max_length=20,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text=_("How the release states the value: “over 100” is more than 100."),
    )
    release = models.ForeignKey(
        Release,
        verbose_name=_("source release"),
        related_name="indicators",
        on_delete=models.CASCADE,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = IndicatorQuerySet.as_manager()

    part_of = ("release",)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["zone", "metric__name", *NEWEST_FIRST]
        constraints = [
            models.CheckConstraint(
                condition=~Q(unit="percent_change") | Q(value__gte=-100),
                name="news_indicator_decline_at_most_100_percent",
                violation_error_message=_("A decline cannot be more than 100%%."),
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=["count", "cny", "percent", "km2"]) | Q(value__gte=0),
                name="news_indicator_amount_not_negative",
                violation_error_message=_(
                    "Counts, amounts and shares cannot be negative; "
                    "use percent change for a decline."
                ),
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="news_indicator_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.stated(self.value_as_entered)} ({self.zone})"

    @property
    def value_as_entered(self) -> str:
        """The value as it was entered (5, not the stored 5.0000)."""
        return as_entered(self.value) if isinstance(self.value, Decimal) else str(self.value)

    def stated(self, value: str) -> str:
        """`value` (the value written for a reader) as the release states it: "more than 100"."""
        if self.qualifier == self.Qualifier.MORE_THAN:
            return pgettext("a figure stated as a lower bound", "more than %(value)s") % {
                "value": value
            }
        if self.qualifier == self.Qualifier.ABOUT:
            return pgettext("a figure stated as approximate", "about %(value)s") % {"value": value}
        return value

    def clean(self) -> None:
        require_park_in_zone(self)

    def is_published(self) -> bool:
        """As `published()`; up to two queries unless the release and zone are loaded."""
        return self.release.is_published() and self.zone.is_published()


class EventQuerySet(PublishableQuerySet):
    @classmethod
    def surroundings_q(cls, prefix: str = "") -> Q:
        """Without a zone or in a public one: an event names and links its zone."""
        return Q(**{f"{prefix}zone__isnull": True}) | published_q(f"{prefix}zone__")

    def upcoming(self):
        """Published events that have not ended yet (events without dates are not included)."""
        today = timezone.localdate()
        return self.published().filter(
            Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today)
        )

    def soonest_first(self):
        """The events that start soonest first; those without a start date last."""
        return self.order_by(models.F("start_date").asc(nulls_last=True), "title")

    def past(self):
        """Published events that have ended (events without dates, such as those held
        regularly, are neither upcoming nor past)."""
        today = timezone.localdate()
        return self.published().filter(
            Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today)
        )


class Event(Publishable, PinyinSorted):
    """An economic and trade exchange activity, one-off or recurring."""

    sorted_by = "title"

    class Kind(models.TextChoices):
        TRADE_EXCHANGE = "trade_exchange", _("economic and trade exchange")
        BUSINESS_DAY = "business_day", _("business day")
        DELEGATION = "delegation", _("delegation visit")
        CONFERENCE = "conference", _("conference")
        OTHER = "other", _("other")

    # Required in one language at least (given_in_either_language), not in English.
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, db_index=True)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        related_name="events",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    partner_country = CountryField(_("partner country"), blank=True, db_index=True)
    start_date = models.DateField(_("start date"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True, db_index=True)
    recurring = models.BooleanField(_("held regularly"), default=False)
    description = models.TextField(_("description"), blank=True)
    releases = models.ManyToManyField(
        Release, verbose_name=_("related releases"), related_name="events", blank=True
    )

    objects = EventQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # Dated events newest first, then those held regularly (no date), on every database:
        # SQLite and PostgreSQL put NULL at opposite ends.
        ordering = [F("start_date").desc(nulls_last=True), "title"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="news_event_public_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="news_event_slug_unique"),
            given_in_either_language("title", "news_event_titled", TITLE_MISSING),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="news_event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return page_url("news:event_detail", self.slug)

    def clean(self) -> None:
        require_either_language(self, "title", TITLE_MISSING)

    def is_published(self) -> bool:
        """As `published()`: one query for the zone unless it is loaded."""
        return super().is_published() and (self.zone_id is None or self.zone.is_published())


def _event_release_name(link: models.Model) -> str:
    # Read rather than followed: a draft may name a link to an event deleted since.
    event = Event._base_manager.filter(pk=link.event_id).first()
    return str(event if event is not None else _("a deleted event"))


# A release's events are one of its parts (drafts, history): a link row reads as its event in
# the draft's list of changes and in the history, not as "Event_releases object (3)". The table
# is Django's own, so its model takes the name here rather than in a migration.
Event.releases.through.__str__ = _event_release_name
Event.releases.through._meta.verbose_name = _("event this release reports on")
Event.releases.through._meta.verbose_name_plural = _("events this release reports on")


def hide_the_events_of_a_hidden_zone(sender, instance: Zone, **kwargs) -> None:
    """Before a zone that visitors cannot see is deleted, take its published events back to
    draft (a pre_delete handler, connected in news/apps.py).

    An event without a zone is public on its own, and the delete leaves the zone's events
    without one: the events that the hidden zone kept out of view would be shown. A Publisher
    publishes them again if they should be seen.
    """
    if instance.is_published():
        return
    for event in instance.events.filter(status=Status.PUBLISHED):
        event.status = Status.DRAFT
        event.save(update_fields=["status"])
