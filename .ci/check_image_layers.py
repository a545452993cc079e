"""Check that no secret reached a layer of our images.

Usage: python3 check_image_layers.py BASE_IMAGE IMAGE... -- SECRET_FILE...

Saves the images with `docker save` and reads every layer that is not one of
BASE_IMAGE's (the layers our Dockerfile added). It fails when such a layer
  - holds a file whose bytes equal one of the SECRET_FILEs (the CA bundle
    given to pip as a build secret, the development keys, .env), or
  - holds a file with a PEM private key block in it, or
  - is named like a key or an env file (*.key, id_rsa*, .env).
It also fails when `docker history` shows a secret's first line. Certificate
bundles that packages ship (certifi's cacert.pem) are fine: they are public.
Prints what it checked; exits 1 with the offending paths.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from fnmatch import fnmatch
from pathlib import Path

SUSPICIOUS_NAMES = ("*.key", "id_rsa*", "id_ed25519*", ".env", ".env.*", "jwt-*.pem")
# A PEM private key with its body, not merely the words (libraries name them).
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{64,}-----END ")
CHUNK = 1 << 20


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def digest(stream) -> str:
    sha = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def main() -> int:
    arguments = sys.argv[1:]
    split = arguments.index("--") if "--" in arguments else len(arguments)
    base, images, secret_paths = arguments[0], arguments[1:split], [Path(p) for p in arguments[split + 1 :]]
    secrets = {}
    for path in secret_paths:
        if path.is_file() and path.stat().st_size:
            with path.open("rb") as file:
                secrets[digest(file)] = path
    first_lines = [path.read_text(errors="replace").strip().splitlines()[0] for path in secrets.values()]

    base_layers = set(json.loads(docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", base)))
    problems: list[str] = []
    checked_layers = checked_files = 0
    with tempfile.TemporaryDirectory() as work:
        archive = Path(work) / "images.tar"
        docker("save", "-o", str(archive), *images)
        with tarfile.open(archive) as saved:
            manifest = json.load(saved.extractfile("manifest.json"))
            seen = set()
            for entry in manifest:
                config = json.load(saved.extractfile(entry["Config"]))
                for layer_path, diff_id in zip(entry["Layers"], config["rootfs"]["diff_ids"], strict=True):
                    if diff_id in base_layers or diff_id in seen:
                        continue
                    seen.add(diff_id)
                    checked_layers += 1
                    with tarfile.open(fileobj=saved.extractfile(layer_path)) as layer:
                        for member in layer:
                            if not member.isfile():
                                continue
                            checked_files += 1
                            name = "/" + member.name.lstrip("./")
                            if any(fnmatch(Path(name).name, pattern) for pattern in SUSPICIOUS_NAMES):
                                problems.append(f"{entry['RepoTags']}: {name}: named like a key or env file")
                            data = layer.extractfile(member).read()
                            if hashlib.sha256(data).hexdigest() in secrets:
                                source = secrets[hashlib.sha256(data).hexdigest()]
                                problems.append(f"{entry['RepoTags']}: {name}: a copy of {source}")
                            if PRIVATE_KEY.search(data):
                                problems.append(f"{entry['RepoTags']}: {name}: holds a private key")

    for image in images:
        history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
        problems += [f"{image}: docker history shows {line!r}" for line in first_lines if line and line in history]

    print(
        f"checked {checked_files} files in {checked_layers} layers of {', '.join(images)} "
        f"(above {base}) against {len(secrets)} secret files: {len(problems)} problems"
    )
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
