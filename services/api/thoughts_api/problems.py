"""The RFC 7807 answers that Connexion does not write by itself."""

from __future__ import annotations

import logging

from connexion.exceptions import Unauthorized
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.problem import problem
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


def unauthorized(_request: ConnexionRequest, error: Unauthorized) -> ConnexionResponse:
    """Connexion's 401, plus the challenge header that RFC 6750 asks for."""
    return problem(status=401, title="Unauthorized", detail=error.detail, headers={"WWW-Authenticate": "Bearer"})


def database_unavailable(_request: ConnexionRequest | None, error: SQLAlchemyError) -> ConnexionResponse:
    """503, so clients and load balancers retry later.

    The full reason goes to the log; the public answer names only its kind.
    """
    logger.warning("database unavailable: %s", error)
    return problem(status=503, title="Service Unavailable", detail=f"Database not ready ({type(error).__name__})")
