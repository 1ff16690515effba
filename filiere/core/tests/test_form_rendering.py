"""Every form of the app is drawn by one template: a checkbox sits inside its own label, help
text and errors are tied to their field, required fields are marked."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.followup.forms import AdverseEventForm
from filiere.followup.models import Treatment
from filiere.network.models import Centre
from filiere.patients.forms import IdentityForm
from filiere.patients.models import Patient

pytestmark = pytest.mark.django_db


class _Checkboxes(HTMLParser):
    """Collect, for each checkbox, the text of the <label> that contains it."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[list[str]] = []
        self.inputs: list[dict[str, str | None]] = []
        self.found: dict[str, str] = {}
        self._pending: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self.labels.append([])
        elif tag == "input" and values.get("type") == "checkbox" and self.labels:
            self._pending.append((str(values.get("name")), len(self.labels)))
        elif tag == "input" and values.get("type") == "checkbox":
            self.found[str(values.get("name"))] = ""

    def handle_data(self, data: str) -> None:
        for parts in self.labels:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "label" or not self.labels:
            return
        text = " ".join("".join(self.labels.pop()).split())
        depth = len(self.labels) + 1
        for name, at in [p for p in self._pending if p[1] == depth]:
            self.found[name] = text
            self._pending.remove((name, at))


def _checkbox_labels(html: str) -> dict[str, str]:
    parser = _Checkboxes()
    parser.feed(html)
    return parser.found


def _base(patient: Patient) -> str:
    return f"/suivi/patients/{patient.public_id}/"


def test_each_checkbox_is_inside_the_label_of_its_own_field(
    client_for: Callable[[User], Client], alice: User, patient_a: Patient
) -> None:
    """Before: "Grave" beside "Description *", "Absent" beside "Début", "☑ Lien avec le cas
    index" on the genetics form: the checkbox came after its label, before the next one."""
    client = client_for(alice)
    pages = {
        _base(patient_a) + "evenements-indesirables/nouveau/": {
            "serious": "Grave",
            "reported_to_pharmacovigilance": (
                "Déclaré à la pharmacovigilance ou à l'hémovigilance"
            ),
        },
        f"/patients/{patient_a.public_id}/phenotypes/nouveau/": {
            "excluded": "Absent (exclu explicitement)"
        },
        f"/patients/{patient_a.public_id}/genetique/nouveau/": {
            "is_index_case": "Cas index de la famille"
        },
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        found = _checkbox_labels(response.content.decode())
        for name, label in expected.items():
            assert found.get(name) == label, (url, name, found)


def test_help_text_and_errors_are_tied_to_their_field() -> None:
    form = AdverseEventForm(
        {"occurred_on": "2024-03-01", "description": ""},
        centres=Centre.objects.none(),
        treatments=Treatment.objects.none(),
    )
    html = str(form)
    description = re.search(r"<textarea[^>]*>", html)
    assert description is not None
    assert 'aria-invalid="true"' in description.group()
    assert 'aria-describedby="id_description_error"' in description.group()
    assert '<p class="field-error" id="id_description_error" role="alert">' in html
    date = re.search(r'<input[^>]*name="occurred_on"[^>]*>', html)
    assert date is not None
    assert "aria-invalid" not in date.group()
    assert '<abbr class="required" title="obligatoire">*</abbr>' in html


def test_help_text_is_read_with_its_field() -> None:
    html = str(IdentityForm())
    names = re.search(r'<input[^>]*name="birth_first_names"[^>]*>', html)
    assert names is not None
    assert 'aria-describedby="id_birth_first_names_helptext"' in names.group()
    assert 'id="id_birth_first_names_helptext">Tous, dans l&#x27;ordre de l&#x27;acte.' in html


def test_a_checkbox_group_is_a_fieldset_named_by_its_legend(
    client_for: Callable[[User], Client], alice: User, centre_a: object
) -> None:
    html = client_for(alice).get("/patients/inclure/").content.decode()
    assert "<legend>Adressé par" in html
    found = _checkbox_labels(html)
    assert found["outside_labelled_scope"] == "Prise en charge hors labellisation du site"


def test_widgets_drawn_in_place_write_what_django_writes() -> None:
    """The form renderer draws inputs and selects with their options in one template each (a
    list page's filters cost fifty template renders); the HTML is Django's own, to the byte."""
    from django import forms
    from django.forms.renderers import DjangoTemplates

    from filiere.core.forms import FormRenderer

    class Everything(forms.Form):
        text = forms.CharField(max_length=20, initial='a "quoted" <value>')
        number = forms.IntegerField(min_value=0, required=False)
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x")
        hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
        choice = forms.ChoiceField(
            choices=[("", "— choisir —"), ("a", "Aé & <b>"), ("b", "B")], initial="b"
        )
        grouped = forms.ChoiceField(
            choices=[("Groupe 1", [("1", "Un"), ("2", "Deux")]), ("3", "Trois")],
            widget=forms.Select(attrs={"disabled": True, "data-x": 0, "hidden": False}),
        )
        several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])
        flag = forms.BooleanField(required=False, initial=True)
        radio = forms.ChoiceField(choices=[("r", "R")], widget=forms.RadioSelect)
        radios = forms.ChoiceField(
            choices=[("Groupe", [("1", "Un & <i>")]), ("2", "Deux")],
            widget=forms.RadioSelect(attrs={"class": "inline", "data-x": True}),
            initial="2",
        )
        boxes = forms.MultipleChoiceField(
            choices=[("x", "X"), ("y", "Y")],
            widget=forms.CheckboxSelectMultiple,
            initial=["y"],
            required=False,
        )

    ours, django = FormRenderer(), DjangoTemplates()
    filled = {"text": "<x>", "choice": "a", "several": ["y"], "radios": "1", "boxes": ["x", "y"]}
    for bound in (Everything(), Everything(filled)):
        for field in bound:
            assert field.as_widget() == field.as_widget()  # stable
            widget = field.field.widget
            attrs = field.build_widget_attrs({})
            value = field.value()
            assert widget.render(field.html_name, value, attrs, ours) == widget.render(
                field.html_name, value, attrs, django
            ), field.name
