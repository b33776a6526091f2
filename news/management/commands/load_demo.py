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
        loaded = demo.load()
        release = loaded.release
        if release is None:
            self.stdout.write(self.style.SUCCESS("Demo content loaded, without its release."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content loaded: “{release.title}”, with {release.zones.count()} "
                    f"zones and {release.indicators.count()} figures."
                )
            )
        withdrawn = [record for record in loaded.public if not record.is_published()]
        if withdrawn:
            self.stdout.write(
                "Left unpublished, as a Publisher left them: "
                + "; ".join(f"{record._meta.verbose_name} “{record}”" for record in withdrawn)
            )
        if loaded.left_out:
            self.stdout.write(
                "Left out, as they are no longer in the database (deleted, or their slug "
                "changed): " + "; ".join(loaded.left_out)
            )
