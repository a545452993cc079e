"""Liveness and readiness, for orchestrators' probes."""

from __future__ import annotations

import logging

from connexion.exceptions import ProblemException
from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from thoughts_api.database import current_database

logger = logging.getLogger(__name__)


def healthz() -> dict:
    """The process serves; deliberately no database call, so a slow database never restarts it."""
    return {"status": "ok"}


def readyz() -> Response:
    try:
        current_database().ping()
    except SQLAlchemyError as error:
        # The full reason goes to the log; the public answer names only its kind.
        logger.warning("readiness check failed: %s", error)
        detail = f"Database not ready ({type(error).__name__})"
        raise ProblemException(status=503, title="Service Unavailable", detail=detail) from None
    # jsonify: see the note on content types in thoughts_api.thoughts.
    return jsonify({"status": "ready"})
