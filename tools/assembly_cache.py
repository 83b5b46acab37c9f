"""A warm `make local` reuses its cloud assemblies when nothing they are synthesized from has changed.

The CDK CLI has no incremental synth: every `make local` synthesized the producer and the consumer
again (8.8 s and 4.1 s of an 18 s warm run), to deploy templates the emulator already holds. A
synth reads only the repository's files, the pinned packages and the ``-c`` values, so a digest of
those (``inputs_digest``) says whether an assembly is still what a synth would write: the stamp
beside it (``STAMP``) holds the digest of the synth that wrote it. Only the emulator's paths use
this; `make deploy` to AWS always synthesizes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from tools.project import ROOT

#: Everything a synth of the producer or the example consumer reads from the repository: the app,
#: the package it builds, cdk.json, and the pins of the Python packages and the CDK CLI.
INPUTS = (
    "app.py",
    "cdk.json",
    "tap_vpc",
    "examples/consumer",
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
    "package.json",
    "package-lock.json",
)
#: The digest of the inputs of the synth that wrote an assembly, in that assembly's folder.
STAMP = "tap-vpc-inputs.sha256"


def input_files(root: Path = ROOT, inputs: Sequence[str] = INPUTS) -> Iterator[Path]:
    """Every file of ``inputs`` under ``root``, folders walked, in a stable order (byte-code caches left out)."""
    for name in inputs:
        path = root / name
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            yield path


def inputs_digest(app: str, context: Mapping[str, str], root: Path = ROOT, inputs: Sequence[str] = INPUTS) -> str:
    """SHA-256 of the app command, the ``-c`` values and the name and bytes of every input file."""
    digest = hashlib.sha256(json.dumps({"app": app, "context": dict(context)}, sort_keys=True).encode())
    for path in input_files(root, inputs):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(assembly: Path, digest: str) -> bool:
    """Whether ``assembly`` is a cloud assembly that a synth of inputs with ``digest`` wrote."""
    stamp = assembly / STAMP
    return (assembly / "manifest.json").is_file() and stamp.is_file() and stamp.read_text() == digest


def stamp(assembly: Path, digest: str) -> None:
    """Record that a synth of inputs with ``digest`` wrote ``assembly`` (call it once the synth succeeded)."""
    (assembly / STAMP).write_text(digest)
