"""Identity traits: validation, writes and duplicate detection.

Only the registry's patient services call these functions; they never write an identity value
into the audit trail (only the names of the fields that changed).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.lib.ages import Age, exact_age
from filiere.lib.identifiers import is_valid_nir, nir_contradictions
from filiere.lib.names import latin_name, search_key

if TYPE_CHECKING:
    from filiere.patients.models import Patient

IDENTITY_FIELDS = (
    "birth_name",
    "birth_first_names",
    "first_given_name",
    "used_name",
    "used_first_name",
    "birth_date",
    "sex",
    "birth_place_insee",
    "ins_matricule",
    "ins_oid",
    "status",
    "ipp",
    "ipp_finess",
    "multiple_birth",
)

INS_NIR_OID = "1.2.250.1.213.1.4.8"
INS_NIA_OID = "1.2.250.1.213.1.4.9"
INS_TEST_OID = "1.2.250.1.213.1.4.10"
INS_DEMO_OID = "1.2.250.1.213.1.4.11"
PRODUCTION_INS_OIDS = frozenset({INS_NIR_OID, INS_NIA_OID})
ALL_INS_OIDS = PRODUCTION_INS_OIDS | {INS_TEST_OID, INS_DEMO_OID}
# Names from the Référentiel INS, in its order (the SDM-MR CDA examples name .10 the same way).
INS_OID_LABELS = {
    INS_NIR_OID: _("INS-NIR"),
    INS_NIA_OID: _("INS-NIA"),
    INS_TEST_OID: _("INS-NIR de test"),
    INS_DEMO_OID: _("INS-NIR de démonstration"),
}
# The identity names and how the forms label them, for the messages that name the field.
NAME_LABELS = {
    "birth_name": _("Nom de naissance"),
    "birth_first_names": _("Prénoms de naissance"),
    "first_given_name": _("Premier prénom de naissance"),
    "used_name": _("Nom utilisé"),
    "used_first_name": _("Prénom utilisé"),
}
_INSEE_PLACE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class IdentityInput:
    birth_name: str
    birth_first_names: str
    first_given_name: str
    birth_date: dt.date
    sex: str
    used_name: str = ""
    used_first_name: str = ""
    birth_place_insee: str = ""
    ins_matricule: str = ""
    ins_oid: str = ""
    status: str = Identity.Status.PROVISIONAL
    ipp: str = ""
    ipp_finess: str = ""
    multiple_birth: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in IDENTITY_FIELDS}


def _clean_name(value: str) -> str:
    # Invisible and direction-control characters have no place in a name (and can hide one).
    return " ".join(_CONTROL.sub("", value).split())


def _first_name_key(value: str) -> str:
    # Case and accents differ between the civil-status record and what is typed; a hyphen does
    # not: "Jean-Pierre" is one first name, "Jean Pierre" two.
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"\s*-\s*", "-", folded).split())


def _opens_birth_first_names(first_given_name: str, birth_first_names: str) -> bool:
    first, names = _first_name_key(first_given_name), _first_name_key(birth_first_names)
    return names == first or names.startswith(first + " ")


_NIR_TRAITS = {
    "sex": "le sexe",
    "birth_year": "l'année de naissance",
    "birth_month": "le mois de naissance",
}


def _check_nir_traits(matricule: str, values: dict[str, Any], errors: dict[str, str]) -> None:
    birth_date, sex = values.get("birth_date"), values.get("sex")
    if not isinstance(birth_date, dt.date) or not isinstance(sex, str):
        return
    contradicted = nir_contradictions(
        matricule, sex=sex, birth_year=birth_date.year, birth_month=birth_date.month
    )
    if contradicted:
        traits = ", ".join(_NIR_TRAITS[name] for name in contradicted)
        errors["ins_matricule"] = (
            f"Le matricule INS ne correspond pas à {traits} de l'identité : vérifiez le "
            "matricule ou ces traits."
        )


def clean_identity_values(values: dict[str, Any]) -> dict[str, Any]:
    """Return normalised values, or raise ValidationError with a French message per field."""
    cleaned = dict(values)
    errors: dict[str, str] = {}
    for name, label in NAME_LABELS.items():
        if name in cleaned:
            value = _clean_name(str(cleaned[name] or ""))
            composed = latin_name(value)
            if composed is None:
                errors[name] = gettext(
                    "%(field)s : seules les lettres latines (accents compris), l'espace, le "
                    "trait d'union et l'apostrophe sont acceptés."
                ) % {"field": label}
            else:
                cleaned[name] = composed
    for name in ("birth_name", "first_given_name"):
        if name in cleaned and not cleaned[name]:
            errors[name] = "Ce trait d'identité est obligatoire."
    first_given, birth_first = cleaned.get("first_given_name"), cleaned.get("birth_first_names")
    if first_given and birth_first and not _opens_birth_first_names(first_given, birth_first):
        errors["first_given_name"] = (
            "Le premier prénom de naissance doit être le premier des prénoms de naissance "
            f"(« {birth_first.split()[0]} »), un prénom composé en entier."
        )
    birth_date = cleaned.get("birth_date")
    if isinstance(birth_date, dt.date):
        if birth_date > timezone.localdate():
            errors["birth_date"] = "La date de naissance est dans le futur."
        elif birth_date.year < 1870:
            errors["birth_date"] = "Date de naissance invraisemblable (avant 1870)."
    place = str(cleaned.get("birth_place_insee", "") or "").upper()
    cleaned["birth_place_insee"] = place
    if place and not _INSEE_PLACE.match(place):
        errors["birth_place_insee"] = (
            "Code INSEE du lieu de naissance : 5 caractères (99xxx à l'étranger)."
        )
    matricule = str(cleaned.get("ins_matricule", "") or "").replace(" ", "").upper()
    oid = str(cleaned.get("ins_oid", "") or "").strip()
    cleaned["ins_matricule"], cleaned["ins_oid"] = matricule, oid
    if matricule:
        if not is_valid_nir(matricule):
            errors["ins_matricule"] = (
                "Matricule INS invalide : 15 caractères dont une clé de contrôle."
            )
        else:
            _check_nir_traits(matricule, cleaned, errors)
        if oid not in ALL_INS_OIDS:
            errors["ins_oid"] = "OID du matricule INS inconnu."
        elif oid not in PRODUCTION_INS_OIDS and not settings.DEBUG:
            errors["ins_oid"] = "OID d'INS de test ou de démonstration refusé en production."
    elif oid:
        errors["ins_matricule"] = "OID indiqué sans matricule INS."
    if cleaned.get("status") == Identity.Status.QUALIFIED and not matricule:
        errors["status"] = "Une identité qualifiée exige le matricule INS."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _search_key_of(identity: Identity) -> str:
    return search_key(
        identity.birth_name,
        identity.used_name,
        identity.first_given_name,
        identity.birth_first_names,
        identity.used_first_name,
    )


# Neutral on purpose: saying that another patient holds the INS would tell a user of one centre
# that another centre follows this person. The data managers examine the suspected duplicate.
INS_NEEDS_REVIEW = (
    "Ce matricule INS ne peut pas être enregistré sans vérification : une vérification "
    "d'identité est demandée au gestionnaire de données (doublon potentiel). Enregistrez le "
    "dossier sans INS en attendant."
)


def ins_holder(
    values: dict[str, Any], *, exclude_link: uuid.UUID | None = None
) -> uuid.UUID | None:
    """Return the link of another identity already holding the INS of ``values`` (cleaned)."""
    if not values.get("ins_matricule"):
        return None
    holders = Identity.objects.filter(
        ins_matricule=values["ins_matricule"], ins_oid=values["ins_oid"]
    )
    if exclude_link is not None:
        holders = holders.exclude(link=exclude_link)
    return holders.values_list("link", flat=True).first()


def duplicate_suspect(first: uuid.UUID, second: uuid.UUID, reason: str) -> DuplicateSuspicion:
    """Record (once) that two identities may be the same person, for the data managers."""
    low, high = sorted([first, second], key=str)
    suspicion, _created = DuplicateSuspicion.objects.get_or_create(
        first_link=low, second_link=high, defaults={"reason": reason}
    )
    return suspicion


def identity_create(*, actor: Actor, link: uuid.UUID, values: IdentityInput) -> Identity:
    """Create the identity of a patient (call inside the patient service's transaction)."""
    cleaned = clean_identity_values(values.as_dict())
    if (
        cleaned["ins_matricule"]
        and Identity.objects.filter(
            ins_matricule=cleaned["ins_matricule"], ins_oid=cleaned["ins_oid"]
        ).exists()
    ):
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    identity = Identity(link=link, created_by=acting_user(actor), **cleaned)
    identity.search_key = _search_key_of(identity)
    identity.full_clean()
    identity.save(force_insert=True)
    return identity


def identity_update(*, identity: Identity, values: dict[str, Any]) -> list[str]:
    """Apply changed traits; return the names of the fields that changed (never their values)."""
    unknown = set(values) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown identity fields: {sorted(unknown)}")
    merged = {name: getattr(identity, name) for name in IDENTITY_FIELDS} | values
    cleaned = clean_identity_values(merged)
    changed = [name for name in IDENTITY_FIELDS if getattr(identity, name) != cleaned[name]]
    if not changed:
        return []
    if cleaned["ins_matricule"] and (
        Identity.objects.filter(ins_matricule=cleaned["ins_matricule"], ins_oid=cleaned["ins_oid"])
        .exclude(pk=identity.pk)
        .exists()
    ):
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    for name in changed:
        setattr(identity, name, cleaned[name])
    identity.search_key = _search_key_of(identity)
    identity.updated_at = timezone.now()
    identity.full_clean()
    identity.save()
    return changed


def duplicate_candidates(identity: Identity) -> list[tuple[uuid.UUID, str]]:
    """Return (link, reason) of other identities that may be the same person."""
    found: dict[uuid.UUID, str] = {}
    if identity.ins_matricule:
        for link in (
            Identity.objects.filter(ins_matricule=identity.ins_matricule)
            .exclude(pk=identity.pk)
            .values_list("link", flat=True)
        ):
            found[link] = DuplicateSuspicion.Reason.SAME_INS
    birth_key = search_key(identity.birth_name)
    first_key = search_key(identity.first_given_name)
    same_traits = Identity.objects.filter(birth_date=identity.birth_date, sex=identity.sex).exclude(
        pk=identity.pk
    )
    for other in same_traits.only("link", "birth_name", "first_given_name"):
        if (
            search_key(other.birth_name) == birth_key
            and search_key(other.first_given_name) == first_key
        ):
            found.setdefault(other.link, DuplicateSuspicion.Reason.SAME_TRAITS)
    return list(found.items())


def duplicates_flag(identity: Identity) -> list[DuplicateSuspicion]:
    """Record each suspected duplicate once, for a data manager to examine."""
    flagged = []
    for link, reason in duplicate_candidates(identity):
        first, second = sorted([identity.link, link], key=str)
        suspicion, _created = DuplicateSuspicion.objects.get_or_create(
            first_link=first, second_link=second, defaults={"reason": reason}
        )
        flagged.append(suspicion)
    return flagged


def identity_links_matching(text: str) -> Q:
    """Return a filter on ``Identity`` for a name search (accent- and case-insensitive).

    Every word typed must start a word of the names: "dur mar" finds "Durand Marie".
    """
    condition = Q()
    for word in search_key(text).split():
        condition &= Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
    return condition


BIRTH_DATE_READ_FOR_AGE = "Lecture de la date de naissance pour le calcul de l'âge"


def identity_exact_age_on(*, actor: User, patient: Patient, on: dt.date) -> Age | None:
    """Return the patient's exact age on ``on`` from the birth date, recording the read.

    The caller has checked that ``actor`` may see the identity. None when the patient has no
    identity row (nothing is then read, nothing recorded). The audit event names the purpose,
    never the date. Raise ``ValueError`` when ``on`` precedes the birth.
    """
    birth_date = (
        Identity.objects.filter(link=patient.identity_link)
        .values_list("birth_date", flat=True)
        .first()
    )
    if birth_date is None:
        return None
    age = exact_age(birth_date, on)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        obj=patient,
        patient_id=patient.public_id,
        summary=BIRTH_DATE_READ_FOR_AGE,
    )
    return age
