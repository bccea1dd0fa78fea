"""The queue of bank transfer proofs waiting for review, and the staff-only proof files."""

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from cms.enums import Role
from cms.permissions import conference_ids_for
from commerce.admin_forms import RejectProofForm
from commerce.enums import (
    OrderState,
    ProofState,
)
from commerce.exceptions import IllegalTransition, PaymentError
from commerce.models import (
    TransferProof,
)
from commerce.services.proofs import accept_proof, reject_proof
from commerce.viewsets.common import PROOFS_PER_PAGE, FinanceMenuItem, FinanceScreen, get_for_action, visible


class ProofQueueView(FinanceScreen, TemplateView):
    """The proofs of transfer waiting for review, oldest first, each beside its order."""

    template_name = "commerce/admin/proof_queue.html"
    header_icon = "doc-full-inverse"

    def get_page_title(self):
        return _("Proofs to review")

    def get_context_data(self, **kwargs):
        proofs = (
            visible(TransferProof, self.request.user)
            .filter(state=ProofState.PENDING)
            .select_related("payment__order__conference", "payment__order__purchaser")
            .order_by("uploaded_at", "pk")
        )
        page = Paginator(proofs, PROOFS_PER_PAGE).get_page(self.request.GET.get("p"))
        reviewers = conference_ids_for(self.request.user, Role.FINANCE)
        for proof in page:
            proof.can_review = self.request.user.is_superuser or proof.payment.order.conference_id in reviewers
        return super().get_context_data(page=page, proofs=page.object_list, reject_form=RejectProofForm(), **kwargs)


class ProofReviewView(View):
    """POST: accept a proof (idempotent) or reject it with a reason (finance only)."""

    action = None

    def post(self, request, pk):
        queryset = visible(TransferProof, request.user).select_related("payment__order")
        proof = get_for_action(TransferProof, request.user, pk, queryset=queryset)
        order = proof.payment.order
        if self.action == "accept":
            self.accept(request, proof, order)
        else:
            self.reject(request, proof, order)
        if request.POST.get("next") == "order":
            return redirect("finance_orders:inspect", order.pk)
        return redirect("finance_proofs:index")

    @staticmethod
    def accept(request, proof, order):
        if proof.state != ProofState.PENDING:
            messages.warning(request, _("This proof of order %(code)s was reviewed already.") % {"code": order.code})
            return
        accept_proof(proof=proof, user=request.user)
        order.refresh_from_db()
        if order.state == OrderState.PAID:
            messages.success(request, _("Proof accepted: order %(code)s is paid.") % {"code": order.code})
        else:
            messages.warning(
                request,
                _("Proof accepted; order %(code)s is %(state)s and needs attention: %(reason)s")
                % {"code": order.code, "state": order.get_state_display(), "reason": order.get_attention_display()},
            )

    @staticmethod
    def reject(request, proof, order):
        form = RejectProofForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please tell the payer why the proof is rejected."))
            return
        try:
            reject_proof(proof=proof, reason=form.cleaned_data["reason"], user=request.user)
        except (IllegalTransition, PaymentError) as error:
            messages.error(request, str(error.message))
            return
        messages.success(request, _("Proof of order %(code)s rejected; the payer is told.") % {"code": order.code})


class ProofFileView(View):
    """A proof of transfer, shown inline to staff of its conference only."""

    def get(self, request, pk):
        proof = get_object_or_404(visible(TransferProof, request.user), pk=pk)
        response = FileResponse(proof.file.open("rb"), content_type=proof.content_type, filename=proof.original_name)
        response["Cache-Control"] = "private, no-store"
        return response


class ProofReviewViewSet(ViewSet):
    name = "finance_proofs"
    url_prefix = "finance/proofs"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Proofs to review")
    menu_item_class = FinanceMenuItem

    def get_urlpatterns(self):
        return [
            path("", ProofQueueView.as_view(), name="index"),
            path("<int:pk>/accept/", ProofReviewView.as_view(action="accept"), name="accept"),
            path("<int:pk>/reject/", ProofReviewView.as_view(action="reject"), name="reject"),
            path("<int:pk>/file/", ProofFileView.as_view(), name="file"),
        ]


# --- Invoice requests ----------------------------------------------------------------------------
