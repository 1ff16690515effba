"""How every form of the app is drawn, and the select a clinician must choose from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

CHOOSE = _("— choisir —")


class FormRenderer(DjangoTemplates):
    """One template for every form and field (settings.FORM_RENDERER): a checkbox inside its own
    label, help text and errors tied to their field, required fields marked."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def chosen_choice(
    label: Any,
    choices: Iterable[tuple[Any, Any]] = (),
    *,
    coerce: Callable[[Any], Any] | None = None,
    **kwargs: Any,
) -> forms.TypedChoiceField:
    """Return a required select that starts on « — choisir — ».

    A clinical value (a variant's class, a sex, an outcome) must never be saved because it
    happened to be the first option: the empty value is refused with a message naming the field.
    """
    return forms.TypedChoiceField(
        label=label,
        choices=with_choose(choices),
        coerce=coerce or str,
        empty_value="",
        error_messages={"required": format_lazy(_("Choisissez : {}."), label)},
        **kwargs,
    )


def with_choose(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", CHOOSE), *choices]
