"""Resized copies of uploaded images, made with Pillow on first use and kept in MEDIA_ROOT.

A rendition's name comes from the original's name and the width, so it is made once; the list of
an image's renditions is then cached. Replacing an image gives it a new upload name
(portal.uploads) and with it new renditions.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.publishing.images import eight_bit, in_srgb

logger = logging.getLogger(__name__)

RENDITIONS_FOLDER = "renditions"
WEBP_QUALITY = 80
CACHE_SECONDS = 24 * 3600


@dataclass
class Rendition:
    url: str
    width: int
    height: int


def rendition_name(original: str, width: int) -> str:
    path = PurePosixPath(original)
    return f"{RENDITIONS_FOLDER}/{path.parent}/{path.stem}-{width}w.webp"


def srcset(image, widths: list[int]) -> list[Rendition]:
    """Renditions of `image` (an ImageField's file) at each of `widths` (never wider than the
    original), narrowest first.

    The first call for an image opens it and writes the files; later calls read the cache. An
    image Pillow cannot read gives no renditions, and is logged.
    """
    return renditions_of(image.name, widths)


def renditions_of(name: str, widths: list[int]) -> list[Rendition]:
    """As srcset(), for the image stored under `name` in the media storage."""
    key = f"renditions:{name}:{','.join(map(str, widths))}"
    renditions = cache.get(key)
    if renditions is None:
        renditions = make_renditions(name, widths)
        cache.set(key, renditions, CACHE_SECONDS)
    return renditions


def make_renditions(name: str, widths: list[int]) -> list[Rendition]:
    try:
        with default_storage.open(name, "rb") as stored, Image.open(stored) as opened:
            original = in_srgb(eight_bit(ImageOps.exif_transpose(opened)))
            # WebP keeps transparency: a logo's clear background must not turn black.
            transparent = original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info
            mode = "RGBA" if transparent else "RGB"
            renditions = []
            for width in sorted({min(width, original.width) for width in widths}):
                height = round(original.height * width / original.width)
                copy = rendition_name(name, width)
                if not default_storage.exists(copy):
                    resized = original.convert(mode).resize(
                        (width, height), Image.Resampling.LANCZOS
                    )
                    buffer = io.BytesIO()
                    resized.save(buffer, "WEBP", quality=WEBP_QUALITY)
                    default_storage.save(copy, ContentFile(buffer.getvalue()))
                renditions.append(Rendition(default_storage.url(copy), width, height))
            return renditions
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Could not make renditions of %s", name, exc_info=True)
        return []
