"""Bearer tokens: every bad token is a 401 with a Bearer challenge, never a 500."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from thoughts_api.devtokens import generate_key_pair

MY_THOUGHTS = "/api/me/thoughts/"


def in_an_hour() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_valid_token_header(client, auth):
    response = client.get(MY_THOUGHTS, headers=auth("bruce"))

    assert response.status_code == 200


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_scheme_word_is_case_insensitive(client, token, scheme):
    response = client.get(MY_THOUGHTS, headers={"Authorization": f"{scheme} {token('bruce')}"})

    assert response.status_code == 200


def test_missing_header(client):
    assert_unauthorized(client.get(MY_THOUGHTS))


@pytest.mark.parametrize("header", ["Bearer", "Token abc", "Basic YWxpY2U6c2VjcmV0", "abc"])
def test_wrong_header_format(client, header):
    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": header}))


@pytest.mark.parametrize("data", ["not-a-token", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", "....."])
def test_undecodable_token(client, data):
    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {data}"}))


def test_token_signed_with_another_key(client):
    other_private_key, _ = generate_key_pair()
    forged = jwt.encode({"username": "bruce", "exp": in_an_hour()}, other_private_key, algorithm="RS256")

    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {forged}"}))


def test_tampered_payload(client, token):
    header, _, signature = token("bruce").split(".")
    other_payload = token("admin", admin=True).split(".")[1]

    response = client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {header}.{other_payload}.{signature}"})

    assert_unauthorized(response)


def test_expired_token(client, token):
    response = client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {token('bruce', ttl_seconds=-10)}"})

    assert_unauthorized(response)
    assert response.json()["detail"] == "Token has expired"


def test_token_not_valid_yet(client, token):
    not_before = datetime.now(UTC) + timedelta(minutes=10)

    response = client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {token('bruce', nbf=not_before)}"})

    assert_unauthorized(response)


def test_token_without_exp(client, key_pair):
    no_exp = jwt.encode({"username": "bruce"}, key_pair[0], algorithm="RS256")

    response = client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {no_exp}"})

    assert_unauthorized(response)
    assert response.json()["detail"] == "Token has no 'exp' claim"


def test_token_without_username(client, key_pair):
    no_username = jwt.encode({"exp": in_an_hour()}, key_pair[0], algorithm="RS256")

    response = client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {no_username}"})

    assert_unauthorized(response)
    assert response.json()["detail"] == "Token has no 'username' claim"


@pytest.mark.parametrize("username", ["", 42, None, ["bruce"], "x" * 51])
def test_token_with_unusable_username(client, key_pair, username):
    bad = jwt.encode({"username": username, "exp": in_an_hour()}, key_pair[0], algorithm="RS256")

    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {bad}"}))


def test_unsigned_alg_none_token(client):
    unsigned = jwt.encode({"username": "bruce", "exp": in_an_hour()}, key=None, algorithm="none")

    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {unsigned}"}))


def test_hs256_token_signed_with_the_public_key(client, key_pair):
    # The classic confusion attack: the public key used as an HMAC secret.
    # PyJWT refuses to sign with a PEM key, so build the token by hand.
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"username": "bruce", "exp": int(in_an_hour().timestamp())}).encode())
    signature = b64(hmac.new(key_pair[1], header + b"." + payload, hashlib.sha256).digest())
    forged = b".".join([header, payload, signature]).decode()

    assert_unauthorized(client.get(MY_THOUGHTS, headers={"Authorization": f"Bearer {forged}"}))


def test_bad_token_on_post_stores_nothing(client, token):
    response = client.post(
        MY_THOUGHTS,
        json={"text": "Should not land"},
        headers={"Authorization": f"Bearer {token('bruce', ttl_seconds=-1)}"},
    )

    assert_unauthorized(response)
    assert client.get("/api/thoughts/").json() == []
