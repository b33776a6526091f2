from django.core.management.base import BaseCommand

from news import demo
from news.models import Release


class Command(BaseCommand):
    help = "Load the demo content: the June 20 press release and every record it names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help=(
                "Only into a database without content yet (no release): what editors changed "
                "since the demo was loaded is left as it is."
            ),
        )

    def handle(self, *args, once: bool, **options):
        if once and Release.objects.exists():
            self.stdout.write("The database has content already: the demo is not loaded again.")
            return
        release = demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded: “{release.title}”, with {release.zones.count()} zones "
                f"and {release.indicators.count()} figures."
            )
        )
        withdrawn = [record for record in demo_records(release) if not record.is_published()]
        if withdrawn:
            self.stdout.write(
                "Left unpublished, as a Publisher left them: "
                + "; ".join(f"{record._meta.verbose_name} “{record}”" for record in withdrawn)
            )


def demo_records(release: Release) -> list:
    """The release and the records it names: every demo record visitors may see."""
    named = (release.zones, release.enterprises, release.institutions, release.platforms)
    return [
        release,
        *(record for records in named for record in records.all()),
        *release.events.all(),
    ]
