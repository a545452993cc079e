"""Bad bodies on POST /api/me/thoughts/: always a 4xx problem, never a 500, nothing stored."""

import json

import pytest

BODY_LIMIT = 16 * 1024


@pytest.fixture
def headers(auth):
    return auth("bruce")


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "x" * 251}, {"text": 42}, {"text": None}, {"text": ["a"]}, ["text"], "text"],
    ids=["missing", "empty", "too-long", "number", "null", "list", "array-body", "string-body"],
)
def test_bad_json_body_is_rejected(client, headers, body):
    response = client.post("/api/me/thoughts/", json=body, headers=headers)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert client.get("/api/thoughts/").json() == []


@pytest.mark.parametrize("form", [{}, {"text": ""}, {"text": "x" * 251}], ids=["missing", "empty", "too-long"])
def test_bad_form_body_is_rejected(client, headers, form):
    response = client.post("/api/me/thoughts/", data=form, headers=headers)

    assert response.status_code == 400
    assert client.get("/api/thoughts/").json() == []


def test_text_of_250_characters_is_accepted(client, headers):
    response = client.post("/api/me/thoughts/", json={"text": "é" * 250}, headers=headers)

    assert response.status_code == 201
    assert response.json()["text"] == "é" * 250


def test_malformed_json_is_a_bad_request(client, headers):
    response = client.post(
        "/api/me/thoughts/", content=b'{"text": "unfinished', headers={**headers, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_body_that_is_not_utf8_is_a_bad_request(client, headers, content_type):
    body = b'{"text": "caf\xe9"}' if content_type == "application/json" else b"text=caf\xe9"

    response = client.post("/api/me/thoughts/", content=body, headers={**headers, "Content-Type": content_type})

    assert response.status_code == 400
    assert client.get("/api/thoughts/").json() == []


def test_oversized_body_is_too_large(client, headers):
    body = json.dumps({"text": "x" * BODY_LIMIT}).encode()

    response = client.post("/api/me/thoughts/", content=body, headers={**headers, "Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"


def test_unsupported_media_type(client, headers):
    response = client.post("/api/me/thoughts/", content=b"text", headers={**headers, "Content-Type": "text/plain"})

    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/problem+json"
