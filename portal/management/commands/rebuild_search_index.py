import argparse
import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from portal.search import index, registry


def batch_size(value: str) -> int:
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not “{value}”")
    return size


class Command(BaseCommand):
    help = "Rebuild the search index from the published content, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=batch_size, default=2000, help="Records read at a time."
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=registry.kinds(),
            help="Only this kind (repeatable).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, batch_size, kind, no_progress, **options):
        kinds = kind or registry.kinds()
        with tqdm(
            total=index.count_indexable(kinds),
            unit=" records",
            disable=no_progress or options["verbosity"] == 0,
            file=sys.stderr,
        ) as bar:
            written = index.rebuild(kinds, batch_size=batch_size, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {written} entries."))
