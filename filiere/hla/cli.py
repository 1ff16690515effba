"""`filiere hla unacceptable|search`: HLA antibody analysis and donor search, JSON on stdout.

Errors (unreadable file, typing or option) print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NoReturn

from filiere.hla.antibodies import (
    DEFAULT_EPITOPE_SHARE,
    AntibodyProfile,
    RollUp,
    UnacceptableSet,
)
from filiere.hla.catalogue import AlleleCatalogue, default_catalogue, load_hla_nom
from filiere.hla.donors import (
    REGION_CODES,
    Abo,
    Donor,
    DonorFileError,
    PlateletAntigen,
    read_donors_csv,
)
from filiere.hla.eplets import EpletFileError, EpletTable, load_eplets
from filiere.hla.grades import match_grade
from filiere.hla.imgt import ImgtFormatError, load_imgt_serology
from filiere.hla.index import DonorIndex
from filiere.hla.nomenclature import HlaParseError, Locus, Typing, parse_typing
from filiere.hla.pool import embedded_frequencies
from filiere.hla.population import antigen_frequencies, cpra, unacceptable_labels
from filiere.hla.sab import ControlRule, SabControlError, SabFormatError, SabRun, read_sab_csv
from filiere.hla.search import (
    DEFAULT_THRESHOLDS,
    RANKING_KEYS,
    DonorQuery,
    RankedDonor,
    SearchResult,
)
from filiere.hla.serology import SerologyMap, default_serology


class CliError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"erreur : {message} (voir --help)\n")


def _thresholds(text: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(v) for v in text.replace(" ", "").split(",") if v}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seuils illisibles « {text} » (ex. 1000,2000,5000)"
        ) from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("les seuils doivent être des entiers positifs")
    return values


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"entier attendu, pas « {text} »") from None
    if value < 1:
        raise argparse.ArgumentTypeError("entier positif attendu")
    return value


def _share(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre attendu, pas « {text} »") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("part attendue entre 0 (exclu) et 1, ex. 0.8")
    return value


def _needs(text: str) -> frozenset[PlateletAntigen]:
    names = {a.value.lower(): a for a in PlateletAntigen}
    result = set()
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part not in names:
            raise argparse.ArgumentTypeError(f"« {part} » : attendu HPA-1a, HPA-3b, HPA-5b ou CD36")
        result.add(names[part])
    return frozenset(result)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sab",
        required=True,
        metavar="FICHIER.csv",
        help="résultat single antigen (Luminex) du patient : CSV « bead,mfi » (billes contrôles NC "
        "et PC incluses) ou export à plat HLA Fusion / MATCH IT! (voir filiere/hla/sab.py)",
    )
    parser.add_argument(
        "--typing",
        required=True,
        metavar="TYPAGE",
        help='typage HLA classe I du patient, ex. "A*02:01 A*24:02 B*44:02 B*51:01" ; ses propres '
        "antigènes ne sont jamais inacceptables",
    )
    parser.add_argument(
        "--rule",
        choices=[r.value for r in RollUp],
        default=RollUp.ANY.value,
        help="agrégation des billes par antigène : any = l'antigène est inacceptable dès qu'une "
        "de ses billes atteint le seuil (prudent, défaut) ; all = seulement si toutes l'atteignent",
    )
    parser.add_argument(
        "--loci",
        default="A,B,C",
        help="loci pris en compte, ex. A,B pour ignorer HLA-C (défaut : A,B,C)",
    )
    parser.add_argument(
        "--no-controls",
        action="store_true",
        help="accepter un fichier sans billes contrôles (sinon la série est rejetée si NC > 1500 "
        "MFI, PC < 3000 MFI ou contrôle absent)",
    )
    parser.add_argument(
        "--imgt",
        metavar="DOSSIER",
        help="dossier d'une version IPD-IMGT/HLA (rel_dna_ser.txt, rel_ser_ser.txt) pour la "
        "correspondance allèle → antigène, et sa liste d'allèles (hla_nom.txt) pour refuser les "
        "allèles inconnus ; défaut : dictionnaire OMS fourni par mhcgnomes, dont seuls les "
        "groupes alléliques (premier champ) sont alors vérifiés",
    )
    parser.add_argument(
        "--epitope-share",
        type=_share,
        default=DEFAULT_EPITOPE_SHARE,
        metavar="PART",
        help="Bw4/Bw6 : l'épitope est inacceptable au seuil T quand au moins cette part de ses "
        "billes (et au moins 3) est ≥ T (défaut : 0.8, règle des 80 %% de billes positives de "
        "deepMatchR ; 1 = toutes les billes)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="filiere hla",
        description="Anticorps anti-HLA et recherche de donneurs de plaquettes compatibles (JSON).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    unacceptable = commands.add_parser(
        "unacceptable",
        help="antigènes inacceptables à un seuil de MFI",
        description="Antigènes HLA inacceptables du patient à un seuil de MFI (JSON sur stdout).",
    )
    _common(unacceptable)
    unacceptable.add_argument(
        "--threshold",
        type=_positive,
        required=True,
        metavar="MFI",
        help="seuil de MFI : une bille compte quand sa MFI est ≥ ce seuil",
    )
    search = commands.add_parser(
        "search",
        help="donneurs compatibles par seuil (région, France) et liste classée",
        description="Consigne dynamique : nombre de donneurs compatibles par seuil de MFI, dans la "
        "région et en France, puis les meilleurs donneurs au seuil choisi (JSON sur stdout), "
        "classés par seuil de compatibilité le plus bas, somme des MFI, grade de Duquesnoy, "
        "relation ABO, eplets, puis identifiant (clé « ranking » du JSON).",
    )
    _common(search)
    _add_search_arguments(search)
    return parser


def _add_search_arguments(search: argparse.ArgumentParser) -> None:
    """The donor file, the thresholds and the ranking options of ``search``."""
    search.add_argument(
        "--donors",
        required=True,
        metavar="FICHIER.csv",
        help="fichier des donneurs : colonnes id, region, abo, hla_a, hla_b, et en option "
        "hla_c, site, rhd, hpa1, hpa3, hpa5, cd36, cmv, last_donation, active "
        "(voir filiere/hla/donors.py)",
    )
    search.add_argument(
        "--thresholds",
        type=_thresholds,
        default=DEFAULT_THRESHOLDS,
        metavar="T1,T2,…",
        help="seuils de MFI du tableau (défaut : 500,1000,2000,3000,5000,10000)",
    )
    search.add_argument(
        "--threshold",
        type=_positive,
        metavar="MFI",
        help="seuil de la liste classée ; défaut : le plus bas seuil du tableau qui donne au moins "
        "--top donneurs compatibles (dans la région avec --region-only), sinon le plus haut",
    )
    search.add_argument(
        "--region", metavar="CODE", help="code INSEE de la région du patient, ex. 84"
    )
    search.add_argument(
        "--region-only",
        action="store_true",
        help="ne classer que les donneurs de la région (défaut : toute la France)",
    )
    search.add_argument(
        "--top", type=_positive, default=20, help="taille de la liste (défaut : 20)"
    )
    search.add_argument(
        "--abo", choices=[a.value for a in Abo], help="groupe ABO du patient (classement ABO)"
    )
    search.add_argument(
        "--negative-for",
        type=_needs,
        default=frozenset(),
        metavar="HPA-1a,CD36",
        help="antigènes plaquettaires que le donneur ne doit pas porter (anti-HPA-1a, -3b, -5b "
        "ou anti-CD36 chez le patient) : seuls les donneurs négatifs (HPA-1a : génotype bb ; "
        "HPA-3b, HPA-5b : aa ; CD36 : non exprimé) sont comptés et classés ; ceux dont le statut "
        "est inconnu sont comptés à part (« to_type », à typer) et listés dans « to_type »",
    )
    search.add_argument(
        "--eplets",
        metavar="FICHIER.csv",
        help="table des eplets de classe I au format hlaR (MHC_I_eplet_v3.csv) : classe aussi par "
        "nombre d'eplets incompatibles",
    )
    search.add_argument(
        "--mfi-floor",
        type=int,
        default=500,
        metavar="MFI",
        help="MFI minimale comptée dans la somme des MFI contre le donneur (défaut : 500)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        output = _unacceptable(args) if args.command == "unacceptable" else _search(args)
    except (
        CliError,
        SabFormatError,
        SabControlError,
        DonorFileError,
        EpletFileError,
        ImgtFormatError,
    ) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"erreur : {error.filename or ''} : {error.strerror or error}", file=sys.stderr)
        return 2
    json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _serology(args: argparse.Namespace) -> SerologyMap:
    return load_imgt_serology(args.imgt) if args.imgt else default_serology()


def _catalogue(args: argparse.Namespace) -> AlleleCatalogue:
    loaded = load_hla_nom(args.imgt) if args.imgt else None
    return loaded or default_catalogue()


def _profile(args: argparse.Namespace, serology: SerologyMap) -> tuple[AntibodyProfile, SabRun]:
    catalogue = _catalogue(args)
    try:
        patient = parse_typing(args.typing)
        catalogue.check_typing(patient)
    except HlaParseError as error:
        raise CliError(f"--typing : {error}") from None
    if not patient.calls:
        raise CliError("--typing : aucun antigène HLA de classe I")
    try:
        loci = [Locus(part.strip().upper()) for part in args.loci.split(",") if part.strip()]
    except ValueError:
        raise CliError(
            f"--loci : « {args.loci} » (attendu A, B, C séparés par des virgules)"
        ) from None
    run = read_sab_csv(args.sab, catalogue=catalogue)
    if not args.no_controls:
        run.check_controls(ControlRule())
    profile = AntibodyProfile.build(
        run.beads,
        patient,
        serology=serology,
        rule=RollUp(args.rule),
        loci=loci,
        epitope_share=args.epitope_share,
    )
    return profile, run


def _self_json(profile: AntibodyProfile) -> dict[str, Any]:
    """Self at the resolution of the typing, allele-specific antibodies and the epitope rule."""
    return {
        "typing_to_refine": [
            {
                "call": refine.call.name,
                "possible_self": [a.name for a in refine.possible],
                "beads": [{"bead": b.allele.name, "mfi": b.mfi} for b in refine.beads],
            }
            for refine in profile.to_refine
        ],
        "possible_self_beads": [
            {"bead": b.allele.name, "mfi": b.mfi} for b in profile.possible_self
        ],
        "allele_specific": [{"bead": b.allele.name, "mfi": b.mfi} for b in profile.allele_specific],
        "epitope_rule": {
            "share": profile.epitope_share,
            "min_beads": profile.epitope_min_beads,
            "text": profile.epitope_rule,
            "epitopes": [
                {
                    "epitope": call.epitope.value,
                    "beads": call.beads,
                    "required": call.required,
                    "unacceptable_up_to": call.value if call.value > 0 else None,
                    "possibly_self": call.possibly_self,
                }
                for call in profile.epitope_calls()
            ],
        },
    }


def _unacceptable_json(unacceptable: UnacceptableSet, serology: SerologyMap) -> dict[str, Any]:
    return {
        "threshold": unacceptable.threshold,
        "unacceptable": unacceptable.names(serology),
        "antigens": [a.name for a in sorted(unacceptable.antigens)],
        "alleles": sorted(a.name for a in unacceptable.alleles),
        "epitopes": [e.value for e in sorted(unacceptable.epitopes)],
    }


def _unacceptable(args: argparse.Namespace) -> dict[str, Any]:
    serology = _serology(args)
    profile, run = _profile(args, serology)
    unacceptable = profile.unacceptable_at(args.threshold)
    frequencies = embedded_frequencies()
    allele_freqs = {
        locus.value: {a.name: f for a, f in table} for locus, table in frequencies.loci.items()
    }
    estimate = cpra(
        unacceptable_labels(unacceptable, serology), antigen_frequencies(allele_freqs, serology)
    )
    return {
        **_unacceptable_json(unacceptable, serology),
        "rule": profile.rule.value,
        "patient": str(profile.patient),
        "self_antigens": [a.name for a in sorted(profile.self_antigens)],
        "ignored_self_beads": [b.allele.name for b in profile.ignored_self],
        "beads_counted": len(profile.beads),
        **_self_json(profile),
        "controls": {
            "negative": run.negative_control,
            "positive": run.positive_control,
            "checked": not args.no_controls,
        },
        "mfi_column": run.mfi_column,
        "serology": serology.source,
        "cpra_estimate": {
            "value": round(estimate, 4),
            "method": "fréquences antigéniques françaises, loci indépendants, équilibre de "
            "Hardy-Weinberg (ordre de grandeur)",
            "source": frequencies.source,
        },
    }


def _search(args: argparse.Namespace) -> dict[str, Any]:
    if args.region is not None and args.region not in REGION_CODES:
        raise CliError(f"--region : « {args.region} » n'est pas un code de région INSEE")
    serology = _serology(args)
    profile, _ = _profile(args, serology)
    donors = read_donors_csv(args.donors, catalogue=_catalogue(args))
    eplets: EpletTable | None = load_eplets(args.eplets) if args.eplets else None
    index = DonorIndex.from_donors(donors, serology=serology, eplets=eplets)
    thresholds: tuple[int, ...] = args.thresholds
    query = DonorQuery(
        profile=profile,
        thresholds=thresholds,
        threshold=args.threshold or max(thresholds),
        region=args.region,
        patient_abo=Abo(args.abo) if args.abo else None,
        needs=args.negative_for,
        top=args.top,
        mfi_floor=args.mfi_floor,
        rank_region_only=args.region_only,
    )
    result = index.search(query)
    if args.threshold is None:
        chosen = _default_threshold(result, args.top, args.region_only)
        if chosen != query.threshold:
            result = index.search(replace(query, threshold=chosen))
    return _search_json(result, query, donors, serology)


def _default_threshold(result: SearchResult, top: int, region_only: bool) -> int:
    for row in result.table:
        count = row.eligible_region if region_only else row.eligible_nation
        if (count or 0) >= top:
            return row.threshold
    return result.table[-1].threshold


def _search_json(
    result: SearchResult, query: DonorQuery, donors: Sequence[Donor], serology: SerologyMap
) -> dict[str, Any]:
    profile = query.profile
    patient: Typing = profile.patient
    rows = []
    for row in result.table:
        rows.append(
            {
                **_unacceptable_json(profile.unacceptable_at(row.threshold), serology),
                "nation": {
                    "eligible": row.eligible_nation,
                    "to_retype": row.to_retype_nation,
                    "to_type": row.to_type_nation,
                },
                "region": None
                if row.eligible_region is None
                else {
                    "eligible": row.eligible_region,
                    "to_retype": row.to_retype_region,
                    "to_type": row.to_type_region,
                },
            }
        )
    return {
        "patient": str(patient),
        "rule": profile.rule.value,
        "region": query.region,
        "negative_for": sorted(a.value for a in query.needs),
        "pool_size": result.pool_size,
        "serology": serology.source,
        **_self_json(profile),
        "table": rows,
        "threshold": result.threshold,
        "ranking": [{"key": key, "meaning": meaning} for key, meaning in RANKING_KEYS],
        "donors": [_donor_json(entry, donors, patient, serology) for entry in result.donors],
        "to_type": [_donor_json(entry, donors, patient, serology) for entry in result.to_type],
    }


def _donor_json(
    entry: RankedDonor, donors: Sequence[Donor], patient: Typing, serology: SerologyMap
) -> dict[str, Any]:
    donor = donors[entry.position]
    grade = match_grade(donor.typing, patient, serology)
    return {
        "rank": entry.rank,
        "id": entry.donor_id,
        "site": donor.site,
        "region": entry.region,
        "abo": donor.abo.value if donor.abo else None,
        "typing": str(donor.typing),
        "lowest_threshold": entry.lowest_threshold,
        "summed_mfi": entry.summed_mfi,
        "summed_mfi_alert": entry.summed_mfi_alert,
        "eplet_mismatches": entry.eplet_mismatches,
        "abo_relation": entry.abo_relation.value,
        "platelet_antigens_ok": entry.platelet_antigens_ok,
        "hpa": {"hpa1": donor.hpa1, "hpa3": donor.hpa3, "hpa5": donor.hpa5},
        "cd36_positive": donor.cd36_positive,
        "grade": entry.match_grade,
        "grade_meaning": grade.meaning,
        "cregs": {name: list(cregs) for name, cregs in grade.cregs},
    }
