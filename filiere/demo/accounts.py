"""The demo personas: one account per role, documented in the README and on the login page."""

from __future__ import annotations

from dataclasses import dataclass

from filiere.network.models import Role

DEMO_PASSWORD = "Filiere-demo-2026"  # noqa: S105 - documented demo password
# Every demo account shares this TOTP secret (RFC 4648 base32), so that a tester can add it to
# an authenticator app when the instance runs without DEBUG. Never use it for a real account.
DEMO_TOTP_SECRET = "MHEMOFILIEREDEMOTOTPSECRET234567"  # noqa: S105 - documented demo secret
DEMO_EMAIL_DOMAIN = "demo.filiere.test"


@dataclass(frozen=True)
class Persona:
    email: str
    title: str
    first_name: str
    last_name: str
    specialty: str
    description: str
    roles: tuple[tuple[str, str], ...]  # (centre key, role)
    rpps_body: str = ""


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "claire.martin",
        "dr",
        "Claire",
        "Martin",
        "haematology",
        "clinicienne, CRPP Marseille",
        (("crpp-marseille", Role.CLINICIAN),),
        "1000101001",
    ),
    Persona(
        "hugo.lefevre",
        "dr",
        "Hugo",
        "Lefèvre",
        "paediatric_haematology",
        "clinicien, CRPP Bordeaux",
        (("crpp-bordeaux", Role.CLINICIAN),),
        "1000101002",
    ),
    Persona(
        "ines.garnier",
        "dr",
        "Inès",
        "Garnier",
        "haematology",
        "clinicienne, CCMR Lille (autre centre)",
        (("ccmr-lille", Role.CLINICIAN),),
        "1000101003",
    ),
    Persona(
        "anne.girard",
        "pr",
        "Anne",
        "Girard",
        "haemostasis_biology",
        "coordonnatrice du CRPP Marseille",
        (("crpp-marseille", Role.CENTRE_COORDINATOR), ("crpp-marseille", Role.CLINICIAN)),
        "1000101004",
    ),
    Persona(
        "sophie.bernard",
        "dr",
        "Sophie",
        "Bernard",
        "haematology",
        "coordonnatrice des RCP plaquettes",
        (("crpp-marseille", Role.RCP_COORDINATOR), ("crpp-marseille", Role.CLINICIAN)),
        "1000101005",
    ),
    Persona(
        "julien.moreau",
        "dr",
        "Julien",
        "Moreau",
        "transfusion",
        "spécialiste en transfusion, EFS Marseille",
        (("efs-marseille", Role.TRANSFUSION_SPECIALIST),),
        "1000101006",
    ),
    Persona(
        "lea.petit",
        "mme",
        "Léa",
        "Petit",
        "data",
        "gestionnaire de données, CRPP Marseille et Bordeaux",
        (("crpp-marseille", Role.DATA_MANAGER), ("crpp-bordeaux", Role.DATA_MANAGER)),
    ),
    Persona(
        "marc.dubois",
        "pr",
        "Marc",
        "Dubois",
        "haematology",
        "coordonnateur de la filière MHEMO",
        (("crpp-marseille", Role.NETWORK_COORDINATOR),),
        "1000101008",
    ),
    Persona(
        "paul.roux",
        "m",
        "Paul",
        "Roux",
        "other",
        "auditeur (lecture seule)",
        (("crpp-marseille", Role.AUDITOR),),
    ),
)


def persona_email(persona: Persona) -> str:
    return f"{persona.email}@{DEMO_EMAIL_DOMAIN}"


# The accounts of the case-meeting demo (filiere.meetings.demo) that a tester logs in with:
# created with the demo password and TOTP secret like the personas, and printed with them.
RCP_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("nadia.haddad", "experte en génétique médicale, RCP plaquettes"),
    ("karim.benali", "expert en biologie de l'hémostase, RCP plaquettes"),
    ("julie.fontaine", "experte en génétique moléculaire, RCP plaquettes"),
    ("nathalie.blanc", "secrétariat des RCP plaquettes"),
)


def demo_account_descriptions() -> list[dict[str, str]]:
    accounts = [{"email": persona_email(p), "description": p.description} for p in PERSONAS]
    accounts += [
        {"email": f"{key}@{DEMO_EMAIL_DOMAIN}", "description": description}
        for key, description in RCP_ACCOUNTS
    ]
    return accounts
