"""ISTH/SSC Bleeding Assessment Tool: scoring key, item rules, questionnaire, interpretation.

Sources: Rodeghiero et al., J Thromb Haemost 2010;8:2063-5 and its supplement (revised
19 July 2011) for the scoring key and the extraction/surgery footnote; Elbatarny et al.,
Haemophilia 2014;20:831-5 for the normal ranges. No published patient vignette with its
per-domain scores was at hand: the patients below are built from the published scoring key,
and each says so.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filiere.clinical.isth_bat import (
    MAX_TOTAL,
    QUESTIONNAIRE,
    SCORING_KEY,
    Answer,
    BatVersion,
    Domain,
    IsthBatError,
    Population,
    ProcedureTreatment,
    Sex,
    counts_before_diagnosis,
    describe_score,
    next_question,
    score_assessment,
    score_domain_from_answers,
    score_procedures,
    score_questionnaire,
    validate_score,
)

DIAGNOSED_ON = dt.date(2015, 3, 2)

# --- Scoring key ---------------------------------------------------------------------------


def test_the_tool_has_fourteen_domains_each_with_a_french_label() -> None:
    assert len(Domain) == 14
    assert set(SCORING_KEY) == set(Domain)
    assert Domain.EPISTAXIS.label == "Épistaxis"
    assert Domain.CNS.label == "Saignements du système nerveux central"


def test_cns_allows_only_0_3_4_and_every_other_domain_0_to_4() -> None:
    """Rodeghiero 2010, table: CNS bleeding has no level 1 or 2."""
    assert Domain.CNS.allowed_scores == (0, 3, 4)
    for domain in set(Domain) - {Domain.CNS}:
        assert domain.allowed_scores == (0, 1, 2, 3, 4), domain


def test_epistaxis_key_matches_the_published_table() -> None:
    """Epistaxis row as reproduced by practical-haemostasis.com (ISTH-BAT page)."""
    assert describe_score(Domain.EPISTAXIS, 1) == "Plus de 5 par an ou de plus de 10 minutes"
    assert describe_score(Domain.EPISTAXIS, 2) == "Consultation seulement"
    assert describe_score(Domain.EPISTAXIS, 3) == "Méchage, cautérisation ou antifibrinolytique"
    assert "desmopressine" in describe_score(Domain.EPISTAXIS, 4)


@pytest.mark.parametrize("score", [1, 2])
def test_cns_score_1_or_2_is_refused_naming_the_domain(score: int) -> None:
    with pytest.raises(IsthBatError, match="système nerveux central") as refused:
        validate_score(Domain.CNS, score)
    assert refused.value.domain is Domain.CNS
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("score", [-1, 5, 12])
def test_a_score_outside_0_to_4_is_refused_in_french(score: int) -> None:
    with pytest.raises(IsthBatError, match=r"Épistaxis : le score .* est impossible"):
        validate_score(Domain.EPISTAXIS, score)


def test_a_boolean_is_not_taken_for_a_score() -> None:
    with pytest.raises(IsthBatError):
        validate_score(Domain.EPISTAXIS, True)


def test_an_impossible_domain_score_is_refused_by_the_assessment() -> None:
    with pytest.raises(IsthBatError, match="système nerveux central"):
        score_assessment({Domain.CNS: 2}, sex=Sex.FEMALE, age_years=30)


# --- Frequency rule for tooth extraction and surgery --------------------------------------


@pytest.mark.parametrize("domain", [Domain.TOOTH_EXTRACTION, Domain.SURGERY])
@pytest.mark.parametrize(
    ("procedures", "with_bleeding", "expected"),
    [
        (1, 1, 2),  # 100 %
        (2, 1, 2),  # 50 %
        (3, 1, 2),  # 33 %
        (4, 1, 1),  # 25 %
    ],
)
def test_frequency_rule_of_the_supplement(
    domain: Domain, procedures: int, with_bleeding: int, expected: int
) -> None:
    """The worked examples of the scoring key's footnote (Rodeghiero 2010 supplement, 2011)."""
    assert score_procedures(domain, procedures=procedures, with_bleeding=with_bleeding) == expected


def test_no_procedure_or_no_bleeding_scores_zero() -> None:
    assert score_procedures(Domain.TOOTH_EXTRACTION, procedures=0, with_bleeding=0) == 0
    assert score_procedures(Domain.SURGERY, procedures=5, with_bleeding=0) == 0


def test_an_intervention_scores_3_or_4_whatever_the_frequency() -> None:
    local, systemic = ProcedureTreatment.LOCAL, ProcedureTreatment.SYSTEMIC
    assert score_procedures(Domain.SURGERY, procedures=10, with_bleeding=1, treatment=local) == 3
    assert (
        score_procedures(Domain.TOOTH_EXTRACTION, procedures=8, with_bleeding=1, treatment=systemic)
        == 4
    )


@pytest.mark.parametrize(
    ("procedures", "with_bleeding", "treatment", "message"),
    [
        (2, 3, ProcedureTreatment.NONE, "impossible"),
        (-1, 0, ProcedureTreatment.NONE, "négatif"),
        (3, 0, ProcedureTreatment.LOCAL, "sans aucun saignement"),
    ],
)
def test_impossible_procedure_counts_are_refused(
    procedures: int, with_bleeding: int, treatment: ProcedureTreatment, message: str
) -> None:
    with pytest.raises(IsthBatError, match=f"Extractions dentaires : .*{message}"):
        score_procedures(
            Domain.TOOTH_EXTRACTION,
            procedures=procedures,
            with_bleeding=with_bleeding,
            treatment=treatment,
        )


def test_the_frequency_rule_is_only_for_teeth_and_surgery() -> None:
    with pytest.raises(IsthBatError, match="Épistaxis"):
        score_procedures(Domain.EPISTAXIS, procedures=1, with_bleeding=1)


@given(procedures=st.integers(1, 200), data=st.data())
def test_without_intervention_more_than_a_quarter_scores_2(
    procedures: int, data: st.DataObject
) -> None:
    with_bleeding = data.draw(st.integers(1, procedures))
    expected = 2 if Fraction(with_bleeding, procedures) > Fraction(1, 4) else 1
    assert (
        score_procedures(Domain.SURGERY, procedures=procedures, with_bleeding=with_bleeding)
        == expected
    )


# --- Guided questionnaire ------------------------------------------------------------------


@pytest.mark.parametrize("domain", list(Domain))
def test_questions_reach_every_level_and_no_impossible_one(domain: Domain) -> None:
    questions = QUESTIONNAIRE[domain]
    keys = [question.key for question in questions]
    assert len(keys) == len(set(keys))
    assert {question.score for question in questions} == set(domain.allowed_scores) - {0}
    assert all(question.text.endswith("?") for question in questions)


def test_the_highest_level_answered_yes_wins() -> None:
    answers = {
        "frequent_or_long": True,
        "consultation": False,
        "local_treatment": True,
        "systemic_treatment": False,
    }
    assert score_domain_from_answers(Domain.EPISTAXIS, answers) == 3
    assert score_domain_from_answers(Domain.EPISTAXIS, {}) == 0


def test_consultation_scores_1_for_menorrhagia_but_2_for_epistaxis() -> None:
    """Rodeghiero 2010: "consultation only" sits at level 1 in the menorrhagia row."""
    assert score_domain_from_answers(Domain.MENORRHAGIA, {"consultation": True}) == 1
    assert score_domain_from_answers(Domain.EPISTAXIS, {"consultation": True}) == 2


def test_transfusion_after_delivery_scores_3() -> None:
    answers = {"systemic_treatment": True}
    assert score_domain_from_answers(Domain.POSTPARTUM_HAEMORRHAGE, answers) == 3


def test_an_unknown_question_is_refused_naming_the_domain() -> None:
    with pytest.raises(IsthBatError, match="Hématurie : question"):
        score_domain_from_answers(Domain.HAEMATURIA, {"packing": True})


def test_the_clinician_is_guided_until_the_score_is_settled() -> None:
    first = next_question(Domain.EPISTAXIS, {})
    assert first is not None
    assert first.text == "Saignements de nez plus de 5 fois par an ou de plus de 10 minutes ?"
    after_no = next_question(Domain.EPISTAXIS, {"frequent_or_long": False})
    assert after_no is not None
    assert after_no.key == "consultation"
    # A "oui" at level 3 leaves only the level 4 question worth asking.
    after_packing = next_question(Domain.EPISTAXIS, {"local_treatment": True})
    assert after_packing is not None
    assert after_packing.score == 4
    assert next_question(Domain.EPISTAXIS, {"systemic_treatment": True}) is None


@given(data=st.data(), domain=st.sampled_from(Domain))
def test_any_set_of_answers_gives_an_allowed_score(data: st.DataObject, domain: Domain) -> None:
    keys = [question.key for question in QUESTIONNAIRE[domain]]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), st.booleans()))
    assert score_domain_from_answers(domain, answers) in domain.allowed_scores


# --- Example patients ----------------------------------------------------------------------


def test_man_with_packed_nosebleeds_bruising_and_a_bleeding_extraction() -> None:
    """Epistaxis needing packing (3), bruising with consultation only (2), one of three tooth
    extractions bled (2): total 7, abnormal for an adult man (cut-off 4).

    Reconstructed from the Rodeghiero 2010 scoring key and the supplement's footnote, not quoted
    from a publication.
    """
    tooth = score_procedures(Domain.TOOTH_EXTRACTION, procedures=3, with_bleeding=1)
    result = score_assessment(
        {Domain.EPISTAXIS: 3, Domain.CUTANEOUS: 2, Domain.TOOTH_EXTRACTION: tooth},
        sex=Sex.MALE,
        age_years=42,
    )
    assert result.total == 7
    assert result.cutoff == 4
    assert result.abnormal
    assert result.population_label == "homme adulte"
    assert result.version is BatVersion.ISTH_BAT
    assert result.not_applicable == {Domain.MENORRHAGIA, Domain.POSTPARTUM_HAEMORRHAGE}


def test_the_same_man_interviewed_question_by_question() -> None:
    """The patient above, scored from the guided questionnaire (reconstructed, as above)."""
    answers = [
        Answer(Domain.EPISTAXIS, "frequent_or_long", yes=True),
        Answer(Domain.EPISTAXIS, "local_treatment", yes=True),
        Answer(Domain.CUTANEOUS, "five_bruises", yes=True),
        Answer(Domain.CUTANEOUS, "consultation", yes=True),
        Answer(Domain.TOOTH_EXTRACTION, "bleeding_some", yes=True),
        Answer(Domain.TOOTH_EXTRACTION, "bleeding_over_quarter", yes=True),
        Answer(Domain.TOOTH_EXTRACTION, "local_treatment", yes=False),
    ]
    result = score_questionnaire(answers, sex=Sex.MALE, age_years=42, diagnosis_date=None)
    assert result.domain_scores[Domain.EPISTAXIS] == 3
    assert result.domain_scores[Domain.CUTANEOUS] == 2
    assert result.domain_scores[Domain.TOOTH_EXTRACTION] == 2
    assert result.total == 7
    assert result.abnormal


def test_woman_with_glanzmann_thrombasthenia_scored_before_diagnosis_only() -> None:
    """A woman diagnosed with Glanzmann thrombasthenia at 16, assessed at 30.

    Before diagnosis: nosebleeds needing packing (3), extensive bruising (3), menorrhagia from
    menarche lasting over a year (3). After diagnosis she received rFVIIa for nosebleeds and a
    transfusion after delivery: those answers are dated later and do not count. Reconstructed
    from the Rodeghiero 2010 scoring key, not quoted from a publication.
    """
    answers = [
        Answer(Domain.EPISTAXIS, "local_treatment", yes=True, occurred_on=dt.date(2010, 6, 1)),
        Answer(Domain.EPISTAXIS, "systemic_treatment", yes=True, occurred_on=dt.date(2019, 1, 9)),
        Answer(Domain.CUTANEOUS, "extensive", yes=True, before_diagnosis=True),
        Answer(Domain.MENORRHAGIA, "since_menarche", yes=True, occurred_on=DIAGNOSED_ON),
        Answer(
            Domain.POSTPARTUM_HAEMORRHAGE,
            "systemic_treatment",
            yes=True,
            occurred_on=dt.date(2021, 4, 2),
        ),
    ]
    result = score_questionnaire(answers, sex=Sex.FEMALE, age_years=30, diagnosis_date=DIAGNOSED_ON)
    assert result.domain_scores[Domain.EPISTAXIS] == 3
    assert result.domain_scores[Domain.MENORRHAGIA] == 3  # dated the day of diagnosis: counts
    assert result.domain_scores[Domain.POSTPARTUM_HAEMORRHAGE] == 0
    assert result.total == 9
    assert result.population_label == "femme adulte"
    assert result.abnormal
    assert result.not_applicable == frozenset()


def test_maximal_score_is_56() -> None:
    result = score_assessment(dict.fromkeys(Domain, 4), sex=Sex.FEMALE, age_years=25)
    assert result.total == MAX_TOTAL == 56


# --- Only symptoms before or at diagnosis -------------------------------------------------


@pytest.mark.parametrize(
    ("occurred_on", "before_diagnosis", "counts"),
    [
        (dt.date(2015, 3, 1), None, True),
        (DIAGNOSED_ON, None, True),
        (dt.date(2015, 3, 3), None, False),
        (None, None, True),
        (None, True, True),
        (None, False, False),
        (dt.date(2016, 1, 1), False, False),
    ],
)
def test_answers_after_diagnosis_are_excluded(
    occurred_on: dt.date | None, before_diagnosis: bool | None, counts: bool
) -> None:
    answer = Answer(
        Domain.EPISTAXIS,
        "systemic_treatment",
        yes=True,
        occurred_on=occurred_on,
        before_diagnosis=before_diagnosis,
    )
    assert counts_before_diagnosis(answer, DIAGNOSED_ON) is counts


def test_every_answer_counts_while_the_patient_is_being_investigated() -> None:
    answer = Answer(Domain.EPISTAXIS, "consultation", yes=True, occurred_on=dt.date(2024, 1, 1))
    assert counts_before_diagnosis(answer, None)


def test_a_date_contradicting_the_flag_is_refused() -> None:
    answer = Answer(
        Domain.HAEMARTHROSIS,
        "spontaneous",
        yes=True,
        occurred_on=dt.date(2018, 5, 1),
        before_diagnosis=True,
    )
    with pytest.raises(IsthBatError, match="Hémarthroses : la réponse est datée du 01/05/2018"):
        counts_before_diagnosis(answer, DIAGNOSED_ON)


def test_a_later_no_does_not_erase_an_earlier_yes() -> None:
    answers = [
        Answer(Domain.SURGERY, "surgical_haemostasis", yes=True, occurred_on=dt.date(2001, 1, 1)),
        Answer(Domain.SURGERY, "surgical_haemostasis", yes=False, occurred_on=dt.date(2012, 1, 1)),
    ]
    result = score_questionnaire(answers, sex=Sex.MALE, age_years=50, diagnosis_date=DIAGNOSED_ON)
    assert result.domain_scores[Domain.SURGERY] == 3


# --- Sex and age ---------------------------------------------------------------------------


def test_menorrhagia_and_postpartum_are_not_applicable_for_a_man() -> None:
    result = score_assessment({}, sex=Sex.MALE, age_years=30)
    scores = {item.domain: item for item in result.scores}
    assert scores[Domain.MENORRHAGIA].score == 0
    assert not scores[Domain.MENORRHAGIA].applicable
    assert scores[Domain.MENORRHAGIA].description == "Non applicable"
    assert not scores[Domain.POSTPARTUM_HAEMORRHAGE].applicable


def test_a_menorrhagia_score_for_a_man_is_refused() -> None:
    with pytest.raises(IsthBatError, match="Ménorragies : non applicable chez un homme"):
        score_assessment({Domain.MENORRHAGIA: 2}, sex=Sex.MALE, age_years=30)


@pytest.mark.parametrize(
    ("sex", "age_years", "total", "abnormal", "population"),
    [
        (Sex.MALE, 40, 3, False, Population.ADULT_MAN),
        (Sex.MALE, 40, 4, True, Population.ADULT_MAN),
        (Sex.FEMALE, 40, 5, False, Population.ADULT_WOMAN),
        (Sex.FEMALE, 40, 6, True, Population.ADULT_WOMAN),
        (Sex.MALE, 10, 2, False, Population.CHILD),
        (Sex.FEMALE, 10, 3, True, Population.CHILD),
        # At 17 a total of 3 is abnormal (child); at 18 it is normal for a man.
        (Sex.MALE, 17, 3, True, Population.CHILD),
        (Sex.MALE, 18, 3, False, Population.ADULT_MAN),
        (Sex.FEMALE, 17, 5, True, Population.CHILD),
        (Sex.FEMALE, 18, 5, False, Population.ADULT_WOMAN),
    ],
)
def test_cut_offs_of_elbatarny_2014_at_their_boundaries(
    sex: Sex, age_years: int, total: int, abnormal: bool, population: Population
) -> None:
    """Normal ranges (Elbatarny 2014): men 0-3, women 0-5, children under 18 years 0-2."""
    # Spread the total over domains of at most 2 points, none of them female-only.
    scores: dict[Domain, int] = {}
    for domain in (Domain.EPISTAXIS, Domain.CUTANEOUS, Domain.ORAL_CAVITY):
        scores[domain] = min(2, total - sum(scores.values()))
    result = score_assessment(scores, sex=sex, age_years=age_years)
    assert result.total == total
    assert result.abnormal is abnormal
    assert result.population is population
    assert result.cutoff == population.cutoff


def test_population_labels_are_french() -> None:
    assert [population.label for population in Population] == [
        "homme adulte",
        "femme adulte",
        "enfant",
    ]


def test_a_negative_age_is_refused() -> None:
    with pytest.raises(IsthBatError, match="âge"):
        score_assessment({}, sex=Sex.FEMALE, age_years=-1)


def test_self_bat_keeps_its_version_and_the_same_cut_offs() -> None:
    """Punt et al., TH Open 2019: the Self-BAT's optimal cut-offs equal the ISTH-BAT's."""
    result = score_assessment(
        {Domain.EPISTAXIS: 4}, sex=Sex.MALE, age_years=30, version=BatVersion.SELF_BAT
    )
    assert result.version is BatVersion.SELF_BAT
    assert result.cutoff == 4
    assert result.abnormal


# --- Properties ----------------------------------------------------------------------------


@st.composite
def assessments(draw: st.DrawFn) -> tuple[dict[Domain, int], Sex, int]:
    sex = draw(st.sampled_from(Sex))
    scores = {
        domain: draw(st.sampled_from(domain.allowed_scores))
        for domain in Domain
        if sex is Sex.FEMALE or domain not in (Domain.MENORRHAGIA, Domain.POSTPARTUM_HAEMORRHAGE)
    }
    return scores, sex, draw(st.integers(0, 110))


@settings(max_examples=300)
@given(assessments())
def test_total_is_the_sum_within_0_to_56(assessment: tuple[dict[Domain, int], Sex, int]) -> None:
    scores, sex, age_years = assessment
    result = score_assessment(scores, sex=sex, age_years=age_years)
    assert result.total == sum(scores.values()) == sum(result.domain_scores.values())
    assert 0 <= result.total <= MAX_TOTAL
    assert len(result.scores) == 14
    assert result.abnormal is (result.total >= result.cutoff)
