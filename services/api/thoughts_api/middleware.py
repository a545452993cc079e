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


class RequestBodyGuard:
    """Answers 413 to a body over ``max_bytes`` and 400 to one that is not UTF-8.

    Connexion validates a form body with one parser and hands the handler the
    result of another, and the two disagree on undecodable bytes; checking the
    (small) body once, here, keeps such requests from reaching a handler.
    """

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

        body, more_body = b"", True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the app see the disconnect
            body += message.get("body", b"")
            more_body = message.get("more_body", False)
            if len(body) > self.max_bytes:
                raise self._too_large()
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProblemException(
                status=400, title="Bad Request", detail="The request body is not valid UTF-8"
            ) from None

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> ProblemException:
        return ProblemException(
            status=413,
            title="Content Too Large",
            detail=f"The request body must be at most {self.max_bytes} bytes",
        )
