"""Django's Chinese formats, but for a time entered or shown in a form: to the second, as the
English forms show it. A publication time shown as 09:05 and sent back unchanged would read as
09:05:00, a change of time (to the admin's history) that nobody made."""

TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '20:45:29'
    "%H:%M",  # '20:45'
    "%H:%M:%S.%f",  # '20:45:29.000200'
]
