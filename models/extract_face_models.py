#!/usr/bin/env python3
"""Take the BlazeFace and face-mesh TFLite files out of mediapipe 0.10.21's wheel.

Dev-time only (the appliance never downloads): fetches the wheel with
``pip download --no-deps`` into a temporary folder, extracts the two models,
checks their SHA-256 against the constants below and writes them next to
this script, together with mediapipe's LICENSE (Apache-2.0).

    python models/extract_face_models.py [--wheel PATH]   # --wheel: use a wheel already downloaded
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEDIAPIPE = "mediapipe==0.10.21"
# The models are the same bytes in every platform's wheel; pin one so the download is reproducible.
PLATFORM = ("--platform", "manylinux_2_28_x86_64", "--python-version", "3.11", "--only-binary=:all:")
MODELS = {
    "mediapipe/modules/face_detection/face_detection_short_range.tflite": (
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"
    ),
    "mediapipe/modules/face_landmark/face_landmark.tflite": (
        "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"
    ),
}
LICENSE = "mediapipe-0.10.21.dist-info/LICENSE"
LICENSE_SHA256 = "8707eef0533987efc5b155d64761eeb6e20793f50b9bd1a68dad1cf4719d0ed8"
OUT = Path(__file__).resolve().parent


def download_wheel(folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", *PLATFORM, "-d", str(folder), MEDIAPIPE]
    subprocess.run(command, check=True)
    wheels = sorted(folder.glob("mediapipe-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download left no mediapipe wheel in {folder}")
    return wheels[0]


def extract(wheel: Path, out: Path = OUT) -> None:
    wanted = {**MODELS, LICENSE: LICENSE_SHA256}
    with zipfile.ZipFile(wheel) as archive:
        for member, sha256 in wanted.items():
            data = archive.read(member)
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha256:
                raise SystemExit(f"{member} in {wheel.name} has SHA-256 {digest}, expected {sha256}")
            name = "LICENSE-mediapipe.txt" if member == LICENSE else Path(member).name
            (out / name).write_bytes(data)
            print(f"{out / name}  {len(data)} bytes  sha256 {digest}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a mediapipe 0.10.21 wheel already downloaded")
    args = parser.parse_args()
    if args.wheel:
        extract(args.wheel)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        extract(download_wheel(Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
