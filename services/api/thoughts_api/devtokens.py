"""Development keys and token signing, for ``invoke token`` and the tests.

The service itself never imports this module: it only verifies tokens.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PRIVATE_KEY_NAME = "jwt-private.pem"
PUBLIC_KEY_NAME = "jwt-public.pem"


def generate_key_pair() -> tuple[bytes, bytes]:
    """A fresh RSA key pair as (private PEM, public PEM)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return private_pem, public_pem


def ensure_key_pair(directory: Path) -> tuple[Path, Path]:
    """Create the development key pair in ``directory`` unless it is already there.

    Under a lock, so two tasks starting at once cannot leave halves of two
    different pairs; each file is replaced whole, and the private one is
    readable by its owner only, even when an older file was there before.
    """
    private_path, public_path = directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    if private_path.exists() and public_path.exists():
        return private_path, public_path
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (private_path.exists() and public_path.exists()):
            private_pem, public_pem = generate_key_pair()
            _replace_file(private_path, private_pem, mode=0o600)
            _replace_file(public_path, public_pem, mode=0o644)
    return private_path, public_path


def _replace_file(path: Path, data: bytes, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), mode)  # the umask may have narrowed it; never widened
        file.write(data)
    os.replace(temporary, path)


def sign_token(private_pem: bytes, username: str, *, admin: bool = False, ttl_seconds: int = 3600, **claims) -> str:
    """An RS256 token with the claims the service requires."""
    payload = {
        "username": username,
        "exp": datetime.now(UTC) + timedelta(seconds=ttl_seconds),
        **claims,
    }
    if admin:
        payload["admin"] = True
    return jwt.encode(payload, private_pem, algorithm="RS256")
