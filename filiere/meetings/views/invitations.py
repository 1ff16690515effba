"""The invitation link of an external physician: choose a password, then the second factor."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from filiere.core.forms import apply_errors
from filiere.meetings import forms as meeting_forms
from filiere.meetings import services

# The link's token moves from the URL into the session at the first visit, so that it is not
# repeated in the access logs (and the Referer) by every later request of the form.
INVITATION_IN_SESSION = "filiere_invitation_link"


@never_cache
def invitation_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the link's token in the session and continue at the address without it."""
    if services.invitation_for_token(token) is None:
        return render(request, "meetings/invitation_invalid.html", status=404)
    request.session[INVITATION_IN_SESSION] = token
    return redirect("meetings:invitation_accept")


@never_cache
def invitation_accept_view(request: HttpRequest) -> HttpResponse:
    """Open to anyone holding the link (the token is the credential); 404 when unusable."""
    token = request.session.get(INVITATION_IN_SESSION, "")
    invitation = services.invitation_for_token(token) if token else None
    if invitation is None:
        return render(request, "meetings/invitation_invalid.html", status=404)
    user = invitation.user
    needs_password = not user.has_usable_password()
    form = meeting_forms.InvitationAcceptForm(request.POST or None)
    if not needs_password:
        form = meeting_forms.InvitationAcceptForm()
    if request.method == "POST" and (not needs_password or form.is_valid()):
        data = form.cleaned_data if needs_password else {"password": "", "confirm": ""}
        try:
            services.invitation_accept(invitation=invitation, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(INVITATION_IN_SESSION, None)
            if not needs_password:
                messages.success(request, _("Invitation acceptée : connectez-vous."))
                return redirect("account_login")
            # The same door as a password login: the session's absolute lifetime starts now and
            # the login is recorded in the audit trail with the client's address.
            get_account_adapter(request).login(request, user)
            messages.success(
                request,
                _("Votre accès est créé. Activez maintenant le second facteur (application TOTP)."),
            )
            return redirect("meetings:index")
    return render(
        request,
        "meetings/invitation_accept.html",
        {"invitation": invitation, "form": form, "needs_password": needs_password},
    )
