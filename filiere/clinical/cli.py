"""`filiere transfusion assess`: efficacy of one platelet transfusion, as JSON on stdout.

Called by filiere/cli.py with argv starting at "assess". Bad input gives one line on stderr that
names the option, and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import NoReturn

from filiere.clinical.transfusion import (
    ASSUMED_CPA_DOSE_E11,
    MIN_DOSE_PER_DONATION_E11,
    ONE_HOUR_CRITERIA,
    TWENTY_FOUR_HOUR_CRITERIA,
    BloodVolumeMethod,
    BsaFormula,
    CountAssessment,
    EfficacySettings,
    InvalidInput,
    Patient,
    PostCount,
    Product,
    ProductType,
    Sex,
    Transfusion,
    TransfusionAssessment,
    VerdictRule,
    WindowCriteria,
    assess_transfusion,
)
from filiere.clinical.transfusion.checks import (
    check_age,
    check_count,
    check_dose,
    check_height,
    check_non_negative,
    check_weight,
)
from filiere.lib.numbers import french_number

# 60 min is the nominal "1 h" count; 20 h is Petz's 24 h time and sits inside both the 18–24 h
# window (Williams) and the 16–24 h variant.
DEFAULT_POST_1H_MINUTES = 60.0
DEFAULT_POST_24H_MINUTES = 20 * 60.0

_SEXES = {"M": Sex.MALE, "F": Sex.FEMALE}
# Fields of the pure package, for the rare error raised after parsing.
_OPTIONS = {
    "weight_kg": "--weight",
    "height_cm": "--height",
    "age_years": "--age",
    "label_dose_e11": "--dose",
    "pooled_donations": "--pooled-donations",
    "pre_count_e9_per_l": "--pre",
}

_DESCRIPTION = """\
Évalue l'efficacité d'une transfusion de plaquettes : incrément (PI), rendement transfusionnel
plaquettaire (RTP, en anglais PPR) et CCI pour chaque numération post-transfusionnelle, fenêtre
de prélèvement de chaque numération, verdict par fenêtre et provenance des calculs. Résultat en
JSON sur la sortie standard."""


def _fr(value: float) -> str:
    return french_number(value)


_PER_DONATION = _fr(MIN_DOSE_PER_DONATION_E11)


_EPILOG = f"""\
Unités : numérations en ×10⁹/L (= G/L), dose en ×10¹¹ plaquettes, poids en kg, taille en cm,
délais en minutes après la FIN de la transfusion. La virgule décimale est acceptée (3,5).

Fenêtres : une numération prélevée 10 à 60 min après la fin de la transfusion compte pour
« 1 h », 18 à 24 h après pour « 24 h » ; ailleurs elle est « hors fenêtre » et ne sert à aucun
verdict (ses PI, RTP et CCI sont tout de même affichés).

Verdict : chaque indice (PI, RTP, CCI) a son propre verdict : la valeur arrondie comme elle
s'affiche (PI et RTP à l'unité, CCI au dixième) doit être supérieure ou égale à son seuil. Le
verdict d'une fenêtre suit la règle --rule : par défaut le CCI, seul indice corrigé de la
corpulence (CCI ≥ 7,5 à 1 h, ≥ 5 à 18–24 h ; Stanworth et al., Br J Haematol 2015) ; « all »
reprend la lecture des diapositives (inefficace dès qu'un indice échoue). Les indices qui se
contredisent dans une fenêtre sont signalés (« discordant »). La transfusion est inefficace si
une fenêtre l'est.

Dose : sans --dose, seule celle d'un CPA est supposée ({_fr(ASSUMED_CPA_DOSE_E11)} ×10¹¹,
contenu moyen, AABB 2024 ; marquée « assumed »). Un MCP ou un CPS sans dose n'a ni CCI ni RTP :
le minimum réglementaire ({_PER_DONATION} ×10¹¹ par don) surestimerait le CCI. Une dose hors de
0,5–10 ×10¹¹, un poids et une taille d'IMC invraisemblable ou une numération en baisse sont
signalés dans « warnings ».

Âge : obligatoire (--age) ; le volume sanguin d'un enfant n'est pas celui d'un adulte (75 mL/kg
jusqu'à 3 mois, 70 mL/kg avant 18 ans) et les équations de Nadler, validées chez l'adulte, sont
remplacées par ce tableau avant 18 ans.

Code de sortie : 0 si le calcul a abouti, 2 si une option est invalide.

Exemple :
  filiere transfusion assess --pre 8 --post-1h 32 --post-24h 21 --dose 3.5 \\
      --weight 70 --height 175 --sex M --age 40"""


class _UsageError(Exception):
    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(self.prog, message)


def _number(check: Callable[[str, float], float], field: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
        try:
            return check(field, value)
        except InvalidInput as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    return parse


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un entier") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} doit valoir au moins 1")
    return value


def _build_parser() -> _Parser:
    parser = _Parser(prog="filiere transfusion", description="Calculs transfusionnels (JSON).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    assess = commands.add_parser(
        "assess",
        help="efficacité d'une transfusion de plaquettes",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_count_arguments(assess)
    _add_product_arguments(assess)
    _add_patient_arguments(assess)
    _add_method_arguments(assess)
    _add_threshold_arguments(assess)
    return parser


def _add_count_arguments(assess: argparse.ArgumentParser) -> None:
    """The platelet counts and the delays of their samples."""
    count = _number(check_count, "count")
    minutes = _number(check_non_negative, "minutes")
    counts = assess.add_argument_group("numérations (×10⁹/L)")
    counts.add_argument(
        "--pre", type=count, required=True, metavar="N", help="numération avant la transfusion"
    )
    counts.add_argument(
        "--post-1h", type=count, metavar="N", help="numération « 1 h » après la transfusion"
    )
    counts.add_argument(
        "--post-1h-minutes",
        type=minutes,
        default=DEFAULT_POST_1H_MINUTES,
        metavar="MIN",
        help="délai de ce prélèvement après la fin de la transfusion, en minutes "
        "(défaut : %(default)g)",
    )
    counts.add_argument(
        "--post-24h", type=count, metavar="N", help="numération « 24 h » après la transfusion"
    )
    counts.add_argument(
        "--post-24h-minutes",
        type=minutes,
        default=DEFAULT_POST_24H_MINUTES,
        metavar="MIN",
        help="délai de ce prélèvement après la fin de la transfusion, en minutes "
        "(défaut : %(default)g, soit 20 h)",
    )


def _add_product_arguments(assess: argparse.ArgumentParser) -> None:
    """The product transfused and its dose."""
    product = assess.add_argument_group("produit")
    product.add_argument(
        "--dose",
        type=_number(check_dose, "dose"),
        metavar="D",
        help="plaquettes transfusées lues sur l'étiquette, en ×10¹¹ (sinon dose supposée)",
    )
    product.add_argument(
        "--product",
        type=str.upper,
        choices=[kind.value for kind in ProductType],
        default=ProductType.CPA.value,
        help="type de produit, pour supposer la dose quand --dose manque : CPA (aphérèse), "
        "MCP (mélange), CPS (standard) (défaut : %(default)s)",
    )
    product.add_argument(
        "--pooled-donations",
        type=_positive_int,
        metavar="N",
        help="nombre de dons mélangés dans un MCP (information ; la dose vient de l'étiquette)",
    )


def _add_patient_arguments(assess: argparse.ArgumentParser) -> None:
    """The patient's weight, height, sex and age."""
    patient = assess.add_argument_group("patient")
    patient.add_argument(
        "--weight",
        type=_number(check_weight, "weight"),
        required=True,
        metavar="KG",
        help="poids en kg",
    )
    patient.add_argument(
        "--height",
        type=_number(check_height, "height"),
        required=True,
        metavar="CM",
        help="taille en cm",
    )
    patient.add_argument(
        "--sex",
        type=str.upper,
        choices=list(_SEXES),
        required=True,
        help="sexe : M ou F (volume sanguin)",
    )
    patient.add_argument(
        "--age",
        type=_number(check_age, "age"),
        metavar="ANS",
        required=True,
        help="âge en années, décimales admises (0,25 = 3 mois). Le VST vaut "
        "75 mL/kg jusqu'à 3 mois, 70 mL/kg avant 18 ans",
    )


def _add_method_arguments(assess: argparse.ArgumentParser) -> None:
    """The body surface area formula and the blood volume method."""
    methods = assess.add_argument_group("méthodes")
    methods.add_argument(
        "--bsa-formula",
        choices=[formula.value for formula in BsaFormula],
        default=BsaFormula.MOSTELLER.value,
        help="formule de surface corporelle (défaut : %(default)s)",
    )
    methods.add_argument(
        "--blood-volume",
        choices=[method.value for method in BloodVolumeMethod],
        default=BloodVolumeMethod.PER_KG.value,
        help="volume sanguin total : per_kg = 75 mL/kg (homme adulte, nourrisson ≤ 3 mois) ou "
        "70 mL/kg (femme adulte, enfant) ; nadler = équations de Nadler 1962 "
        "(défaut : %(default)s)",
    )


def _add_threshold_arguments(assess: argparse.ArgumentParser) -> None:
    """The verdict rule and each index's threshold."""
    threshold = _number(check_non_negative, "threshold")
    thresholds = assess.add_argument_group(
        "seuils (efficace si la valeur affichée est supérieure ou égale au seuil)"
    )
    thresholds.add_argument(
        "--rule",
        choices=[rule.value for rule in VerdictRule],
        default=VerdictRule.CCI.value,
        help="indice qui décide du verdict d'une fenêtre ; all = tous les indices "
        "(défaut : %(default)s)",
    )
    for option, default, text in (
        ("--pi-1h-threshold", ONE_HOUR_CRITERIA.pi_min_e9_per_l, "PI à 1 h, ×10⁹/L"),
        ("--pi-24h-threshold", TWENTY_FOUR_HOUR_CRITERIA.pi_min_e9_per_l, "PI à 24 h, ×10⁹/L"),
        ("--rtp-1h-threshold", ONE_HOUR_CRITERIA.rtp_min_percent, "RTP à 1 h, en %%"),
        ("--rtp-24h-threshold", TWENTY_FOUR_HOUR_CRITERIA.rtp_min_percent, "RTP à 24 h, en %%"),
        ("--cci-1h-threshold", ONE_HOUR_CRITERIA.cci_min, "CCI à 1 h (convention 7,5)"),
        ("--cci-24h-threshold", TWENTY_FOUR_HOUR_CRITERIA.cci_min, "CCI à 24 h"),
    ):
        thresholds.add_argument(
            option,
            type=threshold,
            default=default,
            metavar="X",
            help=f"seuil du {text} (défaut : %(default)g)",
        )


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _count_json(count: CountAssessment) -> dict[str, object]:
    return {
        "minutes_after_end": count.minutes_after_end,
        "count_e9_per_l": count.count_e9_per_l,
        "window": count.window.value,
        "increment_e9_per_l": _rounded(count.increment_e9_per_l),
        "rtp_percent": _rounded(count.rtp_percent),
        "cci": _rounded(count.cci),
        "criteria": [
            {
                "index": criterion.index.value,
                "value": _rounded(criterion.value),
                "shown": criterion.shown,
                "threshold": criterion.threshold,
                "passed": criterion.passed,
            }
            for criterion in count.criteria
        ],
        "verdict": count.verdict.value,
        "discordant": count.discordant,
        "falling": count.falling,
    }


def _criteria_json(criteria: WindowCriteria) -> dict[str, object]:
    return {
        "minutes_after_end": [criteria.earliest_minutes, criteria.latest_minutes],
        "pi_min_e9_per_l": criteria.pi_min_e9_per_l,
        "rtp_min_percent": criteria.rtp_min_percent,
        "cci_min": criteria.cci_min,
    }


def assessment_json(assessment: TransfusionAssessment) -> dict[str, object]:
    """Return the JSON document printed by `filiere transfusion assess`."""
    provenance = assessment.provenance
    patient = assessment.patient
    windows = (assessment.one_hour, assessment.twenty_four_hours)
    return {
        "verdict": assessment.verdict.value,
        "rule": provenance.settings.rule.value,
        "windows": {window.window.value: window.verdict.value for window in windows},
        "failed": {
            window.window.value: [criterion.index.value for criterion in window.failed]
            for window in windows
        },
        "discordant": {window.window.value: window.discordant for window in windows},
        "warnings": list(assessment.warnings),
        "counts": [_count_json(count) for count in assessment.counts],
        "pre_count_e9_per_l": assessment.transfusion.pre_count_e9_per_l,
        "dose_e11": provenance.dose.value_e11,
        "body_surface_area_m2": round(provenance.bsa_m2, 3),
        "blood_volume_l": round(provenance.blood_volume_l, 3),
        "patient": {
            "sex": patient.sex.value,
            "weight_kg": patient.weight_kg,
            "height_cm": patient.height_cm,
            "age_years": patient.age_years,
        },
        "provenance": {
            "product": assessment.transfusion.product.kind.value,
            "dose_source": provenance.dose.source.value,
            "dose_note": provenance.dose.note,
            "bsa_formula": provenance.bsa_formula.value,
            "blood_volume_method": provenance.blood_volume_method.value,
            "blood_volume_ml_per_kg": provenance.blood_volume_ml_per_kg,
            "blood_volume_note": provenance.volume_note,
            "formulas": list(provenance.formulas),
            "windows": {
                "1h": _criteria_json(provenance.settings.one_hour),
                "24h": _criteria_json(provenance.settings.twenty_four_hours),
            },
        },
    }


def _assess(args: argparse.Namespace) -> TransfusionAssessment:
    posts = tuple(
        PostCount(minutes_after_end=delay, count_e9_per_l=value)
        for value, delay in (
            (args.post_1h, args.post_1h_minutes),
            (args.post_24h, args.post_24h_minutes),
        )
        if value is not None
    )
    settings = EfficacySettings(
        bsa_formula=BsaFormula(args.bsa_formula),
        blood_volume_method=BloodVolumeMethod(args.blood_volume),
        one_hour=WindowCriteria(
            ONE_HOUR_CRITERIA.earliest_minutes,
            ONE_HOUR_CRITERIA.latest_minutes,
            args.pi_1h_threshold,
            args.rtp_1h_threshold,
            args.cci_1h_threshold,
        ),
        twenty_four_hours=WindowCriteria(
            TWENTY_FOUR_HOUR_CRITERIA.earliest_minutes,
            TWENTY_FOUR_HOUR_CRITERIA.latest_minutes,
            args.pi_24h_threshold,
            args.rtp_24h_threshold,
            args.cci_24h_threshold,
        ),
        rule=VerdictRule(args.rule),
    )
    transfusion = Transfusion(
        product=Product(
            kind=ProductType(args.product),
            label_dose_e11=args.dose,
            pooled_donations=args.pooled_donations,
        ),
        pre_count_e9_per_l=args.pre,
        post_counts=posts,
    )
    patient = Patient(
        sex=_SEXES[args.sex], weight_kg=args.weight, height_cm=args.height, age_years=args.age
    )
    return assess_transfusion(transfusion, patient, settings)


def _parse_and_assess(argv: list[str]) -> TransfusionAssessment:
    args = _build_parser().parse_args(argv)
    prog = "filiere transfusion assess"
    if args.post_1h is None and args.post_24h is None:
        raise _UsageError(prog, "--post-1h ou --post-24h : au moins une numération est requise")
    if args.pooled_donations is not None and args.product != ProductType.MCP:
        raise _UsageError(prog, "--pooled-donations : ne s'applique qu'à --product MCP")
    try:
        return _assess(args)
    except InvalidInput as exc:
        raise _UsageError(prog, f"{_OPTIONS.get(exc.field, exc.field)} : {exc.message}") from None


def main(argv: list[str]) -> int:
    """Run `filiere transfusion <argv>`; return the exit code."""
    try:
        assessment = _parse_and_assess(argv)
    except _UsageError as exc:
        print(f"{exc.prog} : erreur : {exc.message}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    json.dump(assessment_json(assessment), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
