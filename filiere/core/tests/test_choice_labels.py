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
