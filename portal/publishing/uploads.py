"""Uploaded files: where they go (a generated name under a folder per kind, never the
uploader's name), and the size limit every kind's content check starts with."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible


def check_size(upload: UploadedFile, limit: int, message: str) -> None:
    """Raise ValidationError with `message`, which names the upload's `%(size)s` and the
    `%(limit)s`, when the upload is larger than `limit` bytes."""
    if upload.size > limit:
        raise ValidationError(
            message,
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


@deconstructible
class UploadPath:
    """`upload_to` that files an upload as `<folder>/<yyyy>/<random hex><extension>`.

    Only the extension of the original name survives, lower-cased, and only when it is one of
    `extensions`; content checks (portal.images, portal.attachments) make sure it fits.
    """

    def __init__(self, folder: str, extensions: tuple[str, ...] = (".jpg", ".png", ".webp")):
        self.folder = folder
        self.extensions = extensions

    def __call__(self, instance, filename: str) -> str:
        from django.utils import timezone

        suffix = PurePath(filename).suffix.lower()
        if suffix == ".jpeg":
            suffix = ".jpg"
        if suffix not in self.extensions:
            suffix = self.extensions[0]
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadPath) and (self.folder, self.extensions) == (
            other.folder,
            other.extensions,
        )
