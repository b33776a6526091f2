from modeltranslation.translator import TranslationOptions, register

from news.models import Event, Indicator, Metric, Release, Series


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("name", "organiser")


@register(Release)
class ReleaseTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "issuing_body", "location", "cover_image_alt")


@register(Metric)
class MetricTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("note",)


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description")
