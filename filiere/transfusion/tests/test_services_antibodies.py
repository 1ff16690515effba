"""hla_typing_record and antibody_screen_import: a bad typing or SAB file saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.models import AntibodyBead, AntibodyScreen, HlaTyping
from filiere.transfusion.services import (
    MAX_SAB_BYTES,
    antibody_screen_import,
    hla_typing_record,
)
from filiere.transfusion.tests.factories import SERUM_CSV, record_screen

pytestmark = pytest.mark.django_db


def _import(patient: Any, content: bytes, **values: Any) -> AntibodyScreen:
    return antibody_screen_import(
        actor=values.pop("actor", SYSTEM),
        patient=patient,
        serum_date=timezone.localdate() - dt.timedelta(days=3),
        file_name="serum.csv",
        data=content,
        **values,
    )


def test_typing_is_stored_normalised(julien: User, patient: Any) -> None:
    typing = hla_typing_record(
        actor=julien,
        patient=patient,
        typing="HLA-A*02:01, A24 ; B44 B*51:01:01 Cw5 DRB1*04:01",
        typed_on=timezone.localdate(),
    )
    assert typing.typing == "A*02:01 A24 B44 B*51:01:01 Cw5"
    event = AuditEvent.objects.get(object_id=typing.public_id)
    assert event.patient_id == patient.public_id


@pytest.mark.parametrize(
    ("text", "message"),
    [("A*02:01 Bxx", "Typage illisible"), ("B44 B51", "HLA-A et HLA-B")],
)
def test_an_unreadable_or_incomplete_typing_is_refused(
    patient: Any, text: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        hla_typing_record(actor=SYSTEM, patient=patient, typing=text, typed_on=timezone.localdate())
    assert message in error.value.message_dict["typing"][0]
    assert not HlaTyping.objects.exists()


def test_a_sab_file_is_stored_with_its_beads_and_controls(alice: User, patient: Any) -> None:
    screen = _import(patient, SERUM_CSV.encode(), actor=alice)
    assert screen.controls == AntibodyScreen.Controls.PASSED
    assert (screen.negative_control, screen.positive_control) == (420, 18500)
    assert screen.beads.count() == 11
    assert screen.beads.get(allele="C*07:02").mfi == 12000
    assert screen.content == SERUM_CSV
    event = AuditEvent.objects.get(object_id=screen.public_id)
    assert event.patient_id == patient.public_id
    assert "11 billes" in event.summary


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SERUM_CSV.replace("NC,420", "NC,2400").encode(), "contrôle négatif à 2400 MFI"),
        (SERUM_CSV.replace("PC,18500", "PC,800").encode(), "contrôle positif à 800 MFI"),
        (SERUM_CSV.replace("NC,420\n", "").encode(), "contrôle négatif (NC) absente"),
        (SERUM_CSV.replace("B*08:01,1500", "B*08:01,beaucoup").encode(), "ligne 11"),
        (SERUM_CSV.replace("B*08:01", "DRB1*04:01").encode(), "classe I"),
        (b"nom;prenom\nDupont;Jean\n", "en-tête introuvable"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "contenu binaire"),
        (b"   \n", "vide"),
        (b"bead,mfi\n" + b"A*01:01,100\n" * (MAX_SAB_BYTES // 12 + 10), "trop volumineux"),
    ],
    ids=[
        "high-background",
        "weak-positive",
        "no-nc",
        "bad-mfi",
        "class-ii",
        "not-sab",
        "binary",
        "empty",
        "oversized",
    ],
)
def test_a_bad_sab_file_is_refused_with_a_clear_message_and_nothing_saved(
    patient: Any, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _import(patient, content)
    assert message in error.value.message_dict["file"][0]
    assert not AntibodyScreen.objects.exists()
    assert not AntibodyBead.objects.exists()


def test_a_file_without_controls_passes_only_when_the_laboratory_waived_them(
    patient: Any,
) -> None:
    without = SERUM_CSV.replace("NC,420\n", "").replace("PC,18500\n", "")
    with pytest.raises(ValidationError):
        _import(patient, without.encode())
    screen = _import(patient, without.encode(), controls_waived=True)
    assert screen.controls == AntibodyScreen.Controls.WAIVED


def test_a_failing_control_is_refused_even_when_waived(patient: Any) -> None:
    with pytest.raises(ValidationError):
        _import(patient, SERUM_CSV.replace("NC,420", "NC,3000").encode(), controls_waived=True)


def test_windows_1252_exports_are_read(patient: Any) -> None:
    content = ("# Sérum échantillon\n" + SERUM_CSV).encode("cp1252")
    assert _import(patient, content).beads.count() == 11


def test_a_serum_from_the_future_is_refused(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        antibody_screen_import(
            actor=SYSTEM,
            patient=patient,
            serum_date=timezone.localdate() + dt.timedelta(days=1),
            file_name="s.csv",
            data=SERUM_CSV.encode(),
        )
    assert "serum_date" in error.value.message_dict


def test_record_screen_factory_matches_the_documented_format(patient: Any) -> None:
    assert record_screen(patient).mfi_column == "mfi"


# --- Issue 11, seen 8: names checked, discordant retyping -----------------------------------


def test_an_unknown_allele_in_a_typing_is_refused(patient: Any) -> None:
    """Issue 11, seen 8: "A*99:99" was accepted as a typing."""
    with pytest.raises(ValidationError) as error:
        hla_typing_record(
            actor=SYSTEM,
            patient=patient,
            typing="A*99:99 A*02:01 B44",
            typed_on=timezone.localdate(),
        )
    assert "allèle HLA inconnu : « A*99:99 »" in error.value.message_dict["typing"][0]
    assert not HlaTyping.objects.exists()


def test_an_unknown_bead_is_refused_with_its_line(patient: Any) -> None:
    """Issue 11, seen 8: bead "B*99:99" became an unacceptable "B99"."""
    content = b"bead,mfi\nNC,100\nPC,20000\nA*01:01,5000\nB*99:99,9000\n"
    with pytest.raises(ValidationError) as error:
        _import(patient, content)
    assert "ligne 5" in error.value.message_dict["file"][0]
    assert "B*99:99" in error.value.message_dict["file"][0]
    assert not AntibodyScreen.objects.exists()


def test_a_discordant_retyping_needs_an_audited_confirmation(julien: User, patient: Any) -> None:
    """Issue 11, seen 8: a completely discordant new typing (no antigen in common at HLA-A and
    HLA-B with the previous one) was accepted without a word: a possible sample mix-up."""
    today = timezone.localdate()
    hla_typing_record(actor=julien, patient=patient, typing="A2 A24 B44 B51", typed_on=today)
    with pytest.raises(ValidationError) as error:
        hla_typing_record(actor=julien, patient=patient, typing="A1 A3 B7 B8 Cw7", typed_on=today)
    message = error.value.message_dict["confirm_discordant"][0]
    assert "aucun antigène commun en HLA-A, HLA-B" in message
    assert "A2 A24 B44 B51" in message
    assert HlaTyping.objects.count() == 1
    record = hla_typing_record(
        actor=julien,
        patient=patient,
        typing="A1 A3 B7 B8 Cw7",
        typed_on=today,
        confirm_discordant=True,
    )
    event = AuditEvent.objects.get(object_id=record.public_id)
    assert "typage discordant confirmé" in event.summary
    assert event.changes["discordant_confirmed"] is True
    assert event.changes["discordant_loci"] == ["A", "B"]


def test_a_refined_typing_is_not_discordant(julien: User, patient: Any) -> None:
    """A9 → A*24:02 and B12 → B*44:02 refine the typing: an antigen in common at every locus."""
    today = timezone.localdate()
    hla_typing_record(actor=julien, patient=patient, typing="A2 A9 B12 B51", typed_on=today)
    record = hla_typing_record(
        actor=julien, patient=patient, typing="A*02:01 A*24:02 B*44:02 B*51:01", typed_on=today
    )
    assert "discordant" not in AuditEvent.objects.get(object_id=record.public_id).summary
