"""The REST API under /api/v1/ (django-ninja): one router per app, same permission checks as pages.

Two ways in: a personal token sent as ``Authorization: Bearer <token>``, tried first, or the
browser session. The CSRF check belongs to the session way only: django-ninja's ``SessionAuth``
refuses a write without CSRF token by raising, which ends the search for a way in, so a token
placed after it would never be tried on a POST. A token reads; writing and patients' identity
traits are scopes it must carry, checked here and refused with a 403 that names the scope (the
refusal recorded in the audit trail); lists mix identity in only when ``identity_allowed``.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from filiere.accounts.services import api_token_authenticate
from filiere.core.access_errors import PATIENT_TYPE, NotVisible, record_refusal
from filiere.core.http import identity_allowed as identity_allowed

# Methods that only read. A few searches read through POST so that names stay out of URLs.
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_ONLY_POSTS = ("/patients/recherche",)
# Routes returning a patient's identity traits, refused to a token without the identity scope.
_IDENTITY_SEGMENT = "identite"


def _needs_write(request: HttpRequest) -> bool:
    if request.method in _READ_METHODS:
        return False
    return not request.path.rstrip("/").endswith(_READ_ONLY_POSTS)


def _needs_identity(request: HttpRequest) -> bool:
    return _IDENTITY_SEGMENT in request.path.strip("/").split("/")


def _patient_in_path(request: HttpRequest) -> str:
    """The public id that follows « patients » in the path, if any (for the refusal's record)."""
    parts = request.path.strip("/").split("/")
    for before, part in itertools.pairwise(parts):
        if before == "patients":
            try:
                return str(uuid.UUID(part))
            except ValueError:
                return ""
    return ""


def _refuse_scope(request: HttpRequest, api_token: Any, message: str) -> NoReturn:
    """Refuse a token outside its scopes: a 403 naming the scope, recorded like any refusal."""
    refusal = NotVisible(
        PATIENT_TYPE if _patient_in_path(request) else "",
        _patient_in_path(request),
        f"{message} {request.method} {request.path}",
    )
    record_refusal(request, refusal, actor=api_token.user)
    raise HttpError(403, message)


class BearerTokenAuth(HttpBearer):
    openapi_description = (
        "Jeton personnel créé depuis la page « Mon profil » : lecture, et selon le jeton "
        "écriture et identité des patients."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        if _needs_write(request) and not api_token.allows_write:
            _refuse_scope(request, api_token, "Ce jeton ne permet que la lecture.")
        if _needs_identity(request) and not api_token.allows_identity:
            _refuse_scope(
                request, api_token, "Ce jeton ne donne pas accès à l'identité des patients."
            )
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionCookieAuth(SessionAuth):
    """The browser session; its CSRF check applies only to a request that carries a session.

    Without a session cookie there is no session to ride on, so nothing to forge: the caller is
    simply anonymous and told so (401), rather than refused for a missing CSRF token.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise HttpError(
                403, "Jeton CSRF absent ou invalide : rechargez la page et recommencez."
            ) from exc

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None  # no session cookie, so no session (and no CSRF check was made)
        return super().authenticate(request, key)


class FieldErrorOut(Schema):
    champ: str
    message: str


class RefusalOut(Schema):
    detail: str
    erreurs: list[FieldErrorOut] = []


# The answers every operation may give besides its own: the exception handlers below (and the
# token check above) send them, so the document says so (schemathesis holds the API to it).
_REFUSALS = {
    "401": "Authentification requise (jeton absent, inconnu, expiré ou révoqué).",
    "403": "Refusé : le jeton ne couvre pas cette opération (écriture, identité).",
    "404": "Introuvable, ou hors des centres de l'utilisateur.",
    "422": "Données invalides ou refusées : chaque erreur nomme son champ.",
}
_BODY_REFUSALS = {
    "400": "Le corps de la requête n'est pas du JSON.",
    "413": "Requête trop volumineuse.",
}


class FiliereAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document, with the refusals every operation may answer and their body."""
        document = super().get_openapi_schema(**kwargs)
        ref = "#/components/schemas/{model}"
        refusal = RefusalOut.model_json_schema(ref_template=ref, mode="serialization")
        components = document["components"]["schemas"]
        components.update(refusal.pop("$defs", {}))
        components["RefusalOut"] = refusal
        content = {"application/json": {"schema": {"$ref": ref.format(model="RefusalOut")}}}
        for operations in document["paths"].values():
            for operation in operations.values():
                refusals = _REFUSALS | (_BODY_REFUSALS if "requestBody" in operation else {})
                for status, description in refusals.items():
                    operation["responses"].setdefault(
                        status, {"description": description, "content": content}
                    )
        return document


api = FiliereAPI(
    title="Filière API",
    version="1",
    description="API de Filière, système d'information de la filière MHEMO.",
    urls_namespace="api-1",
    auth=[BearerTokenAuth(), SessionCookieAuth()],
    docs_url="/docs",
    docs_decorator=login_required,
)

# French messages for pydantic's most common error types; others fall back to a generic one.
_FRENCH_ERRORS = {
    "missing": "Champ obligatoire.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "int_parsing": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "uuid_parsing": "Identifiant invalide.",
    "date_from_datetime_parsing": "Date invalide (AAAA-MM-JJ).",
    "date_parsing": "Date invalide (AAAA-MM-JJ).",
    "datetime_parsing": "Date et heure invalides.",
    "enum": "Valeur non autorisée.",
    "literal_error": "Valeur non autorisée.",
    "bool_parsing": "Vrai ou faux attendu.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "json_invalid": "JSON invalide.",
    "extra_forbidden": "Champ inconnu.",
}


@api.exception_handler(ValidationError)
def french_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "champ": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("ctx", {}).get("french")
            or _FRENCH_ERRORS.get(str(error.get("type")), "Valeur invalide."),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": "Données invalides.", "erreurs": errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def refused_by_a_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input: nothing was written; say which field and why, in French."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"champ": field, "message": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"champ": "", "message": " ".join(exc.messages)}]
    return api.create_response(
        request, {"detail": "Données refusées.", "erreurs": errors}, status=422
    )


@api.exception_handler(NotVisible)
def not_visible(request: HttpRequest, exc: NotVisible) -> HttpResponse:
    record_refusal(request, exc)
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is parsed, nothing written."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE >> 20
    message = f"Le corps de la requête dépasse {limit} Mo."
    return api.create_response(
        request,
        {"detail": "Requête trop volumineuse.", "erreurs": [{"champ": "", "message": message}]},
        status=413,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Refusals raised as ``HttpError``; a body that is not JSON at all is said in French.

    django-ninja turns any failure to decode the body (bytes that are not UTF-8, text that is
    not JSON) into a 400 with an English message, the decoding error as its cause.
    """
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        message = "Le corps de la requête n'est pas du JSON valide."
        return api.create_response(
            request,
            {"detail": "Données invalides.", "erreurs": [{"champ": "body", "message": message}]},
            status=400,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Authentification requise."}, status=401)


def _register_routers() -> None:
    from filiere.accounts.api import router as accounts_router
    from filiere.audit.api import router as audit_router
    from filiere.followup.api import router as followup_router
    from filiere.meetings.api import router as meetings_router
    from filiere.network.api import router as network_router
    from filiere.patients.api import router as patients_router

    api.add_router("/moi", accounts_router)
    api.add_router("/centres", network_router)
    api.add_router("/audit", audit_router)
    api.add_router("/patients", patients_router)
    api.add_router("/suivi", followup_router)
    api.add_router("/rcp", meetings_router)


_register_routers()
