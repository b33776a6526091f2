from django.shortcuts import render

from news.models import Event, Indicator, Release
from zones.models import Zone


def home(request):
    """Latest releases, the zones, recent key figures and upcoming events."""
    context = {
        "releases": Release.objects.published().select_related("series")[:5],
        "zones": Zone.objects.published(),
        "figures": Indicator.objects.filter(release__in=Release.objects.published())
        .select_related("zone", "metric", "release")
        .order_by("-release__published_at", "zone__name", "metric__name")[:8],
        "events": Event.objects.upcoming().select_related("zone")[:5],
    }
    return render(request, "portal/home.html", context)
