"""Bulk import and export of figures (indicators), naming zones, metrics and releases by slug."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, instance_loaders, widgets

from news.models import Indicator, Metric, Release
from portal.publishing.imports import ContentResource, SlugWidget
from portal.publishing.numbers import as_entered
from zones.models import Zone


class FigureWidget(widgets.DecimalWidget):
    """Exports a value as entered (5, 3.5), not as stored (5.0000); a number in XLSX."""

    def render(self, value, obj=None, **kwargs):
        if value is None or kwargs.get("force_native_type"):
            return value
        return as_entered(value)


class ZoneFigureLoader(instance_loaders.ModelInstanceLoader):
    """The figure a row changes: the file has no park column, so a row is a zone's figure, never
    the figure of one of its parks for the same metric and year."""

    def get_queryset(self):
        return super().get_queryset().filter(park__isnull=True)


class IndicatorResource(ContentResource):
    zone = fields.Field(attribute="zone", column_name="zone", widget=SlugWidget(Zone, _("zone")))
    metric = fields.Field(
        attribute="metric", column_name="metric", widget=SlugWidget(Metric, _("metric"))
    )
    release = fields.Field(
        attribute="release", column_name="release", widget=SlugWidget(Release, _("release"))
    )
    value = fields.Field(attribute="value", column_name="value", widget=FigureWidget())
    unique_in_file = (("release", "zone", "metric", "year"),)
    example = {
        "release": "slug-of-an-existing-release",
        "zone": "slug-of-an-existing-zone",
        "metric": "slug-of-an-existing-metric",
        "year": "2023",
        "qualifier": "exact",
        "value": "12.5",
        "unit": "percent_change",
        "note_en": "An example: replace this row.",
        "note_zh_hans": "示例：请替换本行。",
    }

    class Meta:
        model = Indicator
        import_id_fields = ("release", "zone", "metric", "year")
        instance_loader_class = ZoneFigureLoader
        fields = (
            "release",
            "zone",
            "metric",
            "year",
            "qualifier",
            "value",
            "unit",
            "note_en",
            "note_zh_hans",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
