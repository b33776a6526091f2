"""Images editors upload: checked by their content, then re-encoded before they are stored.

Only JPEG, PNG and WebP are accepted, and only when the file name says the same as the content
(a PNG named `.gif` is refused: a name that lies is a warning sign). Pillow opens the file with
exactly those formats, so an SVG, an HTML page or a GIF is never parsed as an image. The pixel
limit counts every frame and is checked from the header, before any pixel is decoded, which
stops decompression bombs. Re-encoding writes pixels only: EXIF (with any GPS position),
comments, the colour profile (once the colours are in sRGB) and any trailing payload are
dropped.
"""

import io
import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from portal.publishing.uploads import check_size

# Pillow format name -> (file name suffixes, the suffix and content type we store it under).
FORMATS = {
    "JPEG": ((".jpg", ".jpeg"), ".jpg", "image/jpeg"),
    "PNG": ((".png",), ".png", "image/png"),
    "WEBP": ((".webp",), ".webp", "image/webp"),
}
SUFFIXES = {suffix for suffixes, _, _ in FORMATS.values() for suffix in suffixes}
NOT_AN_IMAGE = _("This is not a JPEG, PNG or WebP image. Upload one of those.")
SRGB = ImageCms.createProfile("sRGB")


def check_image(upload: UploadedFile) -> SimpleUploadedFile:
    """Return the upload re-encoded, or raise ValidationError saying what is wrong with it."""
    check_size(
        upload,
        settings.IMAGE_MAX_BYTES,
        _("The image is %(size)s; the largest allowed is %(limit)s."),
    )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # Pillow warns from 89 megapixels; the limit below, read from the same header, decides.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except Image.DecompressionBombError as error:
            # Pillow refuses to open it at all (twice its warning size) and says only that.
            raise ValidationError(
                _(
                    "The image has more than %(pixels)s megapixels; the largest allowed is "
                    "%(limit)s. Make it smaller and upload it again."
                ),
                params={
                    "pixels": round(2 * Image.MAX_IMAGE_PIXELS / 1_000_000, 1),
                    "limit": round(settings.IMAGE_MAX_PIXELS / 1_000_000, 1),
                },
                code="too_many_pixels",
            ) from error
        except (UnidentifiedImageError, OSError, ValueError) as error:
            raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from error
        suffixes, stored_suffix, content_type = FORMATS[image.format]
        if suffix not in suffixes:
            raise ValidationError(
                _("The file is a %(format)s image but its name ends in %(suffix)s."),
                params={"format": image.format, "suffix": suffix},
                code="invalid_image",
            )
        width, height = image.size
        pixels = width * height * getattr(image, "n_frames", 1)
        if pixels > settings.IMAGE_MAX_PIXELS:
            raise ValidationError(
                _(
                    "The image has %(pixels)s megapixels; the largest allowed is %(limit)s. "
                    "Make it smaller and upload it again."
                ),
                params={
                    "pixels": round(pixels / 1_000_000, 1),
                    "limit": round(settings.IMAGE_MAX_PIXELS / 1_000_000, 1),
                },
                code="too_many_pixels",
            )
        try:
            image.load()
        except (OSError, ValueError, SyntaxError) as error:
            raise ValidationError(
                _("The image is damaged or incomplete. Upload it again."), code="invalid_image"
            ) from error
    return SimpleUploadedFile(f"image{stored_suffix}", reencode(image), content_type=content_type)


def reencode(image: Image.Image) -> bytes:
    """The first frame's pixels in the image's own format, without any metadata.

    The EXIF orientation is applied before EXIF is dropped, so that a photo stays upright, and
    the colours are moved into sRGB before the colour profile is dropped.
    """
    out = io.BytesIO()
    upright = in_srgb(ImageOps.exif_transpose(image))
    if image.format == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=88, optimize=True)
    elif image.format == "PNG":
        upright.save(out, "PNG", optimize=True)
    else:
        upright.save(out, "WEBP", quality=88)
    return out.getvalue()


def in_srgb(image: Image.Image) -> Image.Image:
    """`image` in sRGB, the colours a browser gives an image without a colour profile, and
    without its profile: a phone's photo in Display P3 keeps its colours. An image whose
    profile cannot be applied keeps its pixels as they are."""
    icc = image.info.pop("icc_profile", None)
    if not icc:
        return image
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    source = image.convert(mode) if image.mode in ("P", "PA", "LA") else image
    try:
        converted = ImageCms.profileToProfile(
            source, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    converted.info.pop("icc_profile", None)
    return converted


def eight_bit(image: Image.Image) -> Image.Image:
    """A grey image of 16 bits a pixel (a scan, a chart) as 8 bits, scaled: converting it as it
    is would clip every value above 255, and a mid grey would turn white."""
    if not image.mode.startswith("I"):
        return image
    return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")


def require_text_alternative(record, title: str, image: str, alt: str) -> None:
    """Raise ValidationError unless `record`'s image has its text alternative in every language
    the record has a `title` in (English when it has none yet).

    A page is read in the language of its title, so a Chinese page whose image has only an
    English description gives a screen reader's user nothing, and a release with a Chinese
    title alone needs no English description made up for it. The errors name the form fields
    modeltranslation makes (`cover_image_alt_en`, `cover_image_alt_zh_hans`).
    """
    if not getattr(record, image):
        return
    titled = [
        code
        for code, _name in settings.LANGUAGES
        if getattr(record, build_localized_fieldname(title, code))
    ] or [settings.LANGUAGE_CODE]
    errors = {}
    for code in titled:
        alt_field = build_localized_fieldname(alt, code)
        if not (getattr(record, alt_field) or "").strip():
            errors[alt_field] = _("Describe the cover image for people who cannot see it.")
    if errors:
        raise ValidationError(errors)


class ValidatedImageField(forms.FileField):
    """An image upload field that stores only what `check_image` accepts and re-encodes."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return check_image(value)
        return value
