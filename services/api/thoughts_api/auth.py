"""Bearer-token checks named by the security schemes of ``openapi/thoughts.yaml``.

Tokens are RS256 JWTs. The service holds only the public key, so it can
verify tokens but never issue them.
"""

from __future__ import annotations

import jwt
from connexion.exceptions import Forbidden, OAuthProblem
from connexion.lifecycle import ConnexionRequest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from thoughts_api.database import USERNAME_MAX_LENGTH


class TokenVerifier:
    """Turns a bearer token into its claims, or a 401 saying why not."""

    def __init__(self, public_key: RSAPublicKey) -> None:
        self._public_key = public_key

    def claims(self, token: str) -> dict:
        try:
            # Pinning RS256 rejects "alg: none" and HS256 tokens signed with the public key.
            claims = jwt.decode(
                token,
                self._public_key,
                algorithms=["RS256"],
                options={"require": ["exp", "username"]},
            )
        except jwt.ExpiredSignatureError:
            raise OAuthProblem(detail="Token has expired") from None
        except jwt.ImmatureSignatureError:
            raise OAuthProblem(detail="Token is not valid yet") from None
        except jwt.MissingRequiredClaimError as error:
            raise OAuthProblem(detail=f"Token has no {error.claim!r} claim") from None
        except jwt.InvalidTokenError:
            raise OAuthProblem(detail="Token is malformed or its signature does not verify") from None

        username = claims["username"]
        if not isinstance(username, str) or not 0 < len(username) <= USERNAME_MAX_LENGTH:
            raise OAuthProblem(detail=f"Token 'username' must be a string of 1 to {USERNAME_MAX_LENGTH} characters")
        # Connexion passes "sub" to handlers as their `user` argument.
        return {**claims, "sub": username}


def user_from_token(token: str, request: ConnexionRequest) -> dict:
    """``x-bearerInfoFunc`` of the ``bearer`` scheme: any valid token."""
    return request.state.token_verifier.claims(token)


def admin_from_token(token: str, request: ConnexionRequest) -> dict:
    """``x-bearerInfoFunc`` of the ``admin`` scheme: a valid token with ``admin: true``."""
    claims = user_from_token(token, request)
    if claims.get("admin") is not True:
        raise Forbidden(detail="This route needs a token with admin: true")
    return claims
