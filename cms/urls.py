from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from conference_pages import views as page_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", page_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("payments/", include("commerce.webhook_urls")),
    path("checkin/", include("attendance.desk_urls")),
    path("", include("conference_pages.seo_urls")),
]

if getattr(settings, "SERVE_MEDIA", False):
    # Development and the demo only; production serves media from its storage or proxy.
    from django.views.static import serve as serve_file

    # Documents are served by /documents/<id>/…, which checks who may read them, never here.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(?!documents/).*)$",
            serve_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += i18n_patterns(
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("_util/login/", LoginView.as_view(template_name="wagtailcore/login.html"), name="wagtailcore_login"),
    path("", include("cms.accounts.urls")),
    path("", include("search.urls")),
    path("", include("commerce.urls")),
    path("", include("attendance.urls")),
    path("", include("submissions.urls")),
    path("", include("reviewing.urls")),
    re_path(r"^((?:[\w\-]+/)*)$", page_views.serve, name="wagtail_serve"),
    prefix_default_language=True,
)

handler404 = "conference_pages.views.page_not_found"
