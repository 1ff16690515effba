"""ISTH/SSC Bleeding Assessment Tool (ISTH-BAT): scoring key, item rules, guided questionnaire.

References:
- Rodeghiero F, Tosetto A, Abshire T, et al. ISTH/SSC bleeding assessment tool: a standardized
  questionnaire and a proposal for a new bleeding score for inherited bleeding disorders.
  J Thromb Haemost 2010;8:2063-5, and its supplementary questionnaire (last revision
  19 July 2011).
- Elbatarny M, Mollah S, Grabell J, et al. Normal range of bleeding scores for the ISTH-BAT:
  adult and pediatric data from the merging project. Haemophilia 2014;20:831-5.
- Deforest M, Grabell J, Albert S, et al. Generation and optimization of the self-administered
  bleeding assessment tool (Self-BAT). Haemophilia 2015;21:e384-8; Punt MC et al., TH Open
  2019;3:e350-5 found the Self-BAT's optimal cut-offs identical to the ISTH-BAT's.

Only symptoms and treatments up to and including the diagnosis are scored. Each of the 14 domains
scores 0-4 (CNS bleeding only 0, 3 or 4) and the domain score is the most severe level reached;
the total is the sum (0-56).

The texts are in French, marked with ``gettext_noop`` for the catalogue: the pages show them
through ``gettext``, in English the tool's own wording (Rodeghiero 2010 and its supplement).

The French wording of the scoring key translates the table of Rodeghiero 2010. The epistaxis and
cutaneous rows and the extraction/surgery frequency footnote were checked against a published
reproduction (practical-haemostasis.com); the other rows are written from knowledge of the 2010
table and the 2011 supplement and should be proof-read against the supplement.
"""

from __future__ import annotations

from filiere.clinical.isth_bat.assessment import (
    Answer,
    BatResult,
    DomainScore,
    counts_before_diagnosis,
    population_for,
    score_assessment,
    score_questionnaire,
)
from filiere.clinical.isth_bat.questionnaire import (
    QUESTIONNAIRE,
    Question,
    next_question,
    score_domain_from_answers,
)
from filiere.clinical.isth_bat.scoring_key import (
    ADULT_AGE,
    CONSULTATION_ONLY,
    FEMALE_ONLY_DOMAINS,
    MAX_TOTAL,
    SCORING_KEY,
    BatVersion,
    Domain,
    DomainKey,
    IsthBatError,
    Population,
    ProcedureTreatment,
    ScoreLevel,
    Sex,
    describe_score,
    is_applicable,
    score_procedures,
    validate_score,
)

__all__ = [
    "ADULT_AGE",
    "CONSULTATION_ONLY",
    "FEMALE_ONLY_DOMAINS",
    "MAX_TOTAL",
    "QUESTIONNAIRE",
    "SCORING_KEY",
    "Answer",
    "BatResult",
    "BatVersion",
    "Domain",
    "DomainKey",
    "DomainScore",
    "IsthBatError",
    "Population",
    "ProcedureTreatment",
    "Question",
    "ScoreLevel",
    "Sex",
    "counts_before_diagnosis",
    "describe_score",
    "is_applicable",
    "next_question",
    "population_for",
    "score_assessment",
    "score_domain_from_answers",
    "score_procedures",
    "score_questionnaire",
    "validate_score",
]
