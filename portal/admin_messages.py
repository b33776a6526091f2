"""Admin strings that the packages showing them do not translate into Chinese: django-axes' models
and fields, and the table headers Django's admin index gives screen readers. Marked here so that
makemessages keeps them in the project's catalogue, which Django reads before the packages' own.
"""

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_THEIR_PACKAGES = (
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Path"),
    gettext_noop("POST Data"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    # django.contrib.admin's index (admin/app_list.html)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
