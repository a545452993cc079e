"""Two small ASGI middlewares that Connexion's stack does not provide."""

from __future__ import annotations

from typing import Any

from connexion.exceptions import ProblemException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AppState:
    """Puts app-wide objects in ``scope["state"]``, where ``request.state`` finds them.

    Security functions run before Flask, so they cannot reach ``current_app``;
    this is the ASGI way to hand them the token verifier.
    """

    def __init__(self, app: ASGIApp, **state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {}).update(self.state)
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Answers 413 to a request body over ``max_bytes``, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._too_large()
            return message

        await self.app(scope, counting_receive, send)

    def _too_large(self) -> ProblemException:
        return ProblemException(
            status=413,
            title="Content Too Large",
            detail=f"The request body must be at most {self.max_bytes} bytes",
        )
