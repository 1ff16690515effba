"""Creating forms sent once: a one-time token per rendered form, consumed with the write.

A double click, a reload after a slow answer or the back button sent a creating form twice and
made two visits, two bleeds, two RCP requests or two patients. Each creating form carries a token
(``{% form_token %}``); the first POST carrying it claims it just before the write, and the same
token again leads to what the first one created.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from filiere.core.http import AuthenticatedRequest
from filiere.core.models import FormSubmission

FIELD = "form_token"


def new_form_token() -> str:
    return str(uuid.uuid4())


def _token_of(request: AuthenticatedRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        raise ValidationError(
            _(
                "Ce formulaire est incomplet (jeton d'envoi absent) : rechargez la page et "
                "saisissez-le à nouveau."
            )
        ) from None


def submit_once(
    request: AuthenticatedRequest, *, save: Callable[[], str], done: str = ""
) -> HttpResponse:
    """Run ``save`` (it returns the address of what it made) once per form token; redirect there.

    The same token again writes nothing and redirects to the first result with « Ce formulaire
    a déjà été envoyé. ». A refusal of ``save`` (ValidationError) leaves the token unused, so the
    corrected form can be sent; a missing token is refused the same way.
    """
    token = _token_of(request)
    try:
        # Claimed in its own transaction before the write: a parallel twin fails here. The
        # write stays outside it, so that what a service records while refusing (an audit
        # event, a suspected duplicate) is kept as before.
        with transaction.atomic():
            claim = FormSubmission.objects.create(user=request.user, token=token)
    except IntegrityError:
        first = FormSubmission.objects.get(user=request.user, token=token)
    else:
        try:
            claim.result_url = save()
        except BaseException:
            claim.delete()  # refused or failed: the corrected form may be sent again
            raise
        claim.save(update_fields=["result_url"])
        if done:
            messages.success(request, done)
        return redirect(claim.result_url)
    messages.info(request, _("Ce formulaire a déjà été envoyé."))
    # No address yet: the first one is still being written.
    return redirect(first.result_url or "home")
