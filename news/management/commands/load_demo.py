from django.core.management.base import BaseCommand

from news import demo


class Command(BaseCommand):
    help = "Load the demo content: the June 20 press release and every record it names."

    def handle(self, *args, **options):
        release = demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded: “{release.title}”, with {release.zones.count()} zones "
                f"and {release.indicators.count()} figures."
            )
        )
