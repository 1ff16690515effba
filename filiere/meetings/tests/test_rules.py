"""Pure workflow rules: status flow, completeness, agenda slots, file types, medians."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from filiere.meetings import rules

TODAY = dt.date(2026, 11, 23)
COMPLETE = rules.CaseFacts(
    question_type="therapeutic",
    question="Quelle prophylaxie pour une extraction dentaire ?",
    proposal="Acide tranexamique",
    clinical_summary="Épistaxis",
    is_urgent=False,
    urgency_justification="",
    patient_informed_on=dt.date(2026, 11, 1),
    patient_not_opposed=True,
    off_label_drug="",
    planned_procedure="",
    diagnoses=1,
    phenotypes=2,
    platelet_workups=1,
    genetic_findings=1,
    attachments=1,
)


def test_a_complete_request_has_no_gap() -> None:
    assert rules.completeness_gaps(COMPLETE, TODAY) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": "?"}, "question"),
        ({"clinical_summary": " "}, "clinical_summary"),
        ({"patient_not_opposed": False}, "patient_not_opposed"),
        ({"patient_informed_on": dt.date(2026, 12, 1)}, "patient_informed_on"),
        ({"is_urgent": True}, "urgency_justification"),
        ({"proposal": ""}, "proposal"),
        ({"question_type": "off_label"}, "off_label_drug"),
        ({"question_type": "surgery", "proposal": ""}, "planned_procedure"),
    ],
)
def test_each_missing_item_blocks_acceptance(change: dict[str, Any], field: str) -> None:
    gaps = rules.completeness_gaps(dataclasses.replace(COMPLETE, **change), TODAY)
    assert field in {gap.field for gap in gaps if gap.blocking}


def test_an_empty_registry_file_and_no_attachment_are_warnings_only() -> None:
    facts = dataclasses.replace(
        COMPLETE, diagnoses=0, phenotypes=0, platelet_workups=0, attachments=0
    )
    gaps = rules.completeness_gaps(facts, TODAY)
    assert gaps
    assert not any(gap.blocking for gap in gaps)


def test_the_status_flow_refuses_skipping_steps() -> None:
    assert rules.may_move("submitted", "accepted")
    assert rules.may_move("returned", "submitted")
    assert not rules.may_move("submitted", "signed")
    assert not rules.may_move("declined", "accepted")
    assert not rules.may_move("delivered", "discussed")


def _slot(label: str, hour: int, minute: int, minutes: int) -> rules.Slot:
    return rules.Slot(label, dt.datetime(2026, 12, 1, hour, minute, tzinfo=dt.UTC), minutes)


def test_overlapping_slots_are_found_and_touching_ones_are_not() -> None:
    agenda = [_slot("A", 16, 0, 10), _slot("B", 16, 10, 10)]
    assert rules.first_overlap(_slot("new", 16, 5, 10), agenda) == agenda[0]
    assert rules.first_overlap(_slot("new", 16, 20, 10), agenda) is None
    end = agenda[0].start + dt.timedelta(hours=2)
    assert rules.first_free_start(agenda[0].start, end, 10, agenda) == agenda[1].end


def test_a_case_placed_after_the_others_takes_the_first_gap_long_enough() -> None:
    """Issue 12, defect 6: « à la suite » was refused although 16:54–17:15 was free; the case
    goes into the first gap where its slot fits, else after the last slot, else nowhere."""
    start, end = _slot("", 16, 0, 0).start, _slot("", 18, 0, 0).start
    agenda = [_slot("A", 16, 0, 54), _slot("C", 17, 15, 45), _slot("B", 16, 30, 10)]
    agenda.append(_slot("D", 18, 0, 0))
    assert rules.first_free_start(start, end, 20, agenda) == _slot("", 16, 54, 0).start
    assert rules.first_free_start(start, end, 21, agenda) == _slot("", 16, 54, 0).start
    assert rules.first_free_start(start, end, 22, agenda) is None
    assert rules.first_free_start(start, end, 15, []) == start


def test_a_pregnancy_question_for_a_male_patient_is_blocking() -> None:
    """Issue 12, defect 6: a pregnancy question cannot concern a male patient."""
    facts = dataclasses.replace(
        COMPLETE, question_type="pregnancy", planned_procedure="Accouchement", patient_sex="M"
    )
    (gap,) = rules.completeness_gaps(facts, TODAY)
    assert gap.field == "question_type"
    assert gap.blocking
    assert "masculin" in gap.message
    female = dataclasses.replace(facts, patient_sex="F")
    assert rules.completeness_gaps(female, TODAY) == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", rules.PDF),
        (b"\x89PNG\r\n\x1a\n\x00", rules.PNG),
        (b"\xff\xd8\xff\xe0", rules.JPEG),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_the_type_is_read_from_the_magic_bytes(head: bytes, expected: str | None) -> None:
    assert rules.sniff_content_type(head) == expected


def test_the_name_must_match_the_content() -> None:
    assert rules.extension_matches("CR biologie.PDF", rules.PDF)
    assert rules.extension_matches("frottis.jpeg", rules.JPEG)
    assert not rules.extension_matches("frottis.pdf", rules.JPEG)
    assert not rules.extension_matches("sans-extension", rules.PDF)


def test_median() -> None:
    assert rules.median([]) is None
    assert rules.median([3, 1, 2]) == 2
    assert rules.median([4, 1, 2, 3]) == 2.5
