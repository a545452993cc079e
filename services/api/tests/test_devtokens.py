"""The development key pair: created once, private to its owner, always a matching pair."""

import stat

import jwt

from thoughts_api.devtokens import ensure_key_pair, sign_token


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def is_a_pair(private_path, public_path) -> bool:
    token = sign_token(private_path.read_bytes(), "alice")
    return jwt.decode(token, public_path.read_bytes(), algorithms=["RS256"])["username"] == "alice"


def test_creates_a_matching_pair_with_a_private_key_for_its_owner_only(tmp_path):
    private_path, public_path = ensure_key_pair(tmp_path / "keys")

    assert is_a_pair(private_path, public_path)
    assert mode(private_path) == 0o600


def test_keeps_an_existing_pair(tmp_path):
    first = ensure_key_pair(tmp_path)
    contents = [path.read_bytes() for path in first]

    second = ensure_key_pair(tmp_path)

    assert second == first
    assert [path.read_bytes() for path in second] == contents


def test_replaces_half_a_pair_and_narrows_the_old_private_file(tmp_path):
    private_path, public_path = ensure_key_pair(tmp_path)
    public_path.unlink()
    private_path.chmod(0o644)

    ensure_key_pair(tmp_path)

    assert is_a_pair(private_path, public_path)
    assert mode(private_path) == 0o600
