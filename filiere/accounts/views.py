from __future__ import annotations

import uuid
from typing import Any

from allauth.account import views as allauth_views
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts.forms import ApiTokenForm, ProfileForm
from filiere.accounts.models import ApiToken, User
from filiere.accounts.services import (
    api_token_create,
    api_token_revoke,
    email_address_add,
    email_address_remove,
    email_address_set_primary,
    email_address_sync,
    user_update_profile,
)
from filiere.core.http import AuthenticatedRequest


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # The form validates a copy: a ModelForm writes into its instance, and the service must see
    # the values before the change to record it.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        user_update_profile(actor=user, user=user, **form.cleaned_data)
        messages.success(request, _("Profil enregistré."))
        return redirect("accounts:profile")
    return _profile_page(request, form, ApiTokenForm(user=user, request=request))


def _profile_page(
    request: AuthenticatedRequest, form: ProfileForm, token_form: ApiTokenForm
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user_id=request.user.pk)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "tokens": tokens, "token_form": token_form},
    )


@login_required
@require_POST
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST, user=user, request=request)
    if not form.is_valid():
        profile_form = ProfileForm(instance=User.objects.get(pk=user.pk))
        return _profile_page(request, profile_form, form)
    token, raw = api_token_create(
        actor=user,
        name=form.cleaned_data["name"],
        allows_write=form.cleaned_data["allows_write"],
        allows_identity=form.cleaned_data["allows_identity"],
    )
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    token = ApiToken.objects.filter(public_id=public_id, user_id=request.user.pk).first()
    if token is None:
        raise Http404
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Jeton révoqué."))
    return redirect("accounts:profile")


class EmailView(allauth_views.EmailView):
    """allauth's address page, every change made by an audited service.

    An address added here stays unverified until its owner follows the link sent to it
    (``AccountAdapter.confirm_email``); only then may it become the account's address.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            email_address_sync(request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if {"action_add", "action_remove", "action_primary"} & set(request.POST):
            raise_if_reauthentication_required(request, app="allauth.account")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        address = email_address_add(actor=self.request.user, email=form.cleaned_data["email"])
        send_verification_email_to_address(self.request, address)
        return redirect(self.get_success_url())

    def _action_primary(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        address = self._get_email_address(request)
        if address is None:
            return None
        try:
            email_address_set_primary(actor=address.user, address=address)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return None
        messages.success(request, _("Adresse du compte : %(email)s.") % {"email": address.email})
        return redirect(self.get_success_url())

    def _action_remove(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        address = self._get_email_address(request)
        if address is None:
            return None
        try:
            email_address_remove(actor=address.user, address=address)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return None
        messages.success(request, _("Adresse retirée : %(email)s.") % {"email": address.email})
        return redirect(self.get_success_url())
