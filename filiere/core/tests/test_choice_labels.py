"""``ChoiceLabels``: the label of a choice, as Django's ``get_<field>_display()`` gives it."""

from __future__ import annotations

from django.utils import translation

from filiere.accounts.models import User


def test_the_label_of_the_value_in_the_active_language() -> None:
    user = User(email="a@b.test", title=User.Title.DOCTOR, specialty=User.Specialty.HAEMATOLOGY)
    with translation.override("fr"):
        assert user.get_specialty_display() == "Hématologie"
        assert user.display_name.startswith("Dr")
    with translation.override("en"):
        assert user.get_specialty_display() == "Haematology"


def test_a_value_outside_the_choices_is_shown_as_stored() -> None:
    user = User(email="a@b.test", specialty="inconnue")
    assert user.get_specialty_display() == "inconnue"


def test_every_model_with_choices_labels_them_this_way() -> None:
    """Django's own version translates every label of the field at each call: on a list of
    fifty patients, the sex and the diagnosis status cost more than the rest of the row."""
    from django.apps import apps

    from filiere.core.models import ChoiceLabels

    slow = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("filiere.")
        and any(field.choices for field in model._meta.concrete_fields)
        and not issubclass(model, ChoiceLabels)
    ]
    assert slow == []
