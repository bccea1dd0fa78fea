"""Import/export resources of the core app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from cms.enums import Role
from cms.models import Conference, ConferenceRole, User
from cms.permissions import conferences_for
from cms.services.conferences import grant_role


class ConferenceRoleResource(resources.ModelResource):
    """Committee and staff lists: one row per person and role.

    Columns: ``conference`` (its slug), ``email``, ``role`` (organizer, editor, finance,
    review_chair, checkin), and optionally ``name_zh``, ``first_name``, ``last_name`` for people
    without an account yet, who get one. Rows for conferences the importing user does not
    organize are refused.
    """

    conference = fields.Field(
        attribute="conference", column_name="conference", widget=widgets.ForeignKeyWidget(Conference, "slug")
    )
    email = fields.Field(attribute="user", column_name="email", widget=widgets.ForeignKeyWidget(User, "email"))
    role = fields.Field(attribute="role", column_name="role")

    class Meta:
        model = ConferenceRole
        fields = ("conference", "email", "role")
        import_id_fields = ("conference", "email", "role")
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, user=None):
        super().__init__()
        self.user = user

    def get_export_queryset(self, request=None):
        return ConferenceRole.objects.filter(conference__in=conferences_for(self.user, Role.ORGANIZER))

    def before_import_row(self, row, **kwargs):
        errors = {}
        slug = (row.get("conference") or "").strip()
        if not conferences_for(self.user, Role.ORGANIZER).filter(slug=slug).exists():
            errors["conference"] = _("You do not organize a conference with the short name “%(slug)s”.") % {
                "slug": slug
            }
        role = (row.get("role") or "").strip()
        if role not in Role.values:
            errors["role"] = _("Unknown role “%(role)s”; use one of: %(roles)s.") % {
                "role": role,
                "roles": ", ".join(Role.values),
            }
        email = (row.get("email") or "").strip().lower()
        try:
            User._meta.get_field("email").run_validators(email)
            if not email:
                raise ValidationError(_("An email address is required."))
        except ValidationError:
            errors["email"] = _("“%(email)s” is not a valid email address.") % {"email": email}
        if errors:
            raise ValidationError(errors)
        row["email"], row["conference"], row["role"] = email, slug, role
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(
                email=email,
                name_zh=(row.get("name_zh") or "").strip()[:100],
                first_name=(row.get("first_name") or "").strip()[:150],
                last_name=(row.get("last_name") or "").strip()[:150],
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        grant_role(conference=instance.conference, user=instance.user, role=instance.role, granted_by=self.user)
