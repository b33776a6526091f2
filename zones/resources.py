"""Bulk import and export of zones and enterprises (CSV, XLSX) with django-import-export."""

from django.utils.translation import gettext_lazy as _
from import_export import fields
from import_export.instance_loaders import CachedInstanceLoader

from portal.publishing.imports import ContentResource, SlugWidget
from portal.publishing.pinyin import slug_of
from zones.models import Enterprise, Zone


class ZoneResource(ContentResource):
    unique_in_database = ("slug",)
    example = {
        "slug": "example-zone",
        "name_en": "Example Zone (an example: replace this row)",
        "name_zh_hans": "示例开发区（示例：请替换本行）",
        "short_name_en": "Example Zone",
        "short_name_zh_hans": "示例区",
        "kind": "etdz",
        "level": "provincial",
        "city": "shenyang",
        "established_year": "1992",
        "area_km2": "12.5",
        "website": "https://example.org/",
        "address_en": "",
        "address_zh_hans": "",
        "summary_en": "One or two sentences on what the zone is known for.",
        "summary_zh_hans": "用一两句话介绍开发区的特色。",
    }

    class Meta:
        model = Zone
        import_id_fields = ("slug",)
        fields = (
            "slug", "name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans", "kind",
            "level", "city", "established_year", "area_km2", "website", "address_en",
            "address_zh_hans", "summary_en", "summary_zh_hans",
        )  # fmt: skip
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = CachedInstanceLoader


class EnterpriseResource(ContentResource):
    """Enterprises by slug (made from the name when empty), zones by their slug.

    New enterprises come in as drafts; publishing stays a Publisher's decision.
    """

    zone = fields.Field(attribute="zone", column_name="zone", widget=SlugWidget(Zone, _("zone")))
    unique_in_file = ("slug", "credit_code")
    unique_in_database = ("slug", "credit_code")
    example = {
        "slug": "example-enterprise",
        "name_en": "Example Enterprise Co., Ltd. (an example: replace this row)",
        "name_zh_hans": "示例企业有限公司（示例：请替换本行）",
        "credit_code": "",
        "zone": "slug-of-an-existing-zone",
        "founded_year": "2015",
        "country": "DE",
        "website": "https://example.org/",
        "summary_en": "One or two sentences on what the enterprise makes or does.",
        "summary_zh_hans": "用一两句话介绍企业的产品或业务。",
    }

    class Meta:
        model = Enterprise
        import_id_fields = ("slug",)
        fields = (
            "slug", "name_en", "name_zh_hans", "credit_code", "zone", "founded_year",
            "country", "website", "summary_en", "summary_zh_hans",
        )  # fmt: skip
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = CachedInstanceLoader

    def before_import(self, dataset, **kwargs):
        # Filled in for the whole file before existing records are looked up by slug.
        names = zip(column(dataset, "name_en"), column(dataset, "name_zh_hans"), strict=True)
        slugs = [
            (slug or "").strip() or slug_of(name_en, name_zh, max_length=120)
            for slug, (name_en, name_zh) in zip(column(dataset, "slug"), names, strict=True)
        ]
        replaced = {"slug": slugs}
        # Only a file with the column changes credit codes: one without leaves them as they are.
        if "credit_code" in (dataset.headers or []):
            codes = [(code or "").strip().upper() for code in column(dataset, "credit_code")]
            replaced["credit_code"] = codes
        for header, values in replaced.items():
            if header in dataset.headers:
                del dataset[header]
            dataset.append_col(values, header=header)
        super().before_import(dataset, **kwargs)


def column(dataset, header: str) -> list:
    if header in (dataset.headers or []):
        return [None if value is None else str(value) for value in dataset[header]]
    return [None] * len(dataset)
