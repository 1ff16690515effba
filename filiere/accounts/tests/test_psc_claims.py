"""What a Pro Santé Connect identity must assert (pure functions, no database)."""

from __future__ import annotations

import pytest

from filiere.accounts.psc import (
    PscRefusal,
    check_assurance,
    origin_of,
    psc_providers,
    rpps_from_claims,
)

ACR = ["eidas1"]
AMR = ["mfa", "sc", "hwk", "swk", "otp", "pop"]
RPPS = "10000000017"  # 11 digits, the last a Luhn key


def test_substantial_level_with_a_card_is_accepted() -> None:
    claims = {"acr": "eidas1", "amr": ["pin", "sc"]}
    assert check_assurance(claims, accepted_acr=ACR, accepted_amr=AMR) == "eidas1"


@pytest.mark.parametrize(
    "claims",
    [
        {"amr": ["pin"]},
        {"acr": "eidas0", "amr": ["pin"]},
        {"acr": ["eidas1"], "amr": ["pin"]},
        {"acr": "eidas1"},
        {"acr": "eidas1", "amr": ["pwd"]},
        {"acr": "eidas1", "amr": "pwd"},
        {"acr": "eidas1", "amr": ["pin"]},
    ],
)
def test_a_lower_level_or_a_password_alone_is_refused(claims: dict[str, object]) -> None:
    with pytest.raises(PscRefusal):
        check_assurance(claims, accepted_acr=ACR, accepted_amr=AMR)


def test_the_rpps_is_read_from_the_national_identifier() -> None:
    assert rpps_from_claims({"SubjectNameID": "8" + RPPS}) == RPPS
    assert rpps_from_claims({}, {"preferred_username": "8" + RPPS}) == RPPS
    assert rpps_from_claims({"preferred_username": RPPS}) == RPPS


@pytest.mark.parametrize(
    "value",
    ["", "810000000018", "10000000018", "0" + RPPS, "8" + RPPS[:-1], "31234567890", None, 81],
)
def test_no_valid_rpps_is_refused(value: object) -> None:
    """A wrong Luhn key, an ADELI identifier ("0…"), a truncated number: no RPPS, no login."""
    with pytest.raises(PscRefusal):
        rpps_from_claims({"SubjectNameID": value, "preferred_username": value})


def test_psc_is_off_unless_fully_configured() -> None:
    common = {"scopes": ["openid"], "acr_values": ACR}
    assert psc_providers(discovery_url="https://x", client_id="a", secret="", **common) == {}
    [app] = psc_providers(discovery_url="https://x", client_id="a", secret="s", **common)[
        "openid_connect"
    ]["APPS"]
    assert app["provider_id"] == "psc"
    assert app["settings"]["auth_params"] == {"acr_values": "eidas1"}


def test_origin_of() -> None:
    assert origin_of("https://auth.esw.esante.gouv.fr/a/b?c") == "https://auth.esw.esante.gouv.fr"
    assert origin_of("") == ""
