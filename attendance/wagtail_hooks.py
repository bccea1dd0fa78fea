"""Admin registration of ``attendance``: the permission policies, the "Registration" menu with its
screens (``attendance.viewsets``) and the audit entries' labels."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from attendance.booking_policies import BOOKING_LOG_ACTIONS, register_booking_policies
from attendance.policies import register_policies
from attendance.viewsets import RegistrationViewSetGroup

# Before the viewsets are built: their listings and screens are scoped by these policies.
register_policies()
register_booking_policies()

LOG_ACTIONS = {
    "flock.registration.create": (_("Register"), _("Registration submitted")),
    "flock.registration.approve": (_("Approve registration"), _("Registration approved")),
    "flock.registration.reject": (_("Reject registration"), _("Registration rejected")),
    "flock.registration.confirm": (_("Confirm registration"), _("Registration confirmed")),
    "flock.registration.reinstate": (_("Reinstate registration"), _("Registration reinstated after a late payment")),
    "flock.registration.withdraw": (_("Withdraw registration"), _("Registration withdrawn")),
    "flock.registration.cancel": (_("Cancel registration"), _("Registration cancelled")),
    "flock.registration.lapse": (_("Cancel unpaid registration"), _("Registration cancelled: not paid in time")),
    "flock.registration.refund": (_("Cancel refunded registration"), _("Registration cancelled: fee refunded")),
    "flock.registration.partial_refund": (_("Record partial refund"), _("Part of the fee refunded")),
    "flock.registration.order": (_("Make order"), _("Order made for the registration")),
    "flock.registration.order_lapsed": (_("Record lapsed order"), _("Order lapsed; awaiting payment again")),
    "flock.registration.payment_unplaced": (
        _("Record unplaced payment"),
        _("Payment for a registration that is no longer waiting for it"),
    ),
    "flock.registration.change_type": (_("Change registration type"), _("Registration type changed")),
    "flock.registration.adjust_price": (_("Adjust registration price"), _("Registration price adjusted")),
    "flock.registration.edit": (_("Edit registration"), _("Registration edited")),
    "flock.registration.account": (_("Open account for a registration"), _("Account opened by staff")),
    "flock.registration_settings.change": (_("Change registration settings"), _("Registration settings changed")),
    "flock.registration.reissue_code": (_("Give a new QR code"), _("New QR code given; the old one no longer works")),
    "flock.registration.check_in_undone": (_("Undo check-in"), _("Check-in undone")),
    "flock.registration.revoke_code": (_("Withdraw the QR code"), _("QR code withdrawn")),
}


@hooks.register("register_admin_viewset")
def register_viewsets():
    from attendance.viewsets.badges import PrintViewSet

    class RegistrationMenu(RegistrationViewSetGroup):
        items = (*RegistrationViewSetGroup.items, PrintViewSet)

    return RegistrationMenu()


@hooks.register("register_admin_viewset")
def register_desk_viewset():
    from attendance.viewsets.desk import CheckInDeskViewSet

    return CheckInDeskViewSet()


@hooks.register("register_admin_viewset")
def register_code_viewset():
    from attendance.viewsets.codes import CodeViewSet

    return CodeViewSet()


@hooks.register("register_admin_viewset")
def register_booking_viewsets():
    from attendance.viewsets import BookingViewSetGroup

    return BookingViewSetGroup()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in {**LOG_ACTIONS, **BOOKING_LOG_ACTIONS}.items():
        actions.register_action(action, label, message)


@hooks.register("insert_global_admin_js")
def forget_desk_copies():
    """The admin's log-in page deletes the copies kept by the desk's service worker."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("attendance/desk-forget.js"))
