"""The page whose form adds to or corrects a patient's record, the same in every app.

A GET is a read of the record and is recorded as such (``viewed``). A POST with a valid form is
saved once (the form's one-time token, ``core.submissions``) and redirects with ``done``; the
service's refusal goes back onto the form's fields (``core.forms.apply_errors``). A form refused
by its own checks is shown again without a second read event: it shows nothing the GET did not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.submissions import submit_once

F = TypeVar("F", bound=forms.BaseForm)


def record_form_page(
    request: AuthenticatedRequest,
    form: F,
    *,
    template: str,
    context: Mapping[str, Any],
    save: Callable[[F], object],
    success_url: str,
    done: str,
    viewed: Callable[[], None],
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Render ``template`` with ``form`` and ``context``; on a valid POST, ``save(form)`` once."""
    if request.method == "POST":
        if form.is_valid():

            def save_once() -> str:
                save(form)
                return success_url

            try:
                return submit_once(request, save=save_once, done=done)
            except ValidationError as error:
                apply_errors(form, error, aliases=aliases)
    else:
        viewed()
    return render(request, template, {**context, "form": form})
