"""Account pages under ``/<language>/_account/``: thin views that read the form, call one service
and render inside the layout of the conference the visitor came from (``flow``), or redirect.

Pages that show a form are never cached; pages reached from a link with a token send no
``Referer``, so the token does not travel to another site.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cms.accounts import services, tokens
from cms.accounts.flow import flow_for
from cms.accounts.forms import EmailForm, LoginForm, ProfileForm, SignUpForm
from cms.accounts.lockout import LOCKOUT_HANDLED, cool_off_minutes
from conference_pages.chrome import feature_chrome
from conference_pages.selectors import home_page_for

GET_POST = ["GET", "POST"]


# Rendering inside the site's layout


def _chrome(request, flow, url_name, url_kwargs):
    """The conference's menu (when there is one), language links to this page, their cache key."""
    return feature_chrome(
        request,
        flow.conference,
        url_name=f"accounts:{url_name}",
        url_kwargs=url_kwargs,
        query=flow.query,
        scope="accounts",
    )


def _render(request, flow, template, context, *, url_name, status=200, **url_kwargs):
    request.conference = flow.conference  # the theme context processor draws its layout
    chrome = _chrome(request, flow, url_name, url_kwargs)
    context = {**chrome, "flow": flow, "flow_query": flow.query(), **context}
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _account_url(name, flow, **kwargs):
    return reverse(f"accounts:{name}", kwargs=kwargs) + flow.query()


def _home_url(request, flow):
    """Where to go when nothing else was asked: the conference's home page, else the portal."""
    home = home_page_for(flow.conference) if flow.conference is not None else None
    url = home.get_url(request=request) if home is not None else None
    return url or f"/{translation.get_language()}/"


def _links(request, flow):
    return services.Links(base_url=request.build_absolute_uri("/"), flow=flow)


def _keep_token_private(response):
    """Pages whose address holds a token: no other site learns it from the ``Referer``. Not
    ``no-referrer``, with which browsers send ``Origin: null`` on the page's own form and the
    CSRF check refuses it."""
    response["Referrer-Policy"] = "same-origin"
    return response


# Signing up


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(GET_POST)
def signup(request):
    flow = flow_for(request)
    if request.user.is_authenticated:
        return redirect(flow.next_url or _account_url("profile", flow))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=translation.get_language(),
            links=_links(request, flow),
        )
        return redirect(_account_url("signup_done", flow))
    return _render(request, flow, "accounts/signup.html", {"form": form}, url_name="signup")


@never_cache
@require_http_methods(["GET"])
def signup_done(request):
    flow = flow_for(request)
    return _render(request, flow, "accounts/signup_done.html", {}, url_name="signup_done")


@never_cache
@require_http_methods(GET_POST)
def resend_confirmation(request):
    flow = flow_for(request)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.resend_confirmation(email=form.cleaned_data["email"], links=_links(request, flow))
        return redirect(_account_url("signup_done", flow))
    return _render(request, flow, "accounts/resend_confirmation.html", {"form": form}, url_name="resend_confirmation")


@never_cache
@require_http_methods(GET_POST)
def confirm(request, token):
    """The link in the confirmation mail: a button that confirms (a POST, so that a mail
    scanner following the link confirms nothing), then on to the log-in page."""
    flow = flow_for(request)
    try:
        user = tokens.read_token(token, tokens.CONFIRM)
    except tokens.TokenError as error:
        context = {"expired": isinstance(error, tokens.TokenExpired)}
        response = _render(request, flow, "accounts/confirm_invalid.html", context, url_name="confirm", token=token)
        return _keep_token_private(response)
    if request.method == "POST":
        if services.confirm_email(user=user):
            messages.success(request, _("Thank you: your email address is confirmed. You can log in now."))
        return redirect(_account_url("login", flow))
    return _keep_token_private(
        _render(request, flow, "accounts/confirm.html", {"email": user.email}, url_name="confirm", token=token)
    )


# Logging in and out


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def login(request):
    flow = flow_for(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(flow.next_url or _account_url("profile", flow))
    minutes = cool_off_minutes()
    form = LoginForm(request.POST if request.method == "POST" else None, request=request, cool_off_minutes=minutes)
    if form.is_valid():
        auth_login(request, form.user)
        return redirect(flow.next_url or _home_url(request, flow))
    locked = form.problem == services.LOCKED_OUT
    context = {"form": form, "problem": form.problem, "cool_off_minutes": minutes}
    response = _render(request, flow, "accounts/login.html", context, url_name="login", status=429 if locked else 200)
    setattr(response, LOCKOUT_HANDLED, True)
    return response


@never_cache
@require_POST
def logout(request):
    flow = flow_for(request)
    auth_logout(request)
    messages.success(request, _("You are logged out."))
    return redirect(flow.next_url or _home_url(request, flow))


# Passwords


@never_cache
@require_http_methods(GET_POST)
def password_reset(request):
    flow = flow_for(request)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.request_password_reset(email=form.cleaned_data["email"], links=_links(request, flow))
        return redirect(_account_url("password_reset_done", flow))
    return _render(request, flow, "accounts/password_reset.html", {"form": form}, url_name="password_reset")


@never_cache
@require_http_methods(["GET"])
def password_reset_done(request):
    flow = flow_for(request)
    return _render(request, flow, "accounts/password_reset_done.html", {}, url_name="password_reset_done")


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(GET_POST)
def password_reset_confirm(request, token):
    flow = flow_for(request)
    try:
        user = tokens.read_token(token, tokens.RESET)
    except tokens.TokenError as error:
        context = {"expired": isinstance(error, tokens.TokenExpired)}
        response = _render(
            request,
            flow,
            "accounts/password_reset_invalid.html",
            context,
            url_name="password_reset_confirm",
            token=token,
        )
        return _keep_token_private(response)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None, label_suffix="")
    if form.is_valid():
        services.reset_password(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your new password is set. You can log in with it now."))
        return redirect(_account_url("login", flow))
    context = {"form": form, "email": user.email}
    response = _render(
        request, flow, "accounts/password_reset_confirm.html", context, url_name="password_reset_confirm", token=token
    )
    return _keep_token_private(response)


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(GET_POST)
def password_change(request):
    flow = flow_for(request)
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None, label_suffix="")
    if form.is_valid():
        services.change_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect(_account_url("profile", flow))
    return _render(request, flow, "accounts/password_change.html", {"form": form}, url_name="password_change")


# The profile


@never_cache
@login_required
@require_http_methods(GET_POST)
def profile(request):
    flow = flow_for(request)
    # The form checks a copy, so that rejected input never reaches the signed-in user's object.
    editable = get_user_model().objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=editable)
    if form.is_valid():
        services.update_profile(user=request.user, changes=form.changes())
        messages.success(request, _("Your profile is saved."))
        return redirect(_account_url("profile", flow))
    return _render(request, flow, "accounts/profile.html", {"form": form}, url_name="profile")
