"""The document is served, with Swagger UI, as the single source of routes."""

import pytest
import yaml

from thoughts_api.config import DEFAULT_SPEC_PATH


def test_openapi_document_is_served(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    assert set(response.json()["paths"]) == {
        "/api/me/thoughts/",
        "/api/thoughts/",
        "/api/thoughts/{thought_id}/",
        "/admin/thoughts/{thought_id}/",
        "/healthz",
        "/readyz",
    }


def test_swagger_ui_is_served(client):
    response = client.get("/ui/")

    assert response.status_code == 200
    assert "swagger-ui" in response.text


def test_unknown_path_is_a_404_problem(client):
    response = client.get("/api/nothing-here/")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.fixture
def extended_spec(tmp_path):
    """A copy of the document with one more path, served by an existing handler."""
    spec = yaml.safe_load(DEFAULT_SPEC_PATH.read_text())
    spec["paths"]["/api/latest-thoughts/"] = {
        "get": {
            **spec["paths"]["/api/thoughts/"]["get"],
            "operationId": "thoughts_api.thoughts.list_thoughts",
            "summary": "The same list under a new path",
        }
    }
    path = tmp_path / "thoughts.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_editing_the_document_adds_a_route(make_app, settings, extended_spec, post_thought):
    thought = post_thought("bruce", "Visible on the new route")

    with make_app(settings, spec_path=extended_spec).test_client() as client:
        response = client.get("/api/latest-thoughts/")

    assert response.status_code == 200
    assert response.json() == [thought]


def test_the_new_route_does_not_exist_without_the_edit(client):
    assert client.get("/api/latest-thoughts/").status_code == 404
