"""Files uploaded for an import: saved to a private folder, bounded, then handed to a job.

The request only saves the bytes (never decodes them): the import runs off the request path
(:mod:`backstride.services.jobs`). A body larger than :data:`MAX_UPLOAD_BYTES` is refused with 413
from its Content-Length before it is read, and counted while it is saved when no length is given.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_FILES", "TooBig", "save_uploads"]

MAX_UPLOAD_BYTES = 1 * 2**30  # one request: a large export zip fits; the importer caps what it unpacks
MAX_UPLOAD_FILES = 1000
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_CHUNK = 1 << 20


class TooBig(ValueError):
    """More bytes (or files) than one upload may carry."""


def _safe_name(name: str | None) -> str:
    base = _UNSAFE.sub("_", Path((name or "upload").replace("\\", "/")).name).strip(" .") or "upload"
    return base[-120:]


async def save_uploads(files: list[UploadFile]) -> tuple[Path, list[Path]]:
    """Save the uploaded files into a new private folder, each under its own name (in a subfolder of its
    own, so two files of one name both arrive); the folder and the files (TooBig past the bounds)."""
    if len(files) > MAX_UPLOAD_FILES:
        raise TooBig(f"at most {MAX_UPLOAD_FILES} files at a time (zip them, or send them in parts)")
    folder = Path(tempfile.mkdtemp(prefix="backstride-upload-"))  # 0700
    total = 0
    saved: list[Path] = []
    try:
        for i, upload in enumerate(files):
            (folder / f"{i:04d}").mkdir()
            saved.append(folder / f"{i:04d}" / _safe_name(upload.filename))
            with saved[-1].open("wb") as out:
                while chunk := await upload.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UPLOAD_BYTES:
                        raise TooBig(f"at most {MAX_UPLOAD_BYTES // 2**20} MB at a time")
                    out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, saved
