"""The guided ISTH-BAT questionnaire (the 2011 supplement): the questions of each domain and the
score their answers reach."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from filiere.clinical.isth_bat.scoring_key import CONSULTATION_ONLY, Domain, IsthBatError
from filiere.lib.i18n import gettext_noop

# --- Guided questionnaire ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """A yes/no question; "oui" reaches ``score`` in its domain."""

    key: str
    text: str
    score: int
    help_text: str = ""


def _consultation(text: str) -> Question:
    """The level-2 question of a domain ("consultation only")."""
    return Question("consultation", text, 2, help_text=CONSULTATION_ONLY)


_TRANSFUSION = Question(
    "systemic_treatment", gettext_noop("Transfusion, traitement substitutif ou desmopressine ?"), 4
)
_SURGICAL_OR_ANTIFIBRINOLYTIC = Question(
    "surgical_haemostasis", gettext_noop("Hémostase chirurgicale ou antifibrinolytique ?"), 3
)

# Questions are ordered as the clinician asks them, from the mildest level up. Several questions
# may share a level (the scoring key's "or"); the highest level answered "oui" is the score.
QUESTIONNAIRE: Mapping[Domain, tuple[Question, ...]] = {
    Domain.EPISTAXIS: (
        Question(
            "frequent_or_long",
            gettext_noop("Saignements de nez plus de 5 fois par an ou de plus de 10 minutes ?"),
            1,
        ),
        _consultation(gettext_noop("Avez-vous consulté un médecin pour ces saignements de nez ?")),
        Question(
            "local_treatment", gettext_noop("Méchage, cautérisation ou antifibrinolytique ?"), 3
        ),
        _TRANSFUSION,
    ),
    Domain.CUTANEOUS: (
        Question(
            "five_bruises",
            gettext_noop("Au moins 5 ecchymoses de plus de 1 cm sur des zones exposées ?"),
            1,
        ),
        _consultation(gettext_noop("Avez-vous consulté un médecin pour ces ecchymoses ?")),
        Question("extensive", gettext_noop("Ecchymoses étendues ?"), 3),
        Question(
            "systemic_treatment",
            gettext_noop("Hématome spontané ayant nécessité une transfusion ?"),
            4,
        ),
    ),
    Domain.MINOR_WOUNDS: (
        Question(
            "frequent_or_long",
            gettext_noop(
                "Saignements de petites plaies plus de 5 fois par an ou de plus de 10 minutes ?"
            ),
            1,
        ),
        _consultation(gettext_noop("Avez-vous consulté un médecin pour ces saignements ?")),
        Question("surgical_haemostasis", gettext_noop("Hémostase chirurgicale ?"), 3),
        _TRANSFUSION,
    ),
    Domain.ORAL_CAVITY: (
        Question(
            "present",
            gettext_noop(
                "Saignements de la bouche (gencives, morsure de langue ou de lèvre, éruption ou "
                "chute des dents de lait) ?"
            ),
            1,
        ),
        _consultation(
            gettext_noop("Avez-vous consulté un médecin pour ces saignements de la bouche ?")
        ),
        _SURGICAL_OR_ANTIFIBRINOLYTIC,
        _TRANSFUSION,
    ),
    Domain.GASTROINTESTINAL: (
        Question(
            "present",
            gettext_noop(
                "Saignements digestifs (hématémèse, méléna, rectorragies) non expliqués par un "
                "ulcère, une hypertension portale, des hémorroïdes ou une angiodysplasie ?"
            ),
            1,
        ),
        _consultation(
            gettext_noop("Avez-vous consulté un médecin pour ces saignements digestifs ?")
        ),
        _SURGICAL_OR_ANTIFIBRINOLYTIC,
        _TRANSFUSION,
    ),
    Domain.HAEMATURIA: (
        Question(
            "present", gettext_noop("Sang visible dans les urines (hématurie macroscopique) ?"), 1
        ),
        _consultation(gettext_noop("Avez-vous consulté un médecin pour ce sang dans les urines ?")),
        Question(
            "surgical_haemostasis",
            gettext_noop("Hémostase chirurgicale ou traitement martial (fer) ?"),
            3,
        ),
        _TRANSFUSION,
    ),
    Domain.TOOTH_EXTRACTION: (
        Question(
            "bleeding_some",
            gettext_noop("Saignement prolongé après au moins une extraction dentaire ?"),
            1,
        ),
        Question(
            "bleeding_over_quarter",
            gettext_noop("Saignement après plus d'une extraction sur quatre (plus de 25 %) ?"),
            2,
            help_text=gettext_noop("1 extraction sur 1, 1 sur 2 ou 1 sur 3 : oui ; 1 sur 4 : non."),
        ),
        Question("local_treatment", gettext_noop("Reprise de suture ou méchage ?"), 3),
        _TRANSFUSION,
    ),
    Domain.SURGERY: (
        Question(
            "bleeding_some",
            gettext_noop("Saignement anormal après au moins une intervention chirurgicale ?"),
            1,
        ),
        Question(
            "bleeding_over_quarter",
            gettext_noop("Saignement après plus d'une intervention sur quatre (plus de 25 %) ?"),
            2,
            help_text=gettext_noop(
                "1 intervention sur 1, 1 sur 2 ou 1 sur 3 : oui ; 1 sur 4 : non."
            ),
        ),
        _SURGICAL_OR_ANTIFIBRINOLYTIC,
        _TRANSFUSION,
    ),
    Domain.MENORRHAGIA: (
        Question(
            "consultation",
            gettext_noop("Avez-vous consulté un médecin pour des règles abondantes ?"),
            1,
            help_text=CONSULTATION_ONLY,
        ),
        Question(
            "pads_every_2_hours",
            gettext_noop("Changement de protection plus souvent que toutes les 2 heures ?"),
            1,
        ),
        Question("clots_or_flooding", gettext_noop("Caillots ou débordements ?"), 1),
        Question("pbac_over_100", gettext_noop("Score PBAC supérieur à 100 ?"), 1),
        Question(
            "time_off", gettext_noop("Absences au travail ou à l'école plus de 2 fois par an ?"), 2
        ),
        Question(
            "single_treatment",
            gettext_noop("Traitement antifibrinolytique, hormonal ou martial (fer) ?"),
            2,
        ),
        Question(
            "combined_treatment",
            gettext_noop("Traitement combiné antifibrinolytique et hormonal ?"),
            3,
        ),
        Question(
            "since_menarche",
            gettext_noop(
                "Règles abondantes depuis les premières règles et depuis plus de 12 mois ?"
            ),
            3,
        ),
        Question(
            "emergency",
            gettext_noop("Hospitalisation et traitement en urgence pour des règles abondantes ?"),
            4,
        ),
        _TRANSFUSION,
        Question(
            "gynaecological_procedure",
            gettext_noop("Curetage, ablation de l'endomètre ou hystérectomie ?"),
            4,
        ),
    ),
    Domain.POSTPARTUM_HAEMORRHAGE: (
        Question(
            "consultation",
            gettext_noop(
                "Avez-vous consulté un médecin pour un saignement après un accouchement ?"
            ),
            1,
            help_text=CONSULTATION_ONLY,
        ),
        Question("oxytocin", gettext_noop("Traitement par ocytocine ?"), 1),
        Question("lochia_over_6_weeks", gettext_noop("Lochies pendant plus de 6 semaines ?"), 1),
        Question(
            "iron_or_antifibrinolytic",
            gettext_noop("Traitement martial (fer) ou antifibrinolytique ?"),
            2,
        ),
        # In this domain transfusion scores 3, not 4: level 4 is reserved for critical care or
        # surgery.
        Question(
            "systemic_treatment",
            gettext_noop("Transfusion, traitement substitutif ou desmopressine ?"),
            3,
        ),
        Question(
            "uterine_tamponade",
            gettext_noop("Examen sous anesthésie, ballonnet ou tamponnement intra-utérin ?"),
            3,
        ),
        Question(
            "critical_care_or_surgery",
            gettext_noop(
                "Soins critiques ou chirurgie (hystérectomie, ligature des artères iliaques "
                "internes, embolisation des artères utérines, sutures utérines de compression) ?"
            ),
            4,
        ),
    ),
    Domain.MUSCLE_HAEMATOMAS: (
        Question(
            "post_trauma",
            gettext_noop("Hématome musculaire après un traumatisme, sans traitement ?"),
            1,
        ),
        Question("spontaneous", gettext_noop("Hématome musculaire spontané, sans traitement ?"), 2),
        Question(
            "replacement",
            gettext_noop(
                "Hématome musculaire ayant nécessité desmopressine ou traitement substitutif ?"
            ),
            3,
        ),
        Question(
            "surgery_or_transfusion",
            gettext_noop("Hématome musculaire ayant nécessité une chirurgie ou une transfusion ?"),
            4,
        ),
    ),
    Domain.HAEMARTHROSIS: (
        Question(
            "post_trauma", gettext_noop("Hémarthrose après un traumatisme, sans traitement ?"), 1
        ),
        Question("spontaneous", gettext_noop("Hémarthrose spontanée, sans traitement ?"), 2),
        Question(
            "replacement",
            gettext_noop("Hémarthrose ayant nécessité desmopressine ou traitement substitutif ?"),
            3,
        ),
        Question(
            "surgery_or_transfusion",
            gettext_noop("Hémarthrose ayant nécessité une chirurgie ou une transfusion ?"),
            4,
        ),
    ),
    Domain.CNS: (
        Question("subdural", gettext_noop("Hématome sous-dural ?"), 3),
        Question("intracerebral", gettext_noop("Hémorragie intracérébrale ?"), 4),
    ),
    Domain.OTHER: (
        # The list is the 2010 table's footnote; in an infant these bleedings warrant
        # investigation whatever the total.
        Question(
            "present",
            gettext_noop(
                "Autres saignements : cordon ombilical, céphalhématome, hématome de la joue à "
                "la tétée, hémorragie conjonctivale, saignement après circoncision ou ponction "
                "veineuse ?"
            ),
            1,
        ),
        _consultation(gettext_noop("Avez-vous consulté un médecin pour ces saignements ?")),
        _SURGICAL_OR_ANTIFIBRINOLYTIC,
        _TRANSFUSION,
    ),
}


def _question_keys(domain: Domain) -> frozenset[str]:
    return frozenset(question.key for question in QUESTIONNAIRE[domain])


def _check_answer_keys(domain: Domain, keys: Iterable[str]) -> None:
    unknown = sorted(set(keys) - _question_keys(domain))
    if unknown:
        raise IsthBatError(
            f"{domain.label} : question(s) inconnue(s) : {', '.join(unknown)}.", domain=domain
        )


def score_domain_from_answers(domain: Domain, answers: Mapping[str, bool]) -> int:
    """Return the domain score from "oui"/"non" answers keyed by question key.

    The highest level answered "oui" wins; an unanswered question counts as "non".
    """
    _check_answer_keys(domain, answers)
    return max(
        (question.score for question in QUESTIONNAIRE[domain] if answers.get(question.key)),
        default=0,
    )


def next_question(domain: Domain, answers: Mapping[str, bool]) -> Question | None:
    """Return the next question worth asking, or None when the domain score is settled.

    A question whose level does not exceed the score already reached cannot change it.
    """
    reached = score_domain_from_answers(domain, answers)
    for question in QUESTIONNAIRE[domain]:
        if question.key not in answers and question.score > reached:
            return question
    return None
