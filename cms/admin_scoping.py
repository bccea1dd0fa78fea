"""Admin listings and object views narrowed to the conferences where the user holds a role.

``ScopedModelViewSet`` is the base of every business-row viewset: its listing, export, edit,
delete, inspect and history views only ever see rows of the user's conferences; another
conference's row opened by its id answers 404, as if it did not exist.
"""

from django.http import Http404
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet


class ScopedObjectMixin:
    scoped_actions = ("view", "change")

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_any_permission_for_instance(self.request.user, self.scoped_actions, obj):
            raise Http404
        return obj


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"])
        return super().get_base_queryset().filter(pk__in=allowed.values("pk"))


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    scoped_actions = ("change",)


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scoped_actions = ("delete",)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, generic.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, generic.UsageView):
    pass


class ScopedModelViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    export_formats = ["xlsx", "csv"]
