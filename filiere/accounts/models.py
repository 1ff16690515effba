from __future__ import annotations

import hashlib
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.lib.identifiers import is_valid_rpps


def validate_rpps(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not is_valid_rpps(value):
        raise ValidationError(
            _("Numéro RPPS invalide : 11 chiffres dont une clé de contrôle (Luhn)."),
            code="invalid_rpps",
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(ChoiceLabels, AbstractBaseUser, PermissionsMixin):
    """A health professional or staff member of the network; logs in with an e-mail address."""

    class Title(models.TextChoices):
        DOCTOR = "dr", _("Dr")
        PROFESSOR = "pr", _("Pr")
        MRS = "mme", _("Mme")
        MR = "m", _("M.")
        NONE = "", _("—")

    class Specialty(models.TextChoices):
        HAEMATOLOGY = "haematology", _("Hématologie")
        PAEDIATRIC_HAEMATOLOGY = "paediatric_haematology", _("Hématologie pédiatrique")
        HAEMOSTASIS_BIOLOGY = "haemostasis_biology", _("Biologie de l'hémostase")
        MEDICAL_GENETICS = "medical_genetics", _("Génétique médicale")
        MOLECULAR_GENETICS = "molecular_genetics", _("Génétique moléculaire")
        TRANSFUSION = "transfusion", _("Médecine transfusionnelle")
        PAEDIATRICS = "paediatrics", _("Pédiatrie")
        INTERNAL_MEDICINE = "internal_medicine", _("Médecine interne")
        GYNAECOLOGY = "gynaecology", _("Gynécologie-obstétrique")
        ANAESTHESIA = "anaesthesia", _("Anesthésie-réanimation")
        SURGERY = "surgery", _("Chirurgie")
        GENERAL_PRACTICE = "general_practice", _("Médecine générale")
        PHARMACY = "pharmacy", _("Pharmacie")
        NURSING = "nursing", _("Soins infirmiers")
        COORDINATION = "coordination", _("Coordination, secrétariat")
        DATA = "data", _("Gestion de données, recherche clinique")
        OTHER = "other", _("Autre")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    title = models.CharField(_("titre"), max_length=8, choices=Title.choices, blank=True)
    specialty = models.CharField(
        _("spécialité"), max_length=40, choices=Specialty.choices, default=Specialty.OTHER
    )
    rpps = models.CharField(
        _("numéro RPPS"),
        max_length=11,
        blank=True,
        validators=[validate_rpps],
        help_text=_("11 chiffres, facultatif."),
    )
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Peut se connecter aux pages d'administration."),
    )
    is_demo = models.BooleanField(
        _("compte de démonstration"),
        default=False,
        help_text=_("Peut se passer du second facteur, uniquement sur une instance DEBUG."),
    )
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rpps="") | models.Q(rpps__regex=r"^[0-9]{11}$"),
                name="user_rpps_is_11_digits",
                violation_error_message=_("Le numéro RPPS compte 11 chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        title = self.get_title_display() if self.title else ""
        return " ".join(part for part in (title, self.first_name, self.last_name) if part)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored.

    A token reads by default; writing and reading patients' identity traits are scopes granted
    explicitly when it is created.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    allows_write = models.BooleanField(
        _("écriture"), default=False, help_text=_("Peut créer et modifier, pas seulement lire.")
    )
    allows_identity = models.BooleanField(
        _("identité"),
        default=False,
        help_text=_("Peut lire les traits d'identité des patients (nom, date de naissance, INS)."),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
