"""A small, real OpenID Connect provider for tests, standing in for Pro Santé Connect.

Standard-library HTTP server in a thread, RS256 ID tokens signed with a key made at start:
discovery, JWKS, authorize (consents at once and redirects back with a code), token (checks the
client's secret, the redirect URI and the PKCE verifier) and userinfo. The identity it asserts
is set by the test through `provider.identity` before the login starts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "filiere-tests"
CLIENT_SECRET = "secret-du-fournisseur-de-test"  # noqa: S105 - test-only secret
KEY_ID = "cle-de-test"


@dataclass
class PscIdentity:
    """What the provider asserts about the professional who logs in."""

    rpps: str
    acr: str = "eidas1"
    amr: list[str] = field(default_factory=lambda: ["pin", "sc"])
    given_name: str = "Alice"
    family_name: str = "Durand"

    @property
    def subject(self) -> str:
        return f"f:psc:{self.rpps}"

    def userinfo(self) -> dict[str, Any]:
        national_id = "8" + self.rpps
        return {
            "sub": self.subject,
            "SubjectNameID": national_id,
            "preferred_username": national_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
        }


@dataclass
class _Grant:
    identity: PscIdentity
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


class LocalOpenIDProvider:
    """Start with `start()`, stop with `stop()`; `url` is the issuer, `discovery_url` the
    document allauth reads."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.identity: PscIdentity | None = None
        self.grants: dict[str, _Grant] = {}
        self.access_tokens: dict[str, PscIdentity] = {}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def start(self) -> LocalOpenIDProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["eidas1"],
        }

    def jwks(self) -> dict[str, Any]:
        key = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {"keys": [{**key, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, identity: PscIdentity, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": identity.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "auth_time": now,
            "exp": now + 300,
            "acr": identity.acr,
            "amr": identity.amr,
            "preferred_username": "8" + identity.rpps,
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": KEY_ID})

    # --- endpoints -----------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, {}, b"unknown client or response type"
        if self.identity is None:
            return 400, {}, b"no identity set by the test"
        code = secrets.token_urlsafe(16)
        self.grants[code] = _Grant(
            identity=self.identity,
            redirect_uri=query["redirect_uri"],
            nonce=query.get("nonce"),
            code_challenge=query.get("code_challenge"),
        )
        answer = {"code": code}
        if "state" in query:
            answer["state"] = query["state"]
        return 302, {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"}, b""

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant.code_challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant.identity
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant.identity, grant.nonce),
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        identity = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if identity is None:
            return 401, {"error": "invalid_token"}
        return 200, identity.userinfo()


def _handler_for(provider: LocalOpenIDProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            provider.requests.append(self.path)

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif parts.path == "/jwks":
                self._json(200, provider.jwks())
            elif parts.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif parts.path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            form = {key: values[0] for key, values in parse_qs(raw).items()}
            if urlsplit(self.path).path == "/token":
                self._json(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

    return Handler
