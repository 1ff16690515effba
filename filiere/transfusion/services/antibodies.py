"""HLA typings and anti-HLA antibody screens (single-antigen-bead files)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals
from filiere.hla.matching import discordant_loci
from filiere.hla.nomenclature import HlaParseError, Locus, parse_typing
from filiere.hla.sab import ControlRule, SabControlError, SabFormatError, SabRun, read_sab_text
from filiere.hla.serology import default_serology
from filiere.patients.models import Patient
from filiere.transfusion.domain import allele_catalogue, read_typing
from filiere.transfusion.models import AntibodyBead, AntibodyScreen, HlaTyping
from filiere.transfusion.selectors import latest_typing
from filiere.transfusion.services.common import audit, check_date

# A SAB export of one serum holds about a hundred beads (a few kB); 512 kB leaves room for the
# vendors' verbose exports while refusing anything that is not one result file.
MAX_SAB_BYTES = 512 * 1024


@records_refusals("Enregistrement d'un typage HLA")
def hla_typing_record(
    *,
    actor: Actor,
    patient: Patient,
    typing: str,
    typed_on: dt.date,
    laboratory: str = "",
    confirm_discordant: bool = False,
) -> HlaTyping:
    """Record the patient's HLA class I typing (normalised: "A*02:01 A*24:02 B*44:02 B51").

    Alleles are checked against the allele list (``HLA_ALLELE_LIST``). A typing sharing no antigen
    with the patient's previous one at some locus may be another person's sample: it is refused
    unless ``confirm_discordant``, and the confirmation is audited.
    """
    errors = check_date("typed_on", typed_on, patient, "La date du typage")
    discordant: tuple[Locus, ...] = ()
    previous = latest_typing(patient)
    try:
        parsed = parse_typing(typing)
        allele_catalogue().check_typing(parsed)
    except HlaParseError as error:
        errors["typing"] = f"Typage illisible : {error}"
    else:
        if not parsed.at(Locus.A) or not parsed.at(Locus.B):
            errors["typing"] = "Le typage doit comporter HLA-A et HLA-B (ex. A*02:01 A24 B44 B51)."
        elif previous is not None:
            discordant = discordant_loci(read_typing(previous.typing), parsed, default_serology())
            if discordant and not confirm_discordant:
                loci = ", ".join(f"HLA-{locus.value}" for locus in discordant)
                errors["confirm_discordant"] = (
                    f"Typage discordant avec le typage précédent ({previous.typing}, du "
                    f"{previous.typed_on:%d/%m/%Y}) : aucun antigène commun en {loci}. "
                    "Possible erreur d'échantillon : vérifiez l'identité du prélèvement, puis "
                    "cochez la confirmation pour enregistrer ce typage."
                )
    if errors:
        raise ValidationError(errors)
    record = create_validated(
        HlaTyping,
        patient=patient,
        typing=str(parsed),
        typed_on=typed_on,
        laboratory=laboratory.strip(),
        recorded_by=acting_user(actor),
    )
    summary = f"Typage HLA enregistré : {record}"
    changes: dict[str, Any] | None = None
    if discordant and previous is not None:
        loci = ", ".join(f"HLA-{locus.value}" for locus in discordant)
        summary += f" — typage discordant confirmé ({loci} ; précédent : {previous.typing})"
        changes = {
            "discordant_confirmed": True,
            "discordant_loci": [locus.value for locus in discordant],
            "previous_typing": previous.typing,
        }
    audit(actor, AuditEvent.Action.CREATE, record, patient, summary, changes)
    return record


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ValidationError({"file": "Le fichier est vide."})
    if len(data) > MAX_SAB_BYTES:
        raise ValidationError(
            {
                "file": f"Fichier trop volumineux ({len(data) // 1024} Ko) : un résultat SAB "
                f"fait au plus {MAX_SAB_BYTES // 1024} Ko."
            }
        )
    # Checked by content, not by name or announced type: a text file has no NUL byte.
    if b"\x00" in data:
        raise ValidationError({"file": "Ce fichier n'est pas un CSV (contenu binaire)."})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Vendor software on Windows still writes Windows-1252.
        return data.decode("cp1252", errors="replace")


def _controls(run: SabRun, waived: bool) -> str:
    rule = ControlRule()
    absent = run.negative_control is None and run.positive_control is None
    if absent and waived:
        return AntibodyScreen.Controls.WAIVED
    run.check_controls(rule)
    return AntibodyScreen.Controls.PASSED


@records_refusals("Import d'une recherche d'anticorps anti-HLA")
def antibody_screen_import(
    *,
    actor: Actor,
    patient: Patient,
    serum_date: dt.date,
    file_name: str,
    data: bytes,
    laboratory: str = "",
    controls_waived: bool = False,
) -> AntibodyScreen:
    """Record a single-antigen-bead result from its CSV file; a bad file saves nothing."""
    errors = check_date("serum_date", serum_date, patient, "La date du sérum")
    if errors:
        raise ValidationError(errors)
    text = _decode(data)
    name = (file_name or "SAB.csv")[-200:]
    try:
        run = read_sab_text(text, source=name, catalogue=allele_catalogue())
        controls = _controls(run, controls_waived)
    except (SabFormatError, SabControlError) as error:
        raise ValidationError({"file": str(error)}) from None
    screen = create_validated(
        AntibodyScreen,
        patient=patient,
        serum_date=serum_date,
        laboratory=laboratory.strip(),
        file_name=name,
        content=text,
        sha256=hashlib.sha256(data).hexdigest(),
        mfi_column=run.mfi_column[:60],
        negative_control=run.negative_control,
        positive_control=run.positive_control,
        controls=controls,
        recorded_by=acting_user(actor),
    )
    # The beads were validated one by one by the file reader (allele names, numeric MFI).
    AntibodyBead.objects.bulk_create(
        AntibodyBead(screen=screen, allele=bead.allele.name, mfi=bead.mfi, line=bead.line)
        for bead in run.beads
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        screen,
        patient,
        f"Recherche d'anticorps anti-HLA (SAB) du {serum_date:%d/%m/%Y} : {len(run.beads)} billes",
    )
    return screen
