"""How every form of the app is drawn, and the select a clinician must choose from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

CHOOSE = _("— choisir —")
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def codes_of(text: str) -> list[str]:
    """« ORPHA:849, 274 » → ["ORPHA:849", "274"] (codes written one per line or in a row)."""
    return [code for code in _CODE_SEPARATORS.split(text.replace("ORPHA: ", "ORPHA:")) if code]


def codes_text(concepts: Iterable[Any]) -> str:
    """The ORPHA codes of ``concepts``, one per line, as the forms' text fields show them."""
    return "\n".join(f"ORPHA:{concept.code}" for concept in concepts)


class FormRenderer(DjangoTemplates):
    """One template for every form and field (settings.FORM_RENDERER): a checkbox inside its own
    label, help text and errors tied to their field, required fields marked."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def get_template(self, template_name: str) -> Any:
        # Django draws each option and each attribute list through an include of its own: a
        # filter form with five selects cost some fifty template renders on every list page.
        return super().get_template(_INLINED.get(template_name, template_name))


_INPUTS: tuple[str, ...] = ("input", "text", "number", "email", "date", "time", "datetime")
_INPUTS += ("url", "tel", "password", "search", "hidden", "color")
# Django's widget templates and the copies that write their options and attributes in place.
_INLINED = {
    f"django/forms/widgets/{name}.html": "core/forms/widgets/input.html" for name in _INPUTS
}
_INLINED["django/forms/widgets/select.html"] = "core/forms/widgets/select.html"
_INLINED["django/forms/widgets/radio.html"] = "core/forms/widgets/multiple_input.html"
_INLINED["django/forms/widgets/checkbox_select.html"] = "core/forms/widgets/multiple_input.html"


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


class SuggestInput(forms.TextInput):
    """A text field whose suggestions open right under it, clickable and keyboard-usable.

    The suggestions come from ``url`` (htmx, the field's name and value as the query), as
    ``role=option`` items carrying their value in ``data-value``; filiere.js moves through them
    with the arrow keys, chooses with Enter or a click and closes them with Escape.
    """

    template_name = "core/forms/widgets/suggest.html"

    def __init__(self, url: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url

    def build_attrs(
        self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # The words typed to search ("thrombocytopenia") are longer than the code they find.
        attrs.pop("maxlength", None)
        return attrs

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        listbox = f"{widget_attrs.get('id') or name}_suggestions"
        widget_attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": listbox,
                "autocomplete": "off",
                "hx-get": str(self.url),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{listbox}",
                "hx-sync": "this:replace",
                "data-suggest": "",
            }
        )
        context["widget"]["listbox_id"] = listbox
        return context


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    """Show a service's refusal of a form-less action (publish, withdraw, a status button) as the
    next page's error messages, one per message, each naming its field."""
    for message in error.messages:
        messages.error(request, message)


def apply_errors(
    form: forms.BaseForm, error: ValidationError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal beside the form's fields (on the form when no field matches).

    ``aliases`` maps a service's field name to the form's when they differ (a service's ``dose``
    shown on the form's ``dose_text``); a name the form does not have, and a refusal naming no
    field, go above the form so that no message is lost.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = (aliases or {}).get(field, field)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
