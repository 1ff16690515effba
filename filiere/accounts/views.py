from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts.forms import ApiTokenForm, ProfileForm
from filiere.accounts.models import ApiToken, User
from filiere.accounts.services import api_token_create, api_token_revoke, user_update_profile
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
