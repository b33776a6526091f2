"""Times as the admin shows them: in the portal's time zone (Asia/Shanghai), to the minute,
with the zone named, since editors and servers may be elsewhere."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


def local_time(value: datetime.datetime | None) -> str:
    """A time in a list or a diff: "2024-06-20 09:00 (Asia/Shanghai)"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'Y-m-d H:i')} ({timezone.get_current_timezone_name()})"


def long_local_time(value: datetime.datetime | None) -> str:
    """A time in a sentence: "20 June 2024, 09:00 (Asia/Shanghai)", "2024年6月20日 09:00 …"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    # Translators: a date format (see Django's date template filter), e.g. 20 June 2024, 09:00.
    pattern = gettext("j F Y, H:i")
    return f"{date_format(local, pattern)} ({timezone.get_current_timezone_name()})"


def same_minute(a: datetime.datetime, b: datetime.datetime) -> bool:
    """Whether two times read the same where the admin shows them (to the minute).

    The history's snapshots keep milliseconds and the form's widget seconds, while a time the
    portal sets itself has microseconds: compared any finer, one time would read as changed.
    """
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)
