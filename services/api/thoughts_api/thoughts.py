"""Handlers for the thought routes of ``openapi/thoughts.yaml``.

Connexion has already checked the token, the parameters and the body against
the document, so each function only talks to the database.

Answers go through ``jsonify``: a route that documents both ``application/json``
and ``application/problem+json`` leaves Connexion unable to pick a content type
for plain data (spec-first/connexion#1956).
"""

from __future__ import annotations

from connexion.exceptions import ClientProblem
from flask import Response, jsonify, make_response
from sqlalchemy import Select, delete, func, select

from thoughts_api.database import ThoughtModel, current_session


def list_my_thoughts(user: str, limit: int, offset: int) -> Response:
    query = select(ThoughtModel).where(ThoughtModel.username == user)
    return _page(query, limit, offset)


def create_my_thought(user: str, body: dict) -> Response:
    thought = ThoughtModel(username=user, text=body["text"])
    session = current_session()
    session.add(thought)
    session.commit()
    return make_response(jsonify(thought.to_dict()), 201)


def list_thoughts(limit: int, offset: int, search: str = "") -> Response:
    query = select(ThoughtModel)
    if search:
        # autoescape keeps %, _ and the escape character literal.
        query = query.where(func.lower(ThoughtModel.text).contains(search.lower(), autoescape=True))
    return _page(query, limit, offset)


def get_thought(thought_id: int) -> Response:
    thought = current_session().get(ThoughtModel, thought_id)
    if thought is None:
        raise ClientProblem(status=404, title="Not Found", detail=f"Thought {thought_id} does not exist")
    return jsonify(thought.to_dict())


def delete_thought(thought_id: int) -> Response:
    session = current_session()
    session.execute(delete(ThoughtModel).where(ThoughtModel.id == thought_id))
    session.commit()
    return _no_content()


def _no_content() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]  # no body, so no type
    return response


def _page(query: Select, limit: int, offset: int) -> Response:
    thoughts = current_session().scalars(query.order_by(ThoughtModel.id).limit(limit).offset(offset))
    return jsonify([thought.to_dict() for thought in thoughts])
