from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zones.models import Enquiry

# A hundred years: further back than any enquiry, and than a date can go.
MAX_DAYS = 36_500


class Command(BaseCommand):
    help = (
        "Remove the personal data (name, organisation, e-mail, country, message, notes) of "
        "enquiries closed more than ENQUIRY_RETENTION_DAYS days ago. Their reference, zones, "
        "sectors and dates stay, for the zone teams' statistics. Run daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention period in days (default: the ENQUIRY_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would be purged; change nothing."
        )

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        days = settings.ENQUIRY_RETENTION_DAYS if days is None else days
        if not 0 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be from 0 to {MAX_DAYS}.")
        due = Enquiry.objects.due_for_purge(days)
        if dry_run:
            count = due.count()
            self.stdout.write(f"{count} closed enquiries older than {days} days would be purged.")
            return
        count = 0
        with transaction.atomic():
            for enquiry in due.select_for_update():
                enquiry.anonymise()
                count += 1
        self.stdout.write(
            f"Purged the personal data of {count} enquiries closed over {days} days ago."
        )
