from django.db.models import Count, Prefetch
from django.views.generic import DetailView, ListView

from portal.mixins import GoneWhenArchivedMixin
from zones.models import (
    Cooperation,
    Enterprise,
    EnterpriseQualification,
    Institution,
    Platform,
    Zone,
    published_q,
)


class ZoneListView(ListView):
    template_name = "zones/zone_list.html"

    def get_queryset(self):
        return (
            Zone.objects.published()
            .prefetch_related("sectors")
            .annotate(enterprise_count=Count("enterprises", filter=published_q("enterprises__")))
        )


class ZoneDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "zones/zone_detail.html"
    enterprises_shown = 12

    def get_queryset(self):
        return Zone.objects.published().prefetch_related("sectors", "aliases", "parks__sectors")

    def get_context_data(self, **kwargs):
        zone = self.object
        enterprises = Enterprise.objects.published().filter(zone=zone)
        context = super().get_context_data(**kwargs)
        context.update(
            enterprises=enterprises.select_related("park")[: self.enterprises_shown],
            enterprise_count=enterprises.count(),
            indicators=zone.indicators.published()
            .select_related("metric", "release", "park")
            .order_by("metric__name", "-year"),
            platforms=zone.platforms.published(),
            cooperations=zone.cooperations.prefetch_related(
                Prefetch("institutions", queryset=Institution.objects.published())
            ),
            events=zone.events.published(),
            releases=zone.releases.published()[:10],
        )
        return context


class EnterpriseListView(ListView):
    template_name = "zones/enterprise_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Enterprise.objects.published().select_related("zone", "park")


class EnterpriseDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "zones/enterprise_detail.html"

    def get_queryset(self):
        return (
            Enterprise.objects.published()
            .select_related("zone", "park")
            .prefetch_related(
                "sectors",
                Prefetch(
                    "held_qualifications",
                    queryset=EnterpriseQualification.objects.select_related("qualification"),
                ),
                Prefetch("platforms", queryset=Platform.objects.published()),
                Prefetch(
                    "cooperations", queryset=Cooperation.objects.prefetch_related("institutions")
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.object.releases.published()[:10]
        return context


class InstitutionListView(ListView):
    template_name = "zones/institution_list.html"

    def get_queryset(self):
        return Institution.objects.published()


class InstitutionDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "zones/institution_detail.html"

    def get_queryset(self):
        return Institution.objects.published().prefetch_related(
            Prefetch("cooperations", queryset=Cooperation.objects.select_related("zone"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.object.releases.published()[:10]
        return context


class PlatformDetailView(GoneWhenArchivedMixin, DetailView):
    template_name = "zones/platform_detail.html"

    def get_queryset(self):
        return Platform.objects.published().prefetch_related(
            Prefetch("zones", queryset=Zone.objects.published()),
            Prefetch("members", queryset=Enterprise.objects.published().select_related("zone")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.object.releases.published()[:10]
        return context
