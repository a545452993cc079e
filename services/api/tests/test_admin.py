"""DELETE /admin/thoughts/{id}/: only a token with admin: true, and idempotent."""

from datetime import UTC, datetime, timedelta

import jwt


def test_delete_without_token(client, post_thought):
    thought = post_thought("bruce", "Keep me")

    response = client.delete(f"/admin/thoughts/{thought['id']}/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(f"/api/thoughts/{thought['id']}/").status_code == 200


def test_delete_with_bad_token(client, post_thought):
    thought = post_thought("bruce", "Keep me")

    response = client.delete(f"/admin/thoughts/{thought['id']}/", headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401
    assert client.get(f"/api/thoughts/{thought['id']}/").status_code == 200


def test_delete_by_non_admin_is_forbidden(client, auth, post_thought):
    thought = post_thought("bruce", "Keep me")

    response = client.delete(f"/admin/thoughts/{thought['id']}/", headers=auth("bruce"))

    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    assert client.get(f"/api/thoughts/{thought['id']}/").status_code == 200


def test_other_claims_do_not_make_an_admin(client, auth, post_thought):
    thought = post_thought("bruce", "Keep me")

    response = client.delete(f"/admin/thoughts/{thought['id']}/", headers=auth("bruce", admin=False, role="admin"))

    assert response.status_code == 403


def test_admin_claim_must_be_true_not_truthy(client, key_pair, post_thought):
    thought = post_thought("bruce", "Keep me")
    claims = {"username": "root", "admin": "true", "exp": datetime.now(UTC) + timedelta(hours=1)}
    headers = {"Authorization": f"Bearer {jwt.encode(claims, key_pair[0], algorithm='RS256')}"}

    response = client.delete(f"/admin/thoughts/{thought['id']}/", headers=headers)

    assert response.status_code == 403


def test_admin_deletes_a_thought(client, auth, post_thought):
    doomed = post_thought("bruce", "Delete me")
    kept = post_thought("bruce", "Keep me")

    response = client.delete(f"/admin/thoughts/{doomed['id']}/", headers=auth("root", admin=True))

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/api/thoughts/{doomed['id']}/").status_code == 404
    assert client.get("/api/thoughts/").json() == [kept]


def test_deleting_a_missing_thought_is_still_204(client, auth):
    response = client.delete("/admin/thoughts/987654/", headers=auth("root", admin=True))

    assert response.status_code == 204
