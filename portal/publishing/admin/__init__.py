"""The admin toolkit every content app builds on, one concern a module:

- `content`: ContentAdmin and PublishableAdmin, what the apps' admins subclass;
- `workflow`: statuses, actions and their messages; `drafts`: pending drafts of live records;
- `history`: every save recorded, restore and recover; `deletion`: delete confirmations that
  list a few records of each kind; `locking`: no overwritten work;
- `preview`: the public page before saving; `rules`: parts of live records;
- `uploads`: checked images; `audit`: the audit log; `ordering`: lists in one order on every
  database; `filters`: the lists' filters on relations; `ids`: records chosen by whole-number
  ids only; `inlines`: tabular inlines whose inputs are named.
"""

# Imported for what they register: the audit log's admin, and the relations' list filter.
from portal.publishing.admin import audit, filters  # noqa: F401
from portal.publishing.admin.content import PUBLISHING_FIELDSET, ContentAdmin, PublishableAdmin
from portal.publishing.admin.history import HistoryAdmin
from portal.publishing.admin.ids import ChosenByIdMixin
from portal.publishing.admin.inlines import TabularInline, TranslationTabularInline
from portal.publishing.admin.ordering import SameOrderAdminMixin
from portal.publishing.admin.uploads import UploadsAdminMixin
from portal.publishing.admin.workflow import WorkflowAdmin

__all__ = [
    "PUBLISHING_FIELDSET",
    "ChosenByIdMixin",
    "ContentAdmin",
    "HistoryAdmin",
    "PublishableAdmin",
    "SameOrderAdminMixin",
    "TabularInline",
    "TranslationTabularInline",
    "UploadsAdminMixin",
    "WorkflowAdmin",
]
