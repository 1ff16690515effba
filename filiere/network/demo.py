"""The demo network: the MHEMO platelet reference centre (CRPP), its sites and partners."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.accounts.services import user_create
from filiere.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET, PERSONAS, persona_email
from filiere.demo.context import DemoContext
from filiere.lib.identifiers import luhn_key
from filiere.network.models import Centre
from filiere.network.services import centre_create, membership_grant

K = Centre.Kind


@dataclass(frozen=True)
class DemoCentre:
    key: str
    name: str
    short_name: str
    kind: str
    department: str
    city: str
    region: str
    parent: str = ""
    site_code: str = ""
    emergency_phone: str = ""


# FINESS numbers are built with a valid key but are fictitious, like everything in the demo.
CENTRES: tuple[DemoCentre, ...] = (
    DemoCentre(
        "crpp-marseille",
        "CRPP – site coordonnateur, Hôpital de la Timone",
        "CRPP Marseille",
        K.CRMR_COORDINATING,
        "13",
        "Marseille",
        "93",
        site_code="S001",
        emergency_phone="04 91 00 00 01",
    ),
    DemoCentre(
        "crpp-bordeaux",
        "CRPP – site constitutif, Hôpital Haut-Lévêque",
        "CRPP Bordeaux",
        K.CRMR_CONSTITUENT,
        "33",
        "Pessac",
        "75",
        "crpp-marseille",
        "S002",
        "05 57 00 00 02",
    ),
    DemoCentre(
        "crpp-paris",
        "CRPP – site constitutif, Hôpital Robert-Debré (pédiatrie)",
        "CRPP Paris Robert-Debré",
        K.CRMR_CONSTITUENT,
        "75",
        "Paris",
        "11",
        "crpp-marseille",
        "S003",
        "01 40 00 00 03",
    ),
    DemoCentre(
        "crpp-lyon",
        "CRPP – site constitutif, Hôpital cardiologique Louis-Pradel",
        "CRPP Lyon",
        K.CRMR_CONSTITUENT,
        "69",
        "Bron",
        "84",
        "crpp-marseille",
        "S004",
        "04 72 00 00 04",
    ),
    DemoCentre(
        "ccmr-lille",
        "Centre de compétence pathologies plaquettaires, CHU de Lille",
        "CCMR Lille",
        K.CCMR,
        "59",
        "Lille",
        "32",
        "crpp-marseille",
        "S005",
        "03 20 00 00 05",
    ),
    DemoCentre(
        "ccmr-toulouse",
        "Centre de compétence pathologies plaquettaires, CHU de Toulouse",
        "CCMR Toulouse",
        K.CCMR,
        "31",
        "Toulouse",
        "76",
        "crpp-marseille",
        "S006",
        "05 61 00 00 06",
    ),
    DemoCentre(
        "ccmr-nantes",
        "Centre de compétence pathologies plaquettaires, CHU de Nantes",
        "CCMR Nantes",
        K.CCMR,
        "44",
        "Nantes",
        "52",
        "crpp-marseille",
        "S007",
        "02 40 00 00 07",
    ),
    DemoCentre(
        "ccmr-strasbourg",
        "Centre de compétence pathologies plaquettaires, CHU de Strasbourg",
        "CCMR Strasbourg",
        K.CCMR,
        "67",
        "Strasbourg",
        "44",
        "crpp-marseille",
        "S008",
        "03 88 00 00 08",
    ),
    DemoCentre(
        "crc-montpellier",
        "Centre de ressources et de compétences hémophilie, CHU de Montpellier",
        "CRC Montpellier",
        K.CRC,
        "34",
        "Montpellier",
        "76",
        site_code="S009",
        emergency_phone="04 67 00 00 09",
    ),
    DemoCentre(
        "lab-marseille",
        "Laboratoire d'hématologie – plaquettes, Hôpital de la Timone",
        "Labo plaquettes Marseille",
        K.LABORATORY,
        "13",
        "Marseille",
        "93",
        "crpp-marseille",
    ),
    DemoCentre(
        "lab-bordeaux",
        "Laboratoire de génétique moléculaire, CHU de Bordeaux",
        "Génétique Bordeaux",
        K.LABORATORY,
        "33",
        "Bordeaux",
        "75",
        "crpp-bordeaux",
    ),
    DemoCentre(
        "efs-marseille",
        "Établissement français du sang Alpes-Méditerranée, site de Marseille",
        "EFS Marseille",
        K.BLOOD_ESTABLISHMENT,
        "13",
        "Marseille",
        "93",
    ),
    DemoCentre(
        "efs-lyon",
        "Établissement français du sang Auvergne-Rhône-Alpes, site de Décines",
        "EFS Lyon",
        K.BLOOD_ESTABLISHMENT,
        "69",
        "Décines-Charpieu",
        "84",
    ),
    DemoCentre(
        "efs-paris",
        "Établissement français du sang Île-de-France, site Saint-Louis",
        "EFS Paris",
        K.BLOOD_ESTABLISHMENT,
        "75",
        "Paris",
        "11",
    ),
    DemoCentre(
        "efs-bordeaux",
        "Établissement français du sang Nouvelle-Aquitaine, site de Bordeaux",
        "EFS Bordeaux",
        K.BLOOD_ESTABLISHMENT,
        "33",
        "Bordeaux",
        "75",
    ),
)


def demo_finess(department: str, index: int) -> str:
    body = f"{department}0{99000 + index:05d}"
    return body + luhn_key(body)


def build(ctx: DemoContext) -> None:
    """Create the demo centres and personas; existing ones are left untouched."""
    created_centres = 0
    for index, spec in enumerate(CENTRES):
        finess = demo_finess(spec.department, index)
        centre = Centre.objects.filter(finess=finess).first()
        if centre is None:
            centre = centre_create(
                actor=SYSTEM,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                finess=finess,
                rd_site_code=spec.site_code,
                city=spec.city,
                region=spec.region,
                parent=ctx.objects[f"centre:{spec.parent}"] if spec.parent else None,
                emergency_phone=spec.emergency_phone,
            )
            created_centres += 1
        ctx.objects[f"centre:{spec.key}"] = centre

    created_users = 0
    for persona in PERSONAS:
        email = persona_email(persona)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                actor=SYSTEM,
                email=email,
                first_name=persona.first_name,
                last_name=persona.last_name,
                password=DEMO_PASSWORD,
                title=persona.title,
                specialty=persona.specialty,
                rpps=persona.rpps_body + luhn_key(persona.rpps_body) if persona.rpps_body else "",
                is_demo=True,
            )
            created_users += 1
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        for centre_key, role in persona.roles:
            membership_grant(
                actor=SYSTEM, user=user, centre=ctx.objects[f"centre:{centre_key}"], role=role
            )
        ctx.objects[f"user:{persona.email}"] = user
    ctx.report(f"Réseau : {created_centres} centre(s) et {created_users} compte(s) créés.")
