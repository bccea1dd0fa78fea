"""The chair's editing of a review form (one per conference and phase): its criteria in a formset
(``services.forms.update_criteria`` saves them or refuses the whole change), and closing or
reopening reviewing of the phase. For the conference's chairs only: 404 for anyone else."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from reviewing.models import REVIEWED_PHASES
from reviewing.permissions import chaired_conference
from reviewing.services.forms import update_criteria
from reviewing.services.reviews import close_reviewing, reopen_reviewing, review_form_for

# The largest ``Criterion.sort_order`` (a ``PositiveIntegerField``) every database stores.
MAX_ORDER = 2_147_483_647
FIELDS = ("label_zh", "label_en", "help_zh", "help_en", "scale_min", "scale_max", "weight", "sort_order")


class CriterionForm(forms.Form):
    """One criterion; the rules (a label in Chinese, the scale, the weight) are the service's."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label_zh = forms.CharField(label=gettext_lazy("label (Chinese)"), max_length=200, required=False)
    label_en = forms.CharField(label=gettext_lazy("label (English)"), max_length=200, required=False)
    help_zh = forms.CharField(label=gettext_lazy("explanation (Chinese)"), max_length=500, required=False)
    help_en = forms.CharField(label=gettext_lazy("explanation (English)"), max_length=500, required=False)
    scale_min = forms.IntegerField(label=gettext_lazy("lowest score"), initial=1, min_value=-1000, max_value=1000)
    scale_max = forms.IntegerField(label=gettext_lazy("highest score"), initial=5, min_value=-1000, max_value=1000)
    weight = forms.DecimalField(label=gettext_lazy("weight"), initial=1, max_digits=5, decimal_places=2)
    sort_order = forms.IntegerField(
        label=gettext_lazy("order of display"), min_value=0, max_value=MAX_ORDER, required=False
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=50, validate_max=True)


class ReviewFormView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reviewing/chair/forms/edit.html"
    header_icon = "form"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        self.conference = chaired_conference(request, kwargs["conference"])
        if kwargs["phase"] not in dict(REVIEWED_PHASES):
            raise Http404
        self.review_form = review_form_for(self.conference, kwargs["phase"])
        self.general_errors = []
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Review form")

    def get_page_subtitle(self):
        return f"{self.conference.acronym} · {self.review_form.get_phase_display()}"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def formset(self, data=None):
        criteria = self.review_form.criteria.all()
        initial = [
            {"id": criterion.pk, **{name: getattr(criterion, name) for name in FIELDS}} for criterion in criteria
        ]
        return CriterionFormSet(data, initial=initial, prefix="criteria")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(formset=self.formset()))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action == "close":
            close_reviewing(form=self.review_form, by=request.user)
            messages.success(request, _("Reviewing of this phase is closed: reviews can no longer change."))
            return redirect(request.path)
        if action == "reopen":
            reopen_reviewing(form=self.review_form, by=request.user)
            messages.success(request, _("Reviewing of this phase is open again."))
            return redirect(request.path)
        formset = self.formset(request.POST)
        if formset.is_valid() and self.save(formset):
            messages.success(request, _("The review form is saved."))
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(formset=formset), status=400)

    def save(self, formset):
        rows, row_forms = [], []
        for form in formset.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue  # an unused blank row, or a criterion to remove
            rows.append({"id": data.get("id"), **{name: data.get(name) for name in FIELDS}})
            row_forms.append(form)
        try:
            update_criteria(form=self.review_form, rows=rows, by=self.request.user)
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                if key == "__all__":
                    self.general_errors.extend(problems)
                else:
                    index, name = key.split(".", 1)
                    row_forms[int(index)].add_error(name, problems)
            return False
        return True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conference=self.conference,
            review_form=self.review_form,
            general_errors=self.general_errors,
            closed=self.review_form.closed_at is not None,
            fields=FIELDS,
            **kwargs,
        )


urlpatterns = [path("<int:conference>/<slug:phase>/", ReviewFormView.as_view(), name="edit")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("reviewing/forms/", include((urlpatterns, "review_forms"), namespace="review_forms"))]
