"""The printable transfusion instruction (PDF, reportlab), drawn from the saved version only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from filiere.core.pdf import build_document, grid_table, paragraph_styles
from filiere.hla.antibodies import AntibodyProfile, BeadStatus
from filiere.hla.sab import Bead
from filiere.hla.search import RANKING_KEYS
from filiere.transfusion.domain import antibody_profile
from filiere.transfusion.instructions import format_share
from filiere.transfusion.models import TransfusionInstruction
from filiere.transfusion.selectors import current_instruction, instruction_review, is_valid


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _to_type_story(
    instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """The donors HLA-compatible whose HPA/CD36 status is unknown: apart, never proposed."""
    rows: list[list[Any]] = [[*_KEY_HEADER, "Site", "HPA / CD36 connus", "Typage"]]
    for donor in instruction.to_type_donors:
        rows.append(
            [
                *_key_cells(donor, styles),
                Paragraph(escape(donor["site"]), styles["small"]),
                Paragraph(escape(donor["platelet_antigens"] or "inconnu"), styles["small"]),
                Paragraph(escape(donor["typing"]), styles["small"]),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "Aucun donneur à typer.", *[""] * 9])
    return [
        Spacer(1, 3 * mm),
        Paragraph(
            "À typer HPA/CD36 : compatibles HLA, statut plaquettaire inconnu (non proposés)",
            styles["h2"],
        ),
        grid_table(rows, [*_KEY_WIDTHS, 34 * mm, 30 * mm, 72 * mm], wrap_headers=True),
    ]


_BEAD_MARKS = {
    BeadStatus.COUNTED: "",
    BeadStatus.SELF: "S",
    BeadStatus.POSSIBLE_SELF: "PS",
    BeadStatus.ALLELE_SPECIFIC: "AS",
    BeadStatus.OTHER_LOCUS: "L",
}


def _beads_named(beads: Iterable[Bead]) -> str:
    return ", ".join(f"{b.allele.name} ({_number(b.mfi)})" for b in beads) or "aucune"


def _refine_paragraphs(profile: AntibodyProfile, body: ParagraphStyle) -> list[Any]:
    """The typings to refine, and the allele-specific antibodies reported."""
    story: list[Any] = []
    for refine in profile.to_refine:
        if refine.possible:
            text = (
                f"<b>Typage à préciser</b> : {escape(refine.call.name)} (antigène large) : le "
                f"patient porte l'un de {escape(', '.join(a.name for a in refine.possible))} sans "
                "qu'on sache lequel ; billes comptées (prudent), possiblement du soi : "
            )
        else:
            text = (
                f"<b>Typage à préciser</b> : {escape(refine.call.name)} (typage à un champ) : lu "
                "comme son seul équivalent sérologique ; billes écartées comme soi sans pouvoir "
                "reconnaître un anticorps allèle-spécifique : "
            )
        story.append(Paragraph(text + escape(_beads_named(refine.beads)) + ".", body))
    if profile.allele_specific_reported:
        story.append(
            Paragraph(
                "<b>Anticorps allèle-spécifiques</b> (autre allèle d'un antigène du patient typé "
                "au niveau allélique ; excluent les donneurs typés avec cet allèle, ceux typés au "
                "niveau de l'antigène sont à retyper) : "
                f"{escape(_beads_named(profile.allele_specific_reported))}.",
                body,
            )
        )
    return story


def _epitope_rule(profile: AntibodyProfile, body: ParagraphStyle) -> Paragraph:
    """The Bw4/Bw6 rule and each epitope's call."""
    epitopes = [
        f"{call.epitope.value} : {call.required} billes sur {call.beads} ≥ T exigées, "
        f"inacceptable jusqu'à {_number(call.value)} MFI"
        if call.value > 0
        else f"{call.epitope.value} : {call.beads} billes, jamais inacceptable"
        for call in profile.epitope_calls()
    ]
    epitopes += [f"{e.value} : porté par le patient" for e in sorted(profile.self_epitopes)]
    return Paragraph(
        f"Règle Bw4/Bw6 : l'épitope est inacceptable au seuil T quand au moins "
        f"{profile.epitope_share_percent} % des billes qui le portent (et au moins "
        f"{profile.epitope_min_beads}) sont ≥ T. {escape(' ; '.join(epitopes))}.",
        body,
    )


def _bead_grid(profile: AntibodyProfile) -> Any:
    """Every bead with its MFI and mark, in four columns read top to bottom."""
    cells = [
        [b.allele.name, _number(b.mfi), _BEAD_MARKS[status]] for b, status in profile.bead_rows()
    ]
    columns = 4
    per_column = -(-len(cells) // columns)
    rows: list[list[Any]] = [["Bille", "MFI", ""] * columns]
    for r in range(per_column):
        row: list[Any] = []
        for c in range(columns):
            index = c * per_column + r
            row += cells[index] if index < len(cells) else ["", "", ""]
        rows.append(row)
    return grid_table(rows, [18 * mm, 15 * mm, 12 * mm] * columns, wrap_headers=True)


def antibody_beads_story(
    instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """The serum's beads with their MFI, the self beads set aside, the typing to refine, the
    allele-specific antibodies and the Bw4/Bw6 rule (the page's bead partial, on paper)."""
    profile = antibody_profile(
        instruction.typing.typing, instruction.screen.beads.all(), instruction.rule
    )
    body = styles["body"]
    return [
        Spacer(1, 3 * mm),
        Paragraph("Billes du sérum, soi et épitopes", styles["h2"]),
        *_refine_paragraphs(profile, body),
        Paragraph(f"Billes du soi écartées : {escape(_beads_named(profile.ignored_self))}.", body),
        _epitope_rule(profile, body),
        Spacer(1, 2 * mm),
        _bead_grid(profile),
        Paragraph(
            "S : soi, écartée ; PS : possiblement du soi, comptée (typage à préciser) ; AS : "
            "autre allèle d'un antigène du patient, compté au niveau allélique (anticorps "
            "allèle-spécifique dès 500 MFI) ; L : locus non pris en compte ; "
            "sans marque : comptée.",
            styles["small"],
        ),
    ]


# The ranking keys in their order (filiere.hla.search.RANKING_KEYS), then the donor's details.
_KEY_HEADER = ["#", "Donneur", "Compatible dès (MFI)", "Somme MFI", "Grade", "ABO", "Eplets"]
_KEY_WIDTHS = [8 * mm, 22 * mm, 22 * mm, 20 * mm, 14 * mm, 30 * mm, 15 * mm]
_VERDICTS = {
    "effective": "efficace",
    "ineffective": "inefficace",
    "not_assessable": "non évaluable",
}


def _key_cells(donor: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    summed = _number(donor["summed_mfi"]) + (" (≥ 10 000)" if donor["summed_mfi_alert"] else "")
    abo = f"{donor['abo'] or '?'} – {donor.get('abo_relation') or 'ABO inconnu'}"
    return [
        donor["rank"],
        donor["id"],
        _number(donor["lowest_threshold"]),
        Paragraph(escape(summed), styles["small"]),
        donor["grade"],
        Paragraph(escape(abo), styles["small"]),
        "—" if donor.get("eplet_mismatches") is None else donor["eplet_mismatches"],
    ]


def _history(donor: dict[str, Any]) -> str:
    parts = [f"crossmatch négatif le {when}" for when in donor.get("crossmatch_negative", [])]
    parts += [
        f"transfusé le {item['date']} : {_VERDICTS.get(item['verdict'], item['verdict'])}"
        for item in donor.get("previous", [])
    ]
    return " ; ".join(parts) or "—"


def _share(value: float | None) -> str:
    return format_share(value).replace("\u00a0", " ")


def _requirements(instruction: TransfusionInstruction) -> str:
    rhd = {None: "RhD non renseigné", True: "RhD+", False: "RhD−"}[instruction.patient_rhd_positive]
    product = [
        "irradié" if instruction.irradiated else "non irradié",
        "CMV négatif" if instruction.cmv_negative else "CMV indifférent",
    ]
    if instruction.negative_for:
        product.append(f"donneur négatif pour : {', '.join(instruction.negative_for)}")
    return (
        f"Patient : groupe {instruction.patient_abo or 'ABO non renseigné'}, {rhd} ; produit : "
        f"{', '.join(product)}."
    )


def _warnings(instruction: TransfusionInstruction) -> list[str]:
    """What the pages warn about, as it stands on the day of printing."""
    notes = []
    latest = current_instruction(instruction.patient)
    if latest is not None and latest.pk != instruction.pk:
        notes.append(f"Une version plus récente (v{latest.version}) remplace celle-ci.")
    elif not is_valid(instruction):
        notes.append("Consigne expirée : un nouveau sérum et une nouvelle consigne sont attendus.")
    else:
        review = instruction_review(instruction)
        if review.serum_date:
            notes.append(
                f"À REVOIR : un sérum du {review.serum_date:%d/%m/%Y} a été enregistré depuis "
                f"celui du {instruction.serum_date:%d/%m/%Y} sur lequel elle repose."
            )
        if review.typed_on:
            notes.append(
                f"À REVOIR : un typage HLA du {review.typed_on:%d/%m/%Y} a été enregistré depuis."
            )
    if any(d["summed_mfi_alert"] for d in instruction.donors):
        notes.append(
            "Somme des MFI ≥ 10 000 pour au moins un donneur proposé : rendement faible attendu "
            "(Boothby 2024)."
        )
    if instruction.crossmatched:
        notes.append(f"Exclus par un crossmatch positif : {', '.join(instruction.crossmatched)}.")
    return notes


def _validation(instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]) -> Table:
    author = instruction.author.display_name if instruction.author else "—"
    created = timezone.localtime(instruction.created_at)
    signed = Paragraph(
        f"<b>Établie et signée</b> par {escape(author)}<br/>le {created:%d/%m/%Y à %H:%M} "
        f"(version {instruction.version})",
        styles["body"],
    )
    efs = Paragraph(
        "<b>Validation par l'établissement de transfusion sanguine</b><br/>Nom :<br/>Date :"
        "<br/>Signature :",
        styles["body"],
    )
    table = Table([[signed, efs]], colWidths=[120 * mm, 147 * mm], rowHeights=[26 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.5, colors.black),
                ("BOX", (1, 0), (1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _heading(instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """The title, the patient and version, the validity and the warnings of the day."""
    body = styles["body"]
    patient = instruction.patient
    author = instruction.author.display_name if instruction.author else "—"
    created = timezone.localtime(instruction.created_at)
    story: list[Any] = [
        Paragraph("Consigne transfusionnelle – plaquettes HLA compatibles", styles["title"]),
        Paragraph(
            f"Patient <b>{escape(patient.pseudonym)}</b> ({patient.get_sex_display()}, "
            f"né(e) en {patient.birth_year}) · version <b>{instruction.version}</b> du "
            f"{created:%d/%m/%Y à %H:%M} · auteur : {escape(author)}",
            body,
        ),
        Paragraph(
            f"<b>Valable jusqu'au {instruction.valid_until:%d/%m/%Y}</b> ; remplace les versions "
            "antérieures.",
            body,
        ),
    ]
    for note in _warnings(instruction):
        story.append(Paragraph(f"<b>Attention :</b> {escape(note)}", body))
    return story


def _basis(instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """The product requirements and what the instruction rests on: typing, serum, threshold."""
    body = styles["body"]
    lab = instruction.screen.laboratory
    laboratory = f" ({escape(lab)})" if lab else ""
    story: list[Any] = [
        Spacer(1, 3 * mm),
        Paragraph("Exigences sur le produit", styles["h2"]),
        Paragraph(escape(_requirements(instruction)), body),
        Spacer(1, 2 * mm),
        Paragraph("Fondement", styles["h2"]),
        Paragraph(
            f"Typage HLA du patient : {escape(instruction.typing.typing)} "
            f"(typé le {instruction.typing.typed_on:%d/%m/%Y}). "
            f"Sérum du <b>{instruction.serum_date:%d/%m/%Y}</b>{laboratory}.",
            body,
        ),
        Paragraph(
            f"Seuil retenu : <b>{_number(instruction.threshold)} MFI</b> ; règle : "
            f"{escape(instruction.get_rule_display())}. Antigènes inacceptables à ce seuil : "
            f"<b>{escape(', '.join(instruction.unacceptable) or 'aucun')}</b>.",
            body,
        ),
        Paragraph(
            f"cPRA au seuil : <b>{_share(instruction.cpra)}</b> des donneurs français portent au "
            "moins un antigène inacceptable (fréquences antigéniques françaises, loci "
            "indépendants). "
            f"Région : {escape(instruction.get_region_display())} · "
            f"fichier : {_number(instruction.pool_size)} donneurs actifs.",
            body,
        ),
    ]
    if instruction.note:
        story.append(Paragraph(f"Commentaire : {escape(instruction.note)}", body))
    if instruction.negative_for:
        story.append(
            Paragraph(
                "Exigence plaquettaire : seuls les donneurs dont le typage confirme l'absence de "
                f"{escape(', '.join(instruction.negative_for))} sont comptés et proposés ; ceux "
                "dont le statut est inconnu sont « à typer », comptés et listés à part.",
                body,
            )
        )
    return story


def _eligible_by_threshold(
    instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """How many donors each threshold leaves, in the region and in France."""
    filtered = bool(instruction.negative_for)
    header = ["Seuil (MFI)", "Région", "France", "À retyper (région / France)"]
    rows: list[list[Any]] = [
        [*header, "À typer HPA/CD36 (région / France)", "Inacceptables"]
        if filtered
        else [*header, "Inacceptables"]
    ]
    for row in instruction.table:
        mark = " (retenu)" if row["threshold"] == instruction.threshold else ""
        cells: list[Any] = [
            _number(row["threshold"]) + mark,
            _number(row["region"]["eligible"]),
            _number(row["nation"]["eligible"]),
            f"{_number(row['region'].get('to_retype', 0))} / "
            f"{_number(row['nation'].get('to_retype', 0))}",
        ]
        if filtered:
            cells.append(
                f"{_number(row['region'].get('to_type', 0))} / "
                f"{_number(row['nation'].get('to_type', 0))}"
            )
        cells.append(Paragraph(escape(", ".join(row["unacceptable"]) or "—"), styles["small"]))
        rows.append(cells)
    widths = [28 * mm, 20 * mm, 20 * mm, 32 * mm]
    widths += [32 * mm, 135 * mm] if filtered else [167 * mm]
    return [
        Spacer(1, 3 * mm),
        Paragraph("Donneurs éligibles par seuil", styles["h2"]),
        grid_table(rows, widths, wrap_headers=True),
    ]


def _proposed_donors(
    instruction: TransfusionInstruction, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """The donors proposed at the chosen threshold, in ranking order, and the ranking's legend."""
    donors: list[list[Any]] = [
        [*_KEY_HEADER, "Crossmatch, transfusions antérieures", "Site", "HPA / CD36", "Typage"]
    ]
    for donor in instruction.donors:
        donors.append(
            [
                *_key_cells(donor, styles),
                Paragraph(escape(_history(donor)), styles["small"]),
                Paragraph(escape(donor["site"]), styles["small"]),
                Paragraph(escape(donor["platelet_antigens"] or "—"), styles["small"]),
                Paragraph(escape(donor["typing"]), styles["small"]),
            ]
        )
    if len(donors) == 1:
        donors.append(["", "Aucun donneur compatible à ce seuil.", *[""] * 9])
    return [
        Spacer(1, 3 * mm),
        Paragraph(
            f"Donneurs proposés au seuil de {_number(instruction.threshold)} MFI", styles["h2"]
        ),
        grid_table(donors, [*_KEY_WIDTHS, 36 * mm, 25 * mm, 23 * mm, 52 * mm], wrap_headers=True),
        Paragraph(escape(_legend()), styles["small"]),
    ]


def instruction_pdf(instruction: TransfusionInstruction) -> bytes:
    """Return the PDF of one saved instruction version: everything the version's page shows,
    the product requirements, the warnings of the day of printing and a validation block."""
    styles = paragraph_styles()
    author = instruction.author.display_name if instruction.author else "—"
    story: list[Any] = [
        *_heading(instruction, styles),
        *_basis(instruction, styles),
        *_eligible_by_threshold(instruction, styles),
        *_proposed_donors(instruction, styles),
    ]
    if instruction.negative_for:
        story += _to_type_story(instruction, styles)
    story += antibody_beads_story(instruction, styles)
    story += [
        Spacer(1, 4 * mm),
        _validation(instruction, styles),
        Spacer(1, 2 * mm),
        Paragraph("Document généré par Filière.", styles["small"]),
    ]
    return build_document(
        story,
        title=f"Consigne transfusionnelle {instruction.patient.pseudonym} v{instruction.version}",
        author=author,
        pagesize=landscape(A4),
        margins=(15 * mm, 15 * mm, 12 * mm, 12 * mm),
    )


def _legend() -> str:
    keys = " ; ".join(
        f"{position}. {key} : {meaning}"
        for position, (key, meaning) in enumerate(RANKING_KEYS, start=1)
    )
    return (
        f"Ordre de la liste : {keys}. L'exigence HPA/CD36 et un crossmatch positif sont des "
        "filtres, pas des critères de classement ; grade de Duquesnoy (A, B, C, D) selon "
        "Duquesnoy 1977."
    )
