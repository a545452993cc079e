"""The thought routes: create, list mine, list all, search, get, paginate."""

import re

import pytest

ISO_8601_NAIVE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")


def test_create_my_thought(client, auth):
    response = client.post("/api/me/thoughts/", json={"text": "A new thought"}, headers=auth("bruce"))

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username", "text", "timestamp"}
    assert body["username"] == "bruce"
    assert body["text"] == "A new thought"
    assert isinstance(body["id"], int)
    assert ISO_8601_NAIVE.match(body["timestamp"])


def test_create_ignores_username_in_body(client, auth):
    response = client.post("/api/me/thoughts/", json={"text": "Mine", "username": "mallory"}, headers=auth("bruce"))

    assert response.status_code == 201
    assert response.json()["username"] == "bruce"


def test_create_ignores_username_in_form_body(client, auth):
    response = client.post("/api/me/thoughts/", data={"text": "Mine", "username": "mallory"}, headers=auth("bruce"))

    assert response.status_code == 201
    assert response.json()["username"] == "bruce"


def test_create_accepts_form_body(client, auth):
    response = client.post("/api/me/thoughts/", data={"text": "From a form"}, headers=auth("bruce"))

    assert response.status_code == 201
    assert response.json()["text"] == "From a form"


def test_create_is_readable_afterwards(client, post_thought):
    created = post_thought("bruce", "Persisted")

    response = client.get(f"/api/thoughts/{created['id']}/")

    assert response.status_code == 200
    assert response.json() == created


def test_create_without_auth(client):
    response = client.post("/api/me/thoughts/", json={"text": "Anonymous"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["Content-Type"] == "application/problem+json"


def test_list_my_thoughts(client, auth, post_thought):
    first = post_thought("bruce", "One")
    post_thought("stephen", "Not mine")
    second = post_thought("bruce", "Two")

    response = client.get("/api/me/thoughts/", headers=auth("bruce"))

    assert response.status_code == 200
    assert response.json() == [first, second]


def test_list_my_thoughts_without_auth(client):
    response = client.get("/api/me/thoughts/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_list_thoughts_by_id_ascending(client, post_thought):
    created = [post_thought("bruce", "One"), post_thought("stephen", "Two"), post_thought("bruce", "Three")]

    response = client.get("/api/thoughts/")

    assert response.status_code == 200
    thoughts = response.json()
    assert thoughts == created
    assert [thought["id"] for thought in thoughts] == sorted(thought["id"] for thought in thoughts)
    assert all(set(thought) == {"id", "username", "text", "timestamp"} for thought in thoughts)


def test_list_thoughts_empty(client):
    response = client.get("/api/thoughts/")

    assert response.status_code == 200
    assert response.json() == []


def test_search_is_case_insensitive(client, post_thought):
    post_thought("bruce", "Something about dogs")
    cats = post_thought("bruce", "A thought on CATS")

    response = client.get("/api/thoughts/", params={"search": "cAtS"})

    assert response.status_code == 200
    assert response.json() == [cats]


@pytest.mark.parametrize(
    ("text", "search"),
    [("Une ÉCOLE à Paris", "école"), ("МОСКВА зимой", "москва"), ("Straße ΣΟΦΊΑ", "σοφία")],  # noqa: RUF001
)
def test_search_folds_unicode_case(client, post_thought, text, search):
    thought = post_thought("bruce", text)
    post_thought("bruce", "Unrelated")

    response = client.get("/api/thoughts/", params={"search": search})

    assert response.json() == [thought]


@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "/"])
def test_search_treats_wildcards_literally(client, post_thought, wildcard):
    literal = post_thought("bruce", f"100{wildcard} sure")
    post_thought("bruce", "1000 sure")

    response = client.get("/api/thoughts/", params={"search": f"0{wildcard}"})

    assert response.json() == [literal]


def test_empty_search_means_no_filter(client, post_thought):
    created = [post_thought("bruce", "One"), post_thought("bruce", "Two")]

    response = client.get("/api/thoughts/", params={"search": ""})

    assert response.json() == created


def test_get_thought(client, post_thought):
    thought = post_thought("bruce", "Fetch me")

    response = client.get(f"/api/thoughts/{thought['id']}/")

    assert response.status_code == 200
    assert response.json() == thought


def test_get_missing_thought(client):
    response = client.get("/api/thoughts/123456/")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_limit_and_offset_page_through(client, post_thought):
    created = [post_thought("bruce", f"Thought {number}") for number in range(5)]

    response = client.get("/api/thoughts/", params={"limit": 2, "offset": 1})

    assert response.status_code == 200
    assert response.json() == created[1:3]


def test_my_thoughts_paginate_too(client, auth, post_thought):
    created = [post_thought("bruce", f"Thought {number}") for number in range(3)]

    response = client.get("/api/me/thoughts/", params={"limit": 1, "offset": 2}, headers=auth("bruce"))

    assert response.json() == created[2:]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"offset": -1}, {"offset": "first"}, {"page": 2}],
)
def test_bad_paging_parameters(client, params):
    response = client.get("/api/thoughts/", params=params)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/thoughts", "/api/thoughts/1", "/api/me/thoughts"])
def test_paths_answer_without_trailing_slash(client, auth, post_thought, path):
    post_thought("bruce", "Reachable")

    response = client.get(path, headers=auth("bruce"), follow_redirects=True)

    assert response.status_code == 200


def test_path_without_trailing_slash_redirects_to_it(client):
    response = client.get("/api/thoughts?search=x", follow_redirects=False)

    assert response.status_code == 307
    assert response.headers["Location"].endswith("/api/thoughts/?search=x")


def test_id_beyond_int32_is_a_bad_request(client):
    response = client.get("/api/thoughts/2147483648/")

    assert response.status_code == 400
