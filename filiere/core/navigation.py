"""The main menu: each entry shows only to users whose rights let them use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, Grants, grants_for
from filiere.access.directory import edits_directory
from filiere.access.education import sees_education
from filiere.access.guidelines import is_network_member
from filiere.access.surveys import runs_surveys


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    visible: Callable[[Grants], bool]


def _with(capability: Capability) -> Callable[[Grants], bool]:
    return lambda grants: grants.has(capability)


def _case_meetings(grants: Grants) -> bool:
    # Physicians invited from outside the network hold no centre: the RCP pages are theirs.
    return (
        grants.has(Capability.SUBMIT_CASES)
        or grants.has(Capability.MANAGE_MEETINGS)
        or not grants.member_centre_ids
    )


ENTRIES: list[Entry] = [
    Entry(_("Accueil"), "home", lambda grants: True),
    Entry(_("Patients"), "patients:list", _with(Capability.VIEW_PATIENTS)),
    Entry(_("Suivi"), "followup:worklist_home", _with(Capability.VIEW_PATIENTS)),
    Entry(
        _("Doublons"),
        "patients:duplicates",
        lambda grants: (
            grants.has(Capability.MANAGE_DUPLICATES)
            or grants.is_network_wide(Capability.RESOLVE_DUPLICATES_ACROSS_CENTRES)
        ),
    ),
    Entry(_("RCP"), "meetings:index", _case_meetings),
    Entry(_("Transfusion"), "transfusion:worklist", _with(Capability.TRANSFUSION)),
    Entry(_("ETP"), "education:list", sees_education),
    Entry(_("Centres"), "network:centre_list", lambda grants: bool(grants.member_centre_ids)),
    Entry(_("Annuaire"), "directory:index", lambda grants: True),
    Entry(_("PNDS"), "guidelines:index", is_network_member),
    Entry(_("Événements"), "events:list", lambda grants: True),
    Entry(_("Observatoire"), "followup:observatory", _with(Capability.OBSERVATORY)),
    Entry(_("Journal d'audit"), "audit:event_list", _with(Capability.VIEW_AUDIT)),
]


def menu_for(request: HttpRequest) -> list[dict[str, object]]:
    grants = grants_for(request.user)
    items: list[dict[str, object]] = []
    for entry in ENTRIES:
        if not entry.visible(grants):
            continue
        url = reverse(entry.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items


@dataclass(frozen=True)
class Card:
    title: str | Promise
    text: str | Promise
    url_name: str
    visible: Callable[[Grants], bool]


CARDS: list[Card] = [
    Card(
        _("Patients"),
        _("Le registre : recherche, dossiers, diagnostics, génétique, phénotypes."),
        "patients:list",
        _with(Capability.VIEW_PATIENTS),
    ),
    Card(
        _("Suivi des patients"),
        _("Visites en retard ou à prévoir selon le rythme de suivi de la filière."),
        "followup:worklist_home",
        _with(Capability.VIEW_PATIENTS),
    ),
    Card(
        _("Observatoire des traitements"),
        _("Cohortes de prescriptions hors AMM, efficacité, événements indésirables, export."),
        "followup:observatory",
        _with(Capability.OBSERVATORY),
    ),
    Card(
        _("Observatoire du diagnostic"),
        _("Délais diagnostiques, impasses, confirmation génétique et complétude du SDM-MR."),
        "observatory:diagnosis",
        lambda grants: (
            grants.has(Capability.VIEW_STATISTICS) or grants.is_network_wide(Capability.OBSERVATORY)
        ),
    ),
    Card(
        _("Rapports d'activité"),
        _(
            "Rapport d'activité annuel du centre ou du réseau (PDF et CSV), généré à partir des "
            "dossiers."
        ),
        "reports:activity",
        _with(Capability.VIEW_STATISTICS),
    ),
    Card(
        _("Extractions pour la recherche"),
        _(
            "Demandes d'extraction des chercheurs : approbation par la coordination, fichier "
            "repseudonymisé et 5-anonyme, téléchargé une seule fois."
        ),
        "research:list",
        lambda grants: (
            grants.has(Capability.REQUEST_RESEARCH_EXTRACT)
            or grants.is_network_wide(Capability.APPROVE_RESEARCH_EXTRACT)
        ),
    ),
    Card(
        _("Rythme de suivi"),
        _("Intervalle entre deux visites par groupe de maladies et par forme."),
        "followup:rules",
        _with(Capability.CONFIGURE_NETWORK),
    ),
    Card(
        _("Plan d'action de la filière"),
        _("Les actions du plan national par statut : à lancer, en cours, faites, abandonnées."),
        "guidelines:plan",
        is_network_member,
    ),
    Card(
        _("Enquêtes auprès des membres"),
        _("Listes à classer envoyées par lien personnel ; rang moyen, score de Borda, réponses."),
        "surveys:list",
        runs_surveys,
    ),
    Card(
        _("Éducation thérapeutique (ETP)"),
        _("Programmes, équipe éducative, séances et ateliers, participants, évaluations."),
        "education:list",
        sees_education,
    ),
    Card(
        _("Doublons potentiels"),
        _("Dossiers qui pourraient concerner la même personne : fusionner ou écarter."),
        "patients:duplicates",
        _with(Capability.MANAGE_DUPLICATES),
    ),
    Card(
        _("Exports nationaux"),
        _("SDM-MR, Phenopackets et FHIR d'un centre, préparés en tâche de fond puis téléchargés."),
        "patients:exports",
        _with(Capability.EXPORT_NATIONAL),
    ),
    Card(
        _("Transfusion de plaquettes"),
        _("Vos patients transfusés : état réfractaire, anticorps anti-HLA, consignes en cours."),
        "transfusion:worklist",
        _with(Capability.TRANSFUSION),
    ),
    Card(
        _("Réunions de concertation (RCP)"),
        _("Demander un avis, préparer et tenir les RCP, signer et suivre les avis."),
        "meetings:index",
        _case_meetings,
    ),
    Card(
        _("Statistiques des RCP"),
        _("Activité annuelle des RCP comptée sans saisie : réunions, dossiers, délais."),
        "meetings:statistics",
        lambda grants: (
            grants.has(Capability.MANAGE_MEETINGS) or grants.has(Capability.VIEW_STATISTICS)
        ),
    ),
    Card(
        _("Mes centres"),
        _("Les équipes de vos centres, leurs rôles et leurs coordonnées."),
        "network:centre_list",
        lambda grants: bool(grants.member_centre_ids),
    ),
    Card(
        _("Annuaire public : gestion"),
        _("La fiche publique de vos centres et les examens de vos laboratoires ; publication."),
        "directory:manage",
        edits_directory,
    ),
    Card(
        _("Événements : organisation"),
        _("Journées, webinaires, congrès : inscriptions, liste d'attente, présences."),
        "events:manage",
        lambda grants: grants.has(Capability.ORGANISE_EVENTS),
    ),
    Card(
        _("Journal d'audit"),
        _("Qui a consulté ou modifié quoi, quand et d'où ; filtrable, non modifiable."),
        "audit:event_list",
        _with(Capability.VIEW_AUDIT),
    ),
    Card(
        _("Mon profil et mes jetons d'API"),
        _("Vos coordonnées professionnelles et vos accès à l'API."),
        "accounts:profile",
        lambda grants: True,
    ),
]


def cards_for(request: HttpRequest) -> list[dict[str, object]]:
    grants = grants_for(request.user)
    return [
        {"title": card.title, "text": card.text, "url": reverse(card.url_name)}
        for card in CARDS
        if card.visible(grants)
    ]
