"""Each conference's payment settings (providers, bank account, secrets shown as set or not)."""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from cms.permissions import conferences_for
from commerce.admin_forms import PaymentRulesForm
from commerce.enums import (
    Provider,
)
from commerce.models import (
    PaymentSettings,
)
from commerce.providers.base import all_providers
from commerce.services.orders import payment_settings_for
from commerce.viewsets.common import FINANCE_ROLES, FinanceMenuItem, FinanceScreen


def settings_conferences(user):
    """Conferences whose payment settings ``user`` may change (finance staff and organizers)."""
    return conferences_for(user, *FINANCE_ROLES)


def ordered_providers():
    order = list(Provider.values)
    return sorted(all_providers(), key=lambda provider: order.index(provider.key) if provider.key in order else 99)


class PaymentSettingsIndexView(FinanceScreen, TemplateView):
    template_name = "commerce/admin/payment_settings_index.html"
    header_icon = "cog"

    def get_page_title(self):
        return _("Payment settings")

    def get_context_data(self, **kwargs):
        conferences = settings_conferences(self.request.user).order_by("-start_date", "pk")
        return super().get_context_data(conferences=conferences, **kwargs)


class PaymentSettingsView(FinanceScreen, TemplateView):
    """The payment settings of one conference: providers, bank account, secrets, expiry.

    Secrets are never shown: only whether each is set (here, or in the environment)."""

    template_name = "commerce/admin/payment_settings.html"
    header_icon = "cog"

    def dispatch(self, request, *args, **kwargs):
        self.conference = get_object_or_404(settings_conferences(request.user), pk=kwargs["pk"])
        policy = policy_registry.get_by_type(PaymentSettings)
        # ``conference_id``: an unsaved row given the conference would be cached on it as its settings.
        if not policy.user_has_permission_for_instance(
            request.user, "change", PaymentSettings(conference_id=self.conference.pk)
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Payment settings")

    def get_page_subtitle(self):
        return str(self.conference)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("finance_settings:index"), "label": _("Payment settings")},
            {"url": "", "label": _("Payment settings"), "sublabel": self.conference.acronym},
        ]

    def get_forms(self, payment_settings, data=None):
        forms_ = [PaymentRulesForm(data, instance=payment_settings, prefix="rules")]
        for provider in ordered_providers():
            forms_.append(provider.settings_form_class()(data, instance=payment_settings, prefix=provider.key))
        return forms_

    def get(self, request, *args, **kwargs):
        payment_settings = payment_settings_for(self.conference)
        return self.render_to_response(self.get_context_data(forms=self.get_forms(payment_settings)))

    def post(self, request, *args, **kwargs):
        payment_settings = payment_settings_for(self.conference)
        forms_ = self.get_forms(payment_settings, request.POST)
        if not all([form.is_valid() for form in forms_]):
            messages.error(request, _("The settings could not be saved: please correct the errors below."))
            return self.render_to_response(self.get_context_data(forms=forms_))
        changed = sorted({name for form in forms_ for name in form.changed_settings()})
        if changed:
            with transaction.atomic():
                # Only the edited fields: the receipt counter on the same row is never overwritten.
                payment_settings.save(update_fields=changed)
                log(
                    instance=payment_settings,
                    action="flock.payment_settings.change",
                    user=request.user,
                    data={"fields": changed},
                )
        messages.success(request, _("Payment settings of %(conference)s saved.") % {"conference": self.conference})
        return redirect("finance_settings:edit", self.conference.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, **kwargs)


class PaymentSettingsViewSet(ViewSet):
    name = "finance_settings"
    url_prefix = "finance/settings"
    icon = "cog"
    menu_label = gettext_lazy("Payment settings")
    menu_item_class = FinanceMenuItem

    def get_urlpatterns(self):
        return [
            path("", PaymentSettingsIndexView.as_view(), name="index"),
            path("<int:pk>/", PaymentSettingsView.as_view(), name="edit"),
        ]
