"""What the demo's cases ask and what the meeting answers, by disease (fictitious, realistic).

Texts follow the platelet reference centre's usual questions: surgery planning in Bernard-Soulier
syndrome, off-label recombinant FVIIa in Glanzmann thrombasthenia, haematological-malignancy
surveillance in ANKRD26/RUNX1/ETV6 families, fibrosis follow-up in grey platelet syndrome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scenario:
    question_type: str
    question: str
    proposal: str
    summary: str
    answer: dict[str, Any] = field(default_factory=dict)
    planned_procedure: str = ""
    off_label_drug: str = ""


GLANZMANN = Scenario(
    question_type="off_label",
    question="Prophylaxie par facteur VII activé recombinant (rFVIIa) pour des ménorragies "
    "sévères et une chirurgie dentaire, en l'absence d'anticorps anti-αIIbβ3 ?",
    proposal="rFVIIa 90 µg/kg toutes les 2 à 3 h en périopératoire, acide tranexamique.",
    summary="Thrombasthénie de Glanzmann de type I. Épistaxis et gingivorragies depuis "
    "l'enfance, ménorragies avec anémie ferriprive. Deux transfusions plaquettaires antérieures.",
    off_label_drug="Eptacog alfa (rFVIIa)",
    planned_procedure="Extraction de trois dents de sagesse sous anesthésie générale.",
    answer={
        "question_answered": "Couverture hémostatique de l'extraction dentaire, ménorragies.",
        "discussion_summary": "Pas d'anticorps anti-αIIbβ3 ni anti-HLA à la dernière recherche. "
        "Le risque d'allo-immunisation limite les transfusions itératives. L'autorisation du "
        "rFVIIa couvre les patients réfractaires ou immunisés ; l'usage préventif est hors AMM.",
        "therapeutic_proposal": "rFVIIa 90 µg/kg avant le geste puis toutes les 2 h (3 doses), "
        "acide tranexamique 7 jours, colle biologique locale. Ménorragies : contraception "
        "progestative continue en première intention.",
        "alternatives": "Concentrés plaquettaires HLA compatibles si échec du rFVIIa.",
        "guideline_used": "PNDS Thrombasthénie de Glanzmann (filière MHEMO)",
        "is_off_label": True,
        "off_label_drug": "Eptacog alfa (rFVIIa)",
        "off_label_indication": "Prévention du saignement périopératoire chez une patiente non "
        "immunisée et non réfractaire aux transfusions plaquettaires.",
        "off_label_no_alternative": "Les transfusions plaquettaires répétées exposent à "
        "l'allo-immunisation anti-HLA et anti-αIIbβ3, qui compromettrait les prises en charge "
        "futures ; les antifibrinolytiques seuls sont insuffisants pour ce geste.",
        "off_label_references": "Poon MC et al., Blood 2004;104:936-40. Registre international "
        "de la thrombasthénie de Glanzmann (GTR).",
        "off_label_benefits_risks": "Efficacité rapportée > 80 % en chirurgie mineure ; risque "
        "thrombotique faible, à surveiller.",
        "off_label_patient_information": "Usage hors AMM, absence d'alternative satisfaisante, "
        "bénéfices attendus, risque thrombotique, modalités de prise en charge.",
        "off_label_funding_route": "hospital",
        "off_label_monitoring": "Surveillance du saignement à J1, J3, J7 ; signes de thrombose.",
        "follow_up_site": "reference_centre",
    },
)
BERNARD_SOULIER = Scenario(
    question_type="surgery",
    question="Préparation d'une amygdalectomie chez un patient atteint de syndrome de "
    "Bernard-Soulier : quelle couverture hémostatique ?",
    proposal="Transfusion plaquettaire préopératoire et acide tranexamique.",
    summary="Macrothrombopénie (40 G/L), absence d'agrégation à la ristocétine, GPIb effondrée. "
    "Angines à répétition, épistaxis ayant nécessité un méchage.",
    planned_procedure="Amygdalectomie programmée en service d'ORL.",
    answer={
        "question_answered": "Couverture hémostatique d'une amygdalectomie.",
        "discussion_summary": "Geste à haut risque hémorragique, saignement secondaire possible "
        "jusqu'à J10. Patient non transfusé à ce jour.",
        "therapeutic_proposal": "Acide tranexamique 10 jours ; rFVIIa en première intention pour "
        "épargner les transfusions ; concentrés plaquettaires si échec. Hospitalisation 48 h.",
        "alternatives": "Discuter l'abstention chirurgicale si les angines se raréfient.",
        "guideline_used": "Recommandations du CRPP pour la chirurgie des thrombopathies",
        "genetic_counselling": True,
        "genetic_counselling_note": "Conseil génétique familial (transmission récessive).",
        "follow_up_site": "shared",
    },
)
ANKRD26 = Scenario(
    question_type="follow_up",
    question="Famille avec variant ANKRD26 : quelle surveillance du risque d'hémopathie "
    "maligne, et faut-il tester les apparentés ?",
    proposal="Hémogramme annuel, myélogramme si cytopénie nouvelle.",
    summary="Thrombopénie modérée chez la patiente, sa mère et son oncle ; variant de la région "
    "5' non traduite d'ANKRD26. Pas de syndrome hémorragique sévère.",
    answer={
        "question_answered": "Surveillance du risque de leucémie et dépistage familial.",
        "discussion_summary": "Risque cumulé d'hémopathie myéloïde d'environ 8 %. Pas de "
        "surveillance médullaire systématique recommandée chez l'adulte asymptomatique.",
        "diagnostic_proposal": "Tester les apparentés au premier degré après conseil génétique.",
        "therapeutic_proposal": "Hémogramme annuel ; myélogramme et caryotype si cytopénie ou "
        "anomalie nouvelle. Éviter tout donneur apparenté porteur en cas de greffe.",
        "guideline_used": "PNDS Thrombopénies avec prédisposition aux hémopathies (2024-2025)",
        "trial_eligibility": "Éligible à la cohorte nationale des thrombopénies prédisposantes.",
        "genetic_counselling": True,
        "genetic_counselling_note": "Consultation de génétique pour la famille.",
        "follow_up_site": "reference_centre",
    },
)
RUNX1 = Scenario(
    question_type="genetic",
    question="Variant RUNX1 chez un patient candidat à une greffe familiale : le frère donneur "
    "doit-il être testé ?",
    proposal="Tester le frère avant de le retenir comme donneur.",
    summary="Thrombopathie familiale avec antécédent de LAM chez le père.",
    answer={
        "question_answered": "Choix du donneur de cellules souches.",
        "discussion_summary": "Un donneur porteur du variant familial est à exclure.",
        "diagnostic_proposal": "Génotypage ciblé du frère avant toute décision.",
        "therapeutic_proposal": "Donneur non apparenté si le frère est porteur.",
        "genetic_counselling": True,
        "follow_up_site": "reference_centre",
    },
)
GREY_PLATELETS = Scenario(
    question_type="follow_up",
    question="Syndrome des plaquettes grises : quel suivi de la myélofibrose et de la "
    "splénomégalie ?",
    proposal="Échographie abdominale annuelle.",
    summary="Variant NBEAL2 homozygote, plaquettes hypogranulaires, splénomégalie modérée.",
    answer={
        "question_answered": "Suivi de la fibrose médullaire.",
        "discussion_summary": "Fibrose progressive possible ; splénectomie à éviter.",
        "therapeutic_proposal": "Échographie annuelle, hémogramme semestriel, BOM si cytopénie.",
        "follow_up_site": "shared",
    },
)
WISKOTT_ALDRICH = Scenario(
    question_type="therapeutic",
    question="Syndrome de Wiskott-Aldrich : indication d'une greffe de cellules souches ou "
    "d'une thérapie génique ?",
    proposal="Greffe géno-identique si donneur disponible.",
    summary="Microthrombopénie, eczéma, infections récurrentes ; variant WAS hémizygote.",
    answer={
        "question_answered": "Traitement curatif.",
        "discussion_summary": "Forme sévère (score 3) ; donneur HLA identique non apparenté "
        "disponible.",
        "therapeutic_proposal": "Adresser en centre de greffe pédiatrique pour allogreffe.",
        "trial_eligibility": "Éligible à l'essai de thérapie génique si pas de donneur.",
        "follow_up_site": "reference_centre",
    },
)
JACOBSEN = Scenario(
    question_type="surgery",
    question="Syndrome de Jacobsen : chirurgie cardiaque en urgence, quelle prise en charge "
    "de la thrombopénie de Paris-Trousseau ?",
    proposal="Transfusion plaquettaire peropératoire.",
    summary="Délétion 11q terminale ; thrombopénie à 60 G/L avec granules géants.",
    planned_procedure="Cure de communication interventriculaire sous CEC dans 72 heures.",
    answer={
        "question_answered": "Préparation hémostatique de la chirurgie cardiaque.",
        "discussion_summary": "Risque hémorragique majeur sous CEC.",
        "therapeutic_proposal": "Concentrés plaquettaires d'aphérèse à l'induction et en sortie "
        "de CEC ; acide tranexamique ; cible > 100 G/L pendant 48 h.",
        "follow_up_site": "reference_centre",
    },
)
PARIS_TROUSSEAU = Scenario(
    question_type="follow_up",
    question="Thrombopénie de Paris-Trousseau (syndrome de Jacobsen) : quelle surveillance et "
    "quelles précautions pour les soins dentaires ?",
    proposal="Hémogramme semestriel, acide tranexamique pour les soins.",
    summary="Délétion 11q terminale, thrombopénie modérée avec granules géants.",
    answer={
        "question_answered": "Surveillance et prévention des saignements.",
        "discussion_summary": "La numération s'améliore souvent avec l'âge ; fonction plaquettaire "
        "altérée durablement.",
        "therapeutic_proposal": "Acide tranexamique pour les soins dentaires ; carte de soins.",
        "follow_up_site": "shared",
    },
)
GLANZMANN_PREGNANCY = Scenario(
    question_type="pregnancy",
    question="Projet de grossesse chez une patiente atteinte de thrombasthénie de Glanzmann : "
    "prise en charge de l'accouchement et du post-partum ?",
    proposal="Accouchement en maternité de niveau 3, rFVIIa disponible.",
    summary="Thrombasthénie de Glanzmann de type II, ménorragies traitées par progestatifs.",
    planned_procedure="Grossesse souhaitée dans l'année ; consultation préconceptionnelle faite.",
    answer={
        "question_answered": "Grossesse, accouchement et post-partum.",
        "discussion_summary": "Risque d'hémorragie du post-partum prolongée ; recherche "
        "d'anticorps anti-αIIbβ3 à chaque trimestre (risque de thrombopénie fœtale).",
        "therapeutic_proposal": "Maternité de niveau 3 ; péridurale contre-indiquée ; rFVIIa et "
        "concentrés plaquettaires HLA compatibles disponibles ; acide tranexamique 10 jours.",
        "guideline_used": "PNDS Thrombasthénie de Glanzmann (filière MHEMO)",
        "follow_up_site": "reference_centre",
    },
)
UNDIAGNOSED = Scenario(
    question_type="diagnostic",
    question="Syndrome hémorragique sans diagnostic après bilan complet : faut-il un exome ?",
    proposal="Séquençage d'exome en trio.",
    summary="Saignements cutanéo-muqueux, bilan plaquettaire et facteurs normaux.",
    answer={
        "question_answered": "Stratégie diagnostique.",
        "discussion_summary": "Impasse diagnostique après panel plaquettaire.",
        "diagnostic_proposal": "Exome en trio via le plan France médecine génomique.",
        "follow_up_site": "requesting_centre",
    },
)
GENERIC = Scenario(
    question_type="therapeutic",
    question="Conduite à tenir pour la prise en charge hémostatique au long cours ?",
    proposal="Acide tranexamique à la demande.",
    summary="Syndrome hémorragique cutanéo-muqueux modéré.",
    answer={
        "question_answered": "Prise en charge au long cours.",
        "discussion_summary": "Saignements modérés, pas d'indication à un traitement continu.",
        "therapeutic_proposal": "Acide tranexamique à la demande ; carte de soins d'urgence.",
        "follow_up_site": "requesting_centre",
    },
)

BY_ORPHA: dict[int, Scenario] = {
    849: GLANZMANN,
    274: BERNARD_SOULIER,
    477797: ANKRD26,
    71290: RUNX1,
    721: GREY_PLATELETS,
    906: WISKOTT_ALDRICH,
    2308: PARIS_TROUSSEAU,
    616874: UNDIAGNOSED,
}


def scenario_for(orpha: int | None, *, woman: bool = False, draw: float = 1.0) -> Scenario:
    """The case's scenario; a third of the women with Glanzmann ask about a pregnancy."""
    if orpha == 849 and woman and draw < 1 / 3:
        return GLANZMANN_PREGNANCY
    return BY_ORPHA.get(orpha or 0, GENERIC)
