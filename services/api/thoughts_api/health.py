"""Liveness and readiness, for orchestrators' probes."""

from __future__ import annotations

from connexion.lifecycle import ConnexionResponse
from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from thoughts_api.database import current_database
from thoughts_api.problems import database_unavailable


def healthz() -> dict:
    """The process serves; deliberately no database call, so a slow database never restarts it."""
    return {"status": "ok"}


def readyz() -> Response | ConnexionResponse:
    """A round trip to the database that also proves the thoughts table is there."""
    try:
        current_database().ping()
    except SQLAlchemyError as error:
        return database_unavailable(None, error)
    # jsonify: see the note on content types in thoughts_api.thoughts.
    return jsonify({"status": "ready"})
