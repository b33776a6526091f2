from modeltranslation.translator import TranslationOptions, register

from zones.models import (
    Cooperation,
    Enterprise,
    Institution,
    Park,
    Platform,
    Qualification,
    Sector,
    Zone,
)


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)


@register(Zone)
class ZoneTranslation(TranslationOptions):
    fields = (
        "name",
        "short_name",
        "summary",
        "description",
        "address",
        "cover_image_alt",
        "approving_body",
        "investment_office",
        "preferential_policies",
    )


@register(Park)
class ParkTranslation(TranslationOptions):
    fields = ("name", "focus", "address")


@register(Qualification)
class QualificationTranslation(TranslationOptions):
    fields = ("name", "granting_body")


@register(Enterprise)
class EnterpriseTranslation(TranslationOptions):
    fields = ("name", "summary", "description")


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name", "short_name", "city", "summary")


@register(Cooperation)
class CooperationTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Platform)
class PlatformTranslation(TranslationOptions):
    fields = ("name", "short_name", "summary")
