"""Account pages, under the language prefix: ``/<language>/_account/…``.

Page slugs cannot start with an underscore, so these addresses never hide a page of a site.
"""

from django.urls import path

from cms.accounts import views

app_name = "accounts"

urlpatterns = [
    path("_account/signup/", views.signup, name="signup"),
    path("_account/signup/sent/", views.signup_done, name="signup_done"),
    path("_account/confirm/", views.resend_confirmation, name="resend_confirmation"),
    path("_account/confirm/<str:token>/", views.confirm, name="confirm"),
    path("_account/login/", views.login, name="login"),
    path("_account/logout/", views.logout, name="logout"),
    path("_account/password/reset/", views.password_reset, name="password_reset"),
    path("_account/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("_account/password/reset/<str:token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("_account/password/", views.password_change, name="password_change"),
    path("_account/", views.profile, name="profile"),
]
