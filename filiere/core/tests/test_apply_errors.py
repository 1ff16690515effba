"""A service's refusal is shown on the form: beside the field it names, above the form otherwise;
no message is ever lost (the one mapper every app's pages use, core.forms.apply_errors)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from filiere.core.forms import apply_errors


class DoseForm(forms.Form):
    dose_text = forms.CharField(label="Dose")
    reason = forms.CharField(label="Motif", required=False)


def bound_form() -> DoseForm:
    form = DoseForm({"dose_text": "10 mg", "reason": ""})
    assert form.is_valid()
    return form


def test_a_field_error_goes_beside_its_field() -> None:
    """The service names a field the form has: the message is shown beside it."""
    form = bound_form()
    apply_errors(form, ValidationError({"reason": "Indiquez le motif."}))
    assert form.errors == {"reason": ["Indiquez le motif."]}


def test_an_error_naming_no_field_goes_above_the_form() -> None:
    """A refusal without a field (a plain message or a list) is a non-field error."""
    form = bound_form()
    apply_errors(form, ValidationError(["Dossier verrouillé.", "Avis déjà signé."]))
    assert form.non_field_errors() == ["Dossier verrouillé.", "Avis déjà signé."]


def test_the_services_own_non_field_errors_stay_above_the_form() -> None:
    """The service's ``__all__`` messages go above the form, beside any field error."""
    form = bound_form()
    apply_errors(
        form,
        ValidationError({NON_FIELD_ERRORS: "Patient opposé.", "reason": "Trop court."}),
    )
    assert form.non_field_errors() == ["Patient opposé."]
    assert form.errors["reason"] == ["Trop court."]


def test_a_field_the_form_does_not_have_goes_above_the_form() -> None:
    """A service's field absent from the form would otherwise be lost: it goes above the form."""
    form = bound_form()
    apply_errors(form, ValidationError({"centre": "Choisissez le centre."}))
    assert form.non_field_errors() == ["Choisissez le centre."]
    assert "centre" not in form.errors


def test_aliases_map_the_services_field_to_the_forms() -> None:
    """``aliases`` shows the service's ``dose`` beside the form's ``dose_text``."""
    form = bound_form()
    apply_errors(
        form,
        ValidationError({"dose": "Dose hors des bornes.", "reason": "Trop court."}),
        aliases={"dose": "dose_text"},
    )
    assert form.errors["dose_text"] == ["Dose hors des bornes."]
    assert form.errors["reason"] == ["Trop court."]
    assert form.non_field_errors() == []


def test_an_alias_to_a_missing_field_goes_above_the_form() -> None:
    """An alias naming a field the form lacks still shows its message, above the form."""
    form = bound_form()
    apply_errors(form, ValidationError({"dose": "Dose manquante."}), aliases={"dose": "amount"})
    assert form.non_field_errors() == ["Dose manquante."]
