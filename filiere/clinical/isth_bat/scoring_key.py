"""The ISTH-BAT's domains, populations and cut-offs, and its scoring key (Rodeghiero 2010):
the levels of each domain and the rules of the surgery and extraction items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from filiere.lib.i18n import gettext_noop

MAX_TOTAL = 56

CONSULTATION_ONLY = gettext_noop(
    "Consultation seulement : le patient a consulté un médecin et a été adressé à un "
    "spécialiste ou s'est vu proposer un bilan biologique approfondi."
)


class Domain(StrEnum):
    """The 14 domains, in the questionnaire's order."""

    EPISTAXIS = "epistaxis"
    CUTANEOUS = "cutaneous"
    MINOR_WOUNDS = "minor_wounds"
    ORAL_CAVITY = "oral_cavity"
    GASTROINTESTINAL = "gastrointestinal"
    HAEMATURIA = "haematuria"
    TOOTH_EXTRACTION = "tooth_extraction"
    SURGERY = "surgery"
    MENORRHAGIA = "menorrhagia"
    POSTPARTUM_HAEMORRHAGE = "postpartum_haemorrhage"
    MUSCLE_HAEMATOMAS = "muscle_haematomas"
    HAEMARTHROSIS = "haemarthrosis"
    CNS = "cns"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SCORING_KEY[self].label

    @property
    def allowed_scores(self) -> tuple[int, ...]:
        return tuple(level.score for level in SCORING_KEY[self].levels)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Population(StrEnum):
    """Reference population of the normal ranges (Elbatarny 2014)."""

    ADULT_MAN = "adult_man"
    ADULT_WOMAN = "adult_woman"
    CHILD = "child"

    @property
    def label(self) -> str:
        return _POPULATION_LABELS[self]

    @property
    def cutoff(self) -> int:
        """Return the lowest abnormal total (upper limit of normal + 1)."""
        return _CUTOFFS[self]


_POPULATION_LABELS = {
    Population.ADULT_MAN: gettext_noop("homme adulte"),
    Population.ADULT_WOMAN: gettext_noop("femme adulte"),
    Population.CHILD: gettext_noop("enfant"),
}

# Normal ranges of Elbatarny 2014: men 0-3, women 0-5, children (< 18 years, both sexes) 0-2.
_CUTOFFS = {Population.ADULT_MAN: 4, Population.ADULT_WOMAN: 6, Population.CHILD: 3}

ADULT_AGE = 18


class BatVersion(StrEnum):
    ISTH_BAT = "ISTH-BAT"  # interview by a physician or trained health professional
    SELF_BAT = "Self-BAT"  # completed by the patient (Deforest 2015)


class IsthBatError(ValueError):
    """An answer or a score the ISTH-BAT cannot hold; the message is in French."""

    def __init__(self, message: str, *, domain: Domain | None = None) -> None:
        super().__init__(message)
        self.domain = domain


# --- Scoring key ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreLevel:
    score: int
    description: str


@dataclass(frozen=True, slots=True)
class DomainKey:
    """One row of the scoring key: the domain's label and the meaning of each allowed score."""

    domain: Domain
    label: str
    levels: tuple[ScoreLevel, ...]

    def describe(self, score: int) -> str:
        for level in self.levels:
            if level.score == score:
                return level.description
        raise _impossible_score(self.domain, score)


def _key(domain: Domain, label: str, *descriptions: str | None) -> DomainKey:
    """Build a row from the descriptions of scores 0 to 4; None marks a score not allowed."""
    levels = tuple(
        ScoreLevel(score, text) for score, text in enumerate(descriptions) if text is not None
    )
    return DomainKey(domain, label, levels)


_NONE = gettext_noop("Absents ou insignifiants")
_CONSULTATION = gettext_noop("Consultation seulement")
_SYSTEMIC = gettext_noop("Transfusion, traitement substitutif ou desmopressine")

SCORING_KEY: Mapping[Domain, DomainKey] = {
    key.domain: key
    for key in (
        _key(
            Domain.EPISTAXIS,
            gettext_noop("Épistaxis"),
            _NONE,
            gettext_noop("Plus de 5 par an ou de plus de 10 minutes"),
            _CONSULTATION,
            gettext_noop("Méchage, cautérisation ou antifibrinolytique"),
            gettext_noop(
                "Transfusion, traitement substitutif (composants sanguins hémostatiques, rFVIIa) "
                "ou desmopressine"
            ),
        ),
        _key(
            Domain.CUTANEOUS,
            gettext_noop("Saignements cutanés (ecchymoses)"),
            _NONE,
            gettext_noop("Au moins 5 ecchymoses (> 1 cm) sur des zones exposées"),
            _CONSULTATION,
            gettext_noop("Ecchymoses étendues"),
            gettext_noop("Hématome spontané ayant nécessité une transfusion"),
        ),
        _key(
            Domain.MINOR_WOUNDS,
            gettext_noop("Saignements des plaies mineures"),
            _NONE,
            gettext_noop("Plus de 5 par an ou de plus de 10 minutes"),
            _CONSULTATION,
            gettext_noop("Hémostase chirurgicale"),
            _SYSTEMIC,
        ),
        _key(
            Domain.ORAL_CAVITY,
            gettext_noop("Saignements de la cavité buccale"),
            _NONE,
            gettext_noop("Saignements présents"),
            _CONSULTATION,
            gettext_noop("Hémostase chirurgicale ou antifibrinolytique"),
            _SYSTEMIC,
        ),
        _key(
            Domain.GASTROINTESTINAL,
            gettext_noop("Saignements digestifs"),
            _NONE,
            gettext_noop(
                "Présents (non expliqués par un ulcère, une hypertension portale, des hémorroïdes "
                "ou une angiodysplasie)"
            ),
            _CONSULTATION,
            gettext_noop("Hémostase chirurgicale ou antifibrinolytique"),
            _SYSTEMIC,
        ),
        _key(
            Domain.HAEMATURIA,
            gettext_noop("Hématurie"),
            gettext_noop("Absente ou insignifiante"),
            gettext_noop("Présente (macroscopique)"),
            _CONSULTATION,
            gettext_noop("Hémostase chirurgicale ou traitement martial"),
            _SYSTEMIC,
        ),
        _key(
            Domain.TOOTH_EXTRACTION,
            gettext_noop("Extractions dentaires"),
            gettext_noop("Absents, insignifiants ou aucune extraction"),
            # "Un quart" rather than "25 %": "% d" would read as a format placeholder to gettext.
            gettext_noop("Saignement après un quart des extractions ou moins, sans intervention"),
            gettext_noop("Saignement après plus d'un quart des extractions, sans intervention"),
            gettext_noop("Reprise de suture ou méchage"),
            _SYSTEMIC,
        ),
        _key(
            Domain.SURGERY,
            gettext_noop("Chirurgie"),
            gettext_noop("Absents, insignifiants ou aucune intervention"),
            gettext_noop(
                "Saignement après un quart des interventions ou moins, sans intervention "
                "hémostatique"
            ),
            gettext_noop(
                "Saignement après plus d'un quart des interventions, sans intervention hémostatique"
            ),
            gettext_noop("Hémostase chirurgicale ou antifibrinolytique"),
            _SYSTEMIC,
        ),
        _key(
            Domain.MENORRHAGIA,
            gettext_noop("Ménorragies"),
            gettext_noop("Absentes ou insignifiantes"),
            gettext_noop(
                "Consultation seulement, ou changement de protection plus souvent que toutes les "
                "2 heures, ou caillots et débordements, ou score PBAC > 100"
            ),
            gettext_noop(
                "Absences au travail ou à l'école plus de 2 fois par an, ou traitement "
                "antifibrinolytique, hormonal ou martial"
            ),
            gettext_noop(
                "Traitement combiné antifibrinolytique et hormonal, ou ménorragies présentes "
                "depuis les premières règles et depuis plus de 12 mois"
            ),
            gettext_noop(
                "Ménorragie aiguë ayant nécessité une hospitalisation et un traitement en urgence, "
                "ou transfusion, traitement substitutif ou desmopressine, ou curetage, ablation de "
                "l'endomètre ou hystérectomie"
            ),
        ),
        _key(
            Domain.POSTPARTUM_HAEMORRHAGE,
            gettext_noop("Hémorragie du post-partum"),
            gettext_noop("Absente, insignifiante ou aucun accouchement"),
            gettext_noop("Consultation seulement, ou ocytocine, ou lochies de plus de 6 semaines"),
            gettext_noop("Traitement martial ou antifibrinolytique"),
            gettext_noop(
                "Transfusion, traitement substitutif ou desmopressine, ou examen sous anesthésie "
                "et/ou ballonnet ou tamponnement intra-utérin"
            ),
            gettext_noop(
                "Tout acte nécessitant des soins critiques ou une chirurgie (hystérectomie, "
                "ligature des artères iliaques internes, embolisation des artères utérines, "
                "sutures utérines de compression)"
            ),
        ),
        _key(
            Domain.MUSCLE_HAEMATOMAS,
            gettext_noop("Hématomes musculaires"),
            gettext_noop("Jamais"),
            gettext_noop("Post-traumatique, sans traitement"),
            gettext_noop("Spontané, sans traitement"),
            gettext_noop(
                "Spontané ou traumatique, ayant nécessité desmopressine ou traitement substitutif"
            ),
            gettext_noop(
                "Spontané ou traumatique, ayant nécessité une chirurgie ou une transfusion"
            ),
        ),
        _key(
            Domain.HAEMARTHROSIS,
            gettext_noop("Hémarthroses"),
            gettext_noop("Jamais"),
            gettext_noop("Post-traumatique, sans traitement"),
            gettext_noop("Spontanée, sans traitement"),
            gettext_noop(
                "Spontanée ou traumatique, ayant nécessité desmopressine ou traitement substitutif"
            ),
            gettext_noop(
                "Spontanée ou traumatique, ayant nécessité une chirurgie ou une transfusion"
            ),
        ),
        _key(
            Domain.CNS,
            gettext_noop("Saignements du système nerveux central"),
            gettext_noop("Jamais"),
            None,
            None,
            gettext_noop("Hématome sous-dural, quelle que soit la prise en charge"),
            gettext_noop("Hémorragie intracérébrale, quelle que soit la prise en charge"),
        ),
        _key(
            Domain.OTHER,
            gettext_noop("Autres saignements"),
            _NONE,
            gettext_noop("Saignements présents"),
            _CONSULTATION,
            gettext_noop("Hémostase chirurgicale ou antifibrinolytique"),
            _SYSTEMIC,
        ),
    )
}

# Domains that exist only for women; a man scores 0 there and the domain is "non applicable".
FEMALE_ONLY_DOMAINS = frozenset({Domain.MENORRHAGIA, Domain.POSTPARTUM_HAEMORRHAGE})


def describe_score(domain: Domain, score: int) -> str:
    """Return the French meaning of ``score`` in ``domain`` (refuse an impossible score)."""
    return SCORING_KEY[domain].describe(validate_score(domain, score))


# --- Item rules ----------------------------------------------------------------------------


def _impossible_score(domain: Domain, score: object) -> IsthBatError:
    allowed = ", ".join(str(s) for s in domain.allowed_scores)
    return IsthBatError(
        f"{domain.label} : le score {score} est impossible (valeurs permises : {allowed}).",
        domain=domain,
    )


def validate_score(domain: Domain, score: int) -> int:
    """Return ``score`` if the domain allows it, else raise :class:`IsthBatError`."""
    # bool is an int subclass: True must not pass for a score of 1.
    if isinstance(score, bool) or not isinstance(score, int):
        raise _impossible_score(domain, score)
    if score not in domain.allowed_scores:
        raise _impossible_score(domain, score)
    return score


def is_applicable(domain: Domain, sex: Sex) -> bool:
    return sex is Sex.FEMALE or domain not in FEMALE_ONLY_DOMAINS


class ProcedureTreatment(StrEnum):
    """The most intensive treatment a bleeding after an extraction or a surgery needed."""

    NONE = "none"
    # Tooth extraction: resuturing or packing; surgery: surgical haemostasis or antifibrinolytic.
    LOCAL = "local"
    # Transfusion, replacement therapy or desmopressin.
    SYSTEMIC = "systemic"


def score_procedures(
    domain: Domain,
    *,
    procedures: int,
    with_bleeding: int,
    treatment: ProcedureTreatment = ProcedureTreatment.NONE,
) -> int:
    """Return the tooth-extraction or surgery score from counts of procedures.

    Without intervention, bleeding after 25 % of procedures or fewer scores 1 and after more
    than 25 % scores 2 (1/1, 1/2, 1/3 score 2; 1/4 scores 1); an intervention scores 3 or 4;
    no procedure, or no bleeding, scores 0.
    """
    if domain not in (Domain.TOOTH_EXTRACTION, Domain.SURGERY):
        raise IsthBatError(
            f"{domain.label} : la règle de fréquence ne s'applique qu'aux extractions dentaires "
            "et à la chirurgie.",
            domain=domain,
        )
    if procedures < 0 or with_bleeding < 0:
        raise IsthBatError(f"{domain.label} : un nombre ne peut être négatif.", domain=domain)
    if with_bleeding > procedures:
        raise IsthBatError(
            f"{domain.label} : {with_bleeding} saignement(s) pour {procedures} intervention(s), "
            "c'est impossible.",
            domain=domain,
        )
    if with_bleeding == 0:
        if treatment is not ProcedureTreatment.NONE:
            raise IsthBatError(
                f"{domain.label} : un traitement du saignement est indiqué sans aucun saignement.",
                domain=domain,
            )
        return 0
    if treatment is ProcedureTreatment.SYSTEMIC:
        return 4
    if treatment is ProcedureTreatment.LOCAL:
        return 3
    # Integer comparison: more than 25 % means with_bleeding / procedures > 1/4.
    return 2 if 4 * with_bleeding > procedures else 1
