"""The quorum rule, without a database: ≥ 3 specialties, required ones present, one physician
counts for one specialty (HAS "Fiche méthode RCP", 2014; 3C audit grids)."""

from __future__ import annotations

from filiere.meetings.quorum import Attendee, QuorumRule, evaluate

PLATELETS = QuorumRule(
    required=frozenset({"haematology", "haemostasis_biology", "medical_genetics"}), minimum=3
)


def doctor(key: str, *specialties: str, physician: bool = True) -> Attendee:
    return Attendee(key=key, name=key, specialties=specialties, physician=physician)


def test_three_physicians_of_the_three_required_specialties_meet_the_quorum() -> None:
    result = evaluate(
        PLATELETS,
        [
            doctor("a", "haematology"),
            doctor("b", "haemostasis_biology"),
            doctor("c", "medical_genetics"),
        ],
    )
    assert result.met
    assert result.assignment == {
        "a": "haematology",
        "b": "haemostasis_biology",
        "c": "medical_genetics",
    }


def test_a_missing_required_specialty_is_named() -> None:
    result = evaluate(
        PLATELETS,
        [
            doctor("a", "haematology"),
            doctor("b", "haemostasis_biology"),
            doctor("c", "paediatrics"),
        ],
    )
    assert not result.met
    assert result.missing_required == {"medical_genetics"}
    assert result.distinct_count == 3


def test_one_physician_with_two_qualifications_counts_for_one_specialty_only() -> None:
    # A haematologist who is also a geneticist cannot stand for both.
    result = evaluate(
        PLATELETS,
        [doctor("a", "haematology", "medical_genetics"), doctor("b", "haemostasis_biology")],
    )
    assert not result.met
    assert result.distinct_count == 2


def test_the_matching_finds_who_counts_for_what() -> None:
    # Greedy assignment of "a" to haematology would leave genetics uncovered; the matching
    # gives haematology to "c" and genetics to "a".
    result = evaluate(
        PLATELETS,
        [
            doctor("a", "haematology", "medical_genetics"),
            doctor("b", "haemostasis_biology"),
            doctor("c", "haematology"),
        ],
    )
    assert result.met
    assert result.assignment["a"] == "medical_genetics"
    assert result.assignment["c"] == "haematology"


def test_two_physicians_of_the_same_specialty_count_once() -> None:
    rule = QuorumRule(required=frozenset(), minimum=3)
    result = evaluate(
        rule,
        [doctor("a", "haematology"), doctor("b", "haematology"), doctor("c", "surgery")],
    )
    assert not result.met
    assert result.distinct_count == 2


def test_staff_who_are_not_physicians_do_not_count() -> None:
    result = evaluate(
        PLATELETS,
        [
            doctor("a", "haematology"),
            doctor("b", "haemostasis_biology"),
            doctor("c", "medical_genetics", physician=False),
        ],
    )
    assert not result.met
    assert "c" not in result.assignment


def test_a_narrower_specialty_answers_for_the_broader_one() -> None:
    result = evaluate(
        PLATELETS,
        [
            doctor("a", "paediatric_haematology"),
            doctor("b", "haemostasis_biology"),
            doctor("c", "molecular_genetics"),
        ],
    )
    assert result.met


def test_the_record_lists_each_physician_and_what_they_counted_for() -> None:
    attendees = [doctor("a", "haematology"), doctor("b", "surgery")]
    record = evaluate(PLATELETS, attendees).as_record(attendees)
    assert record["met"] is False
    assert record["missing_required"] == ["haemostasis_biology", "medical_genetics"]
    assert [a["counted_for"] for a in record["attendees"]] == ["haematology", "surgery"]
