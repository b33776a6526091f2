from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "portal.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from portal.search import index, registry

        # Each app says what it indexes in its search_indexes module (registry.py).
        autodiscover_modules("search_indexes")
        # The index follows every save and delete of what it indexes, and of the rows that hold
        # a record's other names or its parts. That is all these handlers do; what goes into an
        # entry is in the declarations, how it is written in index.py.
        for declared in registry.indexes():
            uid = f"search.{declared.kind}"
            post_save.connect(
                index.record_saved, sender=declared.model, dispatch_uid=f"{uid}.saved"
            )
            post_delete.connect(
                index.record_deleted, sender=declared.model, dispatch_uid=f"{uid}.deleted"
            )
            for rows in (declared.other_names_model, declared.parts_model):
                if rows is not None:
                    row_uid = f"{uid}.rows.{rows._meta.label_lower}"
                    pre_save.connect(
                        index.row_of_record_saving, sender=rows, dispatch_uid=f"{row_uid}.saving"
                    )
                    post_save.connect(
                        index.row_of_record_changed, sender=rows, dispatch_uid=f"{row_uid}.saved"
                    )
                    post_delete.connect(
                        index.row_of_record_changed, sender=rows, dispatch_uid=f"{row_uid}.deleted"
                    )
            if declared.topics:
                topics = declared.topics_model
                m2m_changed.connect(
                    index.topics_changed,
                    sender=declared.topics_through,
                    dispatch_uid=f"{uid}.topics",
                )
                post_save.connect(
                    index.topic_saved, sender=topics, dispatch_uid=f"{uid}.topics.saved"
                )
                pre_delete.connect(
                    index.topic_before_delete, sender=topics, dispatch_uid=f"{uid}.topics.before"
                )
                post_delete.connect(
                    index.topic_after_delete, sender=topics, dispatch_uid=f"{uid}.topics.after"
                )
            if declared.public_alone:
                # Deleting the other record leaves these without it, public on their own.
                other = declared.model._meta.get_field(declared.public_with).related_model
                alone = f"search.alone.{other._meta.label_lower}"
                pre_delete.connect(
                    index.public_alone_before_delete, sender=other, dispatch_uid=f"{alone}.before"
                )
                post_delete.connect(
                    index.public_alone_after_delete, sender=other, dispatch_uid=f"{alone}.after"
                )
        post_migrate.connect(index.index_new_kinds, sender=self, dispatch_uid="search.new_kinds")
