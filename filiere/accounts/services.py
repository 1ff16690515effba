"""Write services for user accounts and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access import may_administer_accounts
from filiere.access.actors import Actor
from filiere.accounts.models import ApiToken, User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import update_validated

PROFILE_FIELDS = ("first_name", "last_name", "title", "specialty", "rpps", "phone")
# The RPPS is how a Pro Santé Connect login finds its account: only an administrator sets it,
# never its holder (who could otherwise claim a colleague's number).
ADMINISTERED_FIELDS = frozenset({"rpps"})


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    **profile: Any,
) -> User:
    """Create an account; without a password the user must set one through a reset link."""
    unknown = set(profile) - {*PROFILE_FIELDS, "is_demo", "is_staff"}
    if unknown:
        raise TypeError(f"Unknown user fields: {sorted(unknown)}")
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save(force_insert=True)
    email_address_sync(user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=user,
        summary="Compte créé",
        changes={"email": {"après": user.email}, **{k: {"après": v} for k, v in profile.items()}},
    )
    return user


@transaction.atomic
def user_update_profile(*, actor: User, user: User, **values: Any) -> User:
    """Change a user's professional profile."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    administered = {
        name for name in ADMINISTERED_FIELDS & set(values) if values[name] != getattr(user, name)
    }
    if administered and not may_administer_accounts(actor):
        raise ValidationError(
            {
                "rpps": _(
                    "Le numéro RPPS ne peut être modifié que par un administrateur : "
                    "il rattache le compte à la carte Pro Santé Connect."
                )
            }
        )
    changes = update_validated(user, values)
    if changes:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, changes=changes)
    return user


def end_sessions_of(user: User) -> int:
    """Delete every server-side session of ``user``; return how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Disable an account and end all of its sessions at once."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_sessions_of(user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        summary=f"Compte désactivé, {ended} session(s) fermée(s)",
        changes={"is_active": {"avant": True, "après": False}},
    )
    return user


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, allows_write: bool = False, allows_identity: bool = False
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the raw value, shown only once.

    The caller has just re-authenticated the user (password, and TOTP code when they have one).
    """
    raw = "fil_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name.strip()[:100],
        allows_write=allows_write,
        allows_identity=allows_identity,
        digest=ApiToken.digest_of(raw),
        prefix=raw[4:12],
        expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
    )
    token.full_clean()
    token.save(force_insert=True)
    scopes = ["lecture"]
    if allows_write:
        scopes.append("écriture")
    if allows_identity:
        scopes.append("identité")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=token,
        summary=f"Jeton d'API ({', '.join(scopes)})",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action=AuditEvent.Action.ARCHIVE, obj=token, summary="Jeton révoqué"
        )
    return token


@transaction.atomic
def api_tokens_revoke_all(*, actor: User, user: User, reason: str) -> int:
    """Revoke every usable token of ``user`` (after a password change); return how many."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ARCHIVE,
            obj=token,
            summary=f"Jeton révoqué : {reason}",
        )
    return len(tokens)


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Return the usable token of an active user matching ``raw``, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def user_update_access(*, actor: User, user: User, is_active: bool, is_staff: bool) -> User:
    """Reactivate an account or change its access to the admin pages."""
    if user.is_active and not is_active:
        user_deactivate(actor=actor, user=user)
    changes = update_validated(user, {"is_active": is_active, "is_staff": is_staff})
    if changes:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, changes=changes)
    return user


@transaction.atomic
def psc_identity_connect(*, user: User, sociallogin: Any, request: HttpRequest) -> None:
    """Link a Pro Santé Connect identity to the account whose RPPS it asserts, and record it."""
    sociallogin.connect(request, user)
    audit_record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        summary="Identité Pro Santé Connect rattachée au compte (RPPS concordant)",
        changes={"psc_uid": sociallogin.account.uid},
    )


def psc_login_refuse(*, user: User | None, reason: str) -> None:
    """Record a refused Pro Santé Connect login (no session opened, nothing else written)."""
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=str(user.public_id) if user else "",
        summary=f"Pro Santé Connect refusé : {reason}",
    )


# --- E-mail addresses -----------------------------------------------------------------------
# The account's address (``User.email``) is where the RCP mails and the avis PDFs go, and the
# login. It is the address an administrator created the account with, or one its owner proved
# by following the link sent to it: an address added on /accounts/email/ stays unverified, opens
# nothing and receives nothing until then.


def email_address_sync(user: User) -> EmailAddress:
    """Return the account address's verified, primary row, creating or correcting it.

    Accounts are created by the network's administrators with the professional's address; that
    address counts as verified (a password is set through a link sent to it).
    """
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return address


def _audit_email(actor: User, user: User, summary: str) -> None:
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, summary=summary)


@transaction.atomic
def email_address_add(*, actor: User, email: str) -> EmailAddress:
    """Add an unverified address to the actor's account (the caller sends the link)."""
    address, created = EmailAddress.objects.get_or_create(
        user=actor, email=email.strip().lower(), defaults={"verified": False, "primary": False}
    )
    if created:
        _audit_email(actor, actor, f"Adresse e-mail ajoutée (non vérifiée) : {address.email}")
    return address


@transaction.atomic
def email_address_verify(*, address: EmailAddress) -> EmailAddress:
    """Record that the address's owner followed the link sent to it.

    The actor is the account's owner: the link reached that mailbox, whoever's session clicked.
    """
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
        _audit_email(address.user, address.user, f"Adresse e-mail vérifiée : {address.email}")
    return address


@transaction.atomic
def email_address_set_primary(*, actor: User, address: EmailAddress) -> EmailAddress:
    """Make a verified address the account's address: login, mails and documents go there."""
    if not address.verified:
        raise ValidationError(
            {
                "email": _(
                    "Adresse e-mail : seule une adresse vérifiée peut devenir l'adresse du "
                    "compte. Suivez d'abord le lien envoyé à %(email)s."
                )
                % {"email": address.email}
            }
        )
    user = address.user
    before = user.email
    if not address.primary:
        address.set_as_primary()
        _audit_email(actor, user, f"Adresse e-mail principale : {address.email} (avant : {before})")
    return address


@transaction.atomic
def email_address_remove(*, actor: User, address: EmailAddress) -> None:
    """Remove an address other than the account's own."""
    if address.primary or address.email == address.user.email:
        raise ValidationError(
            {
                "email": _(
                    "Adresse e-mail : l'adresse du compte ne peut pas être retirée ; "
                    "choisissez d'abord une autre adresse vérifiée comme adresse du compte."
                )
            }
        )
    user = address.user
    address.delete()
    _audit_email(actor, user, f"Adresse e-mail retirée : {address.email}")
