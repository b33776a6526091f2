"""Bulk import and export of figures (indicators), naming zones, metrics and releases by slug."""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from news.models import Indicator, Metric, Release
from portal.imports import ContentResource, SlugWidget
from zones.models import Zone


class IndicatorResource(ContentResource):
    zone = fields.Field(attribute="zone", column_name="zone", widget=SlugWidget(Zone, _("zone")))
    metric = fields.Field(
        attribute="metric", column_name="metric", widget=SlugWidget(Metric, _("metric"))
    )
    release = fields.Field(
        attribute="release", column_name="release", widget=SlugWidget(Release, _("release"))
    )
    unique_in_file = ()

    class Meta:
        model = Indicator
        import_id_fields = ("release", "zone", "metric", "year")
        fields = ("release", "zone", "metric", "year", "value", "unit", "note_en", "note_zh_hans")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
