"""The demo's public directory: every clinical centre of the demo network with a published
profile, and six diagnostic tests of the two demo laboratories (and one outside the network).

Contact details are fictitious, like everything in the demo (telephone numbers of the 01–05
ranges ending in 00 00, e-mail addresses under the reserved ``.test`` domain). Built through the
services; a second run changes nothing (a profile or a test that exists is left as it is).
"""

from __future__ import annotations

from dataclasses import dataclass

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.directory import services
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.services import TeamEntry
from filiere.network.models import Centre
from filiere.network.services import centre_update

PLATELET_DISEASES = ("ORPHA:849", "ORPHA:274", "ORPHA:721", "ORPHA:182050", "ORPHA:71290")
HAEMOPHILIA = ("ORPHA:98878", "ORPHA:98879", "ORPHA:903")

# Centre key -> (street address, presentation, team, diseases followed).
PROFILES: dict[str, tuple[str, str, tuple[TeamEntry, ...], tuple[str, ...]]] = {
    "crpp-marseille": (
        "264 rue Saint-Pierre, 13005 Marseille",
        "Site coordonnateur du centre de référence des pathologies plaquettaires : consultations "
        "adultes et enfants, RCP nationale mensuelle, éducation thérapeutique.",
        (
            TeamEntry("Dr Claire Martin", "médecin coordonnateur", "hématologie"),
            TeamEntry("Dr Anne Girard", "coordonnatrice du centre", "hématologie"),
            TeamEntry("Mme Lucie Roche", "infirmière d'éducation thérapeutique", ""),
        ),
        (*PLATELET_DISEASES, "ORPHA:851", "ORPHA:906"),
    ),
    "crpp-bordeaux": (
        "Avenue de Magellan, 33600 Pessac",
        "Site constitutif : consultations de pathologies plaquettaires, lien avec le laboratoire "
        "de génétique moléculaire du CHU.",
        (TeamEntry("Dr Hugo Lefèvre", "médecin responsable du site", "hématologie pédiatrique"),),
        PLATELET_DISEASES,
    ),
    "crpp-paris": (
        "48 boulevard Sérurier, 75019 Paris",
        "Site constitutif pédiatrique : thrombopénies constitutionnelles de l'enfant.",
        (TeamEntry("Dr Sophie Bernard", "médecin responsable du site", "pédiatrie"),),
        (*PLATELET_DISEASES, "ORPHA:2308", "ORPHA:648"),
    ),
    "crpp-lyon": (
        "28 avenue du Doyen Lépine, 69500 Bron",
        "Site constitutif : consultations adultes, hémostase chirurgicale.",
        (TeamEntry("Dr Paul Mercier", "médecin responsable du site", "hématologie"),),
        PLATELET_DISEASES,
    ),
    "ccmr-lille": (
        "2 avenue Oscar Lambret, 59000 Lille",
        "Centre de compétence : diagnostic et suivi des thrombopathies.",
        (TeamEntry("Dr Inès Garnier", "médecin référent", "hématologie"),),
        PLATELET_DISEASES,
    ),
    "ccmr-toulouse": (
        "Place du Docteur Baylac, 31059 Toulouse",
        "Centre de compétence : thrombopénies constitutionnelles.",
        (TeamEntry("Dr Jeanne Vidal", "médecin référent", "hématologie"),),
        PLATELET_DISEASES,
    ),
    "ccmr-nantes": (
        "1 place Alexis-Ricordeau, 44093 Nantes",
        "Centre de compétence : consultations adultes et enfants.",
        (TeamEntry("Dr Yann Le Goff", "médecin référent", "hématologie"),),
        PLATELET_DISEASES,
    ),
    "ccmr-strasbourg": (
        "1 place de l'Hôpital, 67000 Strasbourg",
        "Centre de compétence : thrombopathies et thrombopénies.",
        (TeamEntry("Dr Élise Muller", "médecin référent", "hématologie"),),
        PLATELET_DISEASES,
    ),
    "crc-montpellier": (
        "80 avenue Augustin Fliche, 34295 Montpellier",
        "Centre de ressources et de compétences des maladies hémorragiques.",
        (TeamEntry("Dr Marc Fabre", "médecin responsable", "hématologie"),),
        (*HAEMOPHILIA, "ORPHA:849"),
    ),
    "lab-marseille": (
        "264 rue Saint-Pierre, 13005 Marseille",
        "Laboratoire spécialisé d'exploration des fonctions plaquettaires.",
        (TeamEntry("Dr Nadia Benali", "biologiste responsable", "hémostase"),),
        PLATELET_DISEASES,
    ),
    "lab-bordeaux": (
        "Place Amélie Raba-Léon, 33076 Bordeaux",
        "Laboratoire de génétique moléculaire : panels de gènes des maladies plaquettaires.",
        (TeamEntry("Dr Thomas Petit", "biologiste responsable", "génétique moléculaire"),),
        PLATELET_DISEASES,
    ),
}


@dataclass(frozen=True)
class DemoTest:
    laboratory: str  # a centre key, or "" for the laboratory named below
    laboratory_name: str
    name: str
    indications: tuple[str, ...]
    sample: str
    turnaround: str
    how_to_send: str
    contact: str


LAB_MARSEILLE_SENDING = (
    "Prélèvement à acheminer à température ambiante dans les 4 heures, du lundi au jeudi, "
    "avec la fiche de renseignements cliniques et un hémogramme récent."
)
TESTS: tuple[DemoTest, ...] = (
    DemoTest(
        "lab-marseille",
        "",
        "Agrégation plaquettaire (agrégométrie par transmission de lumière)",
        ("ORPHA:849", "ORPHA:274", "ORPHA:721"),
        "Sang citraté 3,2 %, 4 tubes de 4,5 mL",
        "1 semaine",
        LAB_MARSEILLE_SENDING,
        "Secrétariat d'hémostase, 04 91 00 00 10",
    ),
    DemoTest(
        "lab-marseille",
        "",
        "Cytométrie en flux : glycoprotéines GPIb et GPIIb-IIIa",
        ("ORPHA:849", "ORPHA:274"),
        "Sang citraté 3,2 % ou EDTA, 1 tube de 4,5 mL",
        "1 semaine",
        LAB_MARSEILLE_SENDING,
        "Secrétariat d'hémostase, 04 91 00 00 10",
    ),
    DemoTest(
        "lab-marseille",
        "",
        "Microscopie électronique des plaquettes",
        ("ORPHA:721", "ORPHA:98456", "ORPHA:220452"),
        "Sang citraté 3,2 %, 2 tubes de 4,5 mL",
        "4 semaines",
        LAB_MARSEILLE_SENDING,
        "Secrétariat d'hémostase, 04 91 00 00 10",
    ),
    DemoTest(
        "lab-marseille",
        "",
        "Sécrétion plaquettaire (libération d'ATP, lumiagrégométrie)",
        ("ORPHA:98456",),
        "Sang citraté 3,2 %, 4 tubes de 4,5 mL",
        "2 semaines",
        LAB_MARSEILLE_SENDING,
        "Secrétariat d'hémostase, 04 91 00 00 10",
    ),
    DemoTest(
        "lab-bordeaux",
        "",
        "Panel NGS des maladies plaquettaires constitutionnelles",
        ("ORPHA:849", "ORPHA:274", "ORPHA:182050", "ORPHA:71290", "ORPHA:851"),
        "Sang EDTA, 2 tubes de 5 mL, avec le consentement signé à l'examen génétique",
        "3 mois",
        "Envoi à température ambiante par transporteur, du lundi au mercredi ; joindre "
        "l'attestation de consultation de génétique et l'arbre généalogique.",
        "Secrétariat de génétique moléculaire, 05 56 00 00 20",
    ),
    DemoTest(
        "",
        "Laboratoire d'hématologie, Hôpital de démonstration (hors réseau)",
        "Mesure du volume plaquettaire et frottis sanguin (recherche de macroplaquettes)",
        ("ORPHA:220452", "ORPHA:182050"),
        "Sang EDTA, 1 tube de 4 mL, et 2 frottis séchés",
        "48 heures",
        "Envoi postal des frottis séchés ; le tube, à température ambiante, dans les 24 heures.",
        "Accueil du laboratoire, 01 40 00 00 30",
    ),
)


def _contact(ctx: DemoContext, key: str, index: int, address: str) -> Centre:
    centre: Centre = ctx.objects[f"centre:{key}"]
    values = {}
    if not centre.address:
        values["address"] = address
    if not centre.phone:
        values["phone"] = f"0{1 + index % 5} 00 00 00 {index:02d}"
    if not centre.email:
        values["email"] = f"{key}@demo.filiere.test"
    if values:
        centre_update(actor=SYSTEM, centre=centre, **values)
    return centre


def build(ctx: DemoContext) -> None:
    created = 0
    for index, (key, (address, presentation, team, diseases)) in enumerate(PROFILES.items()):
        centre = _contact(ctx, key, index + 10, address)
        if CentreProfile.objects.filter(centre=centre).exists():
            continue
        profile = services.profile_save(
            actor=SYSTEM,
            centre=centre,
            presentation=presentation,
            team=team,
            disease_codes=diseases,
        )
        services.profile_publish(actor=SYSTEM, profile=profile)
        created += 1
    tests = 0
    for spec in TESTS:
        if DiagnosticTest.objects.filter(name=spec.name).exists():
            continue
        test = services.diagnostic_test_save(
            actor=SYSTEM,
            laboratory=ctx.objects[f"centre:{spec.laboratory}"] if spec.laboratory else None,
            laboratory_name=spec.laboratory_name,
            name=spec.name,
            indication_codes=spec.indications,
            sample=spec.sample,
            turnaround=spec.turnaround,
            how_to_send=spec.how_to_send,
            contact=spec.contact,
        )
        services.diagnostic_test_publish(actor=SYSTEM, test=test)
        tests += 1
    ctx.report(f"Annuaire : {created} fiche(s) de centre et {tests} examen(s) publiés.")
