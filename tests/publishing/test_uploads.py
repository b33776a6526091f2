"""Uploads are checked by content: bad ones are refused with a message and nothing is stored."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms
from pypdf import PdfWriter

from news.models import Attachment
from portal.publishing.attachments import check_pdf
from portal.publishing.images import check_image
from portal.publishing.models import Status
from portal.publishing.renditions import make_renditions
from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory


def minimal_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = minimal_pdf()


def image_bytes(fmt: str = "PNG", size=(40, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, fmt, **save)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("fmt, name", [("JPEG", "photo.JPG"), ("PNG", "p.png"), ("WEBP", "w.webp")])
def test_jpeg_png_and_webp_are_accepted_and_re_encoded(fmt, name):
    stored = check_image(upload(name, image_bytes(fmt)))
    assert Image.open(stored).format == fmt
    assert stored.name.startswith("image.")


def test_exif_with_the_gps_position_is_dropped():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (41.0, 48.0, 0.0)}  # GPSInfo
    exif[0x010F] = "Camera maker"
    stored = check_image(upload("photo.jpg", image_bytes("JPEG", exif=exif.tobytes())))
    reopened = Image.open(stored)
    assert not reopened.getexif()
    assert "exif" not in reopened.info


def test_a_png_with_an_exif_orientation_is_stored_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turned a quarter clockwise to be seen upright
    stored = check_image(upload("scan.png", image_bytes("PNG", size=(400, 200), exif=exif)))

    reopened = Image.open(stored)
    assert reopened.size == (200, 400)
    assert not reopened.getexif().get(0x0112)


def linear_rgb_profile() -> bytes:
    """An RGB colour profile with the sRGB primaries and no gamma: its (60, 60, 60) is sRGB's
    (133, 133, 133)."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", profile[128:132])
    for number in range(count):
        tag, offset, _size = struct.unpack(">4sII", profile[132 + 12 * number : 144 + 12 * number])
        if tag in (b"rTRC", b"gTRC", b"bTRC"):
            # A parametric curve of the simplest kind, y = x ** 1.0.
            profile[offset : offset + 16] = (
                b"para" + bytes(6) + bytes(2) + struct.pack(">i", 1 << 16)
            )
    return bytes(profile)


@pytest.mark.parametrize("fmt, name", [("JPEG", "photo.jpg"), ("PNG", "p.png"), ("WEBP", "w.webp")])
def test_colours_in_a_profile_are_kept_in_srgb_when_the_profile_is_dropped(fmt, name):
    original = Image.new("RGB", (8, 8), (60, 60, 60))
    out = io.BytesIO()
    original.save(out, fmt, icc_profile=linear_rgb_profile(), quality=100)

    reopened = Image.open(check_image(upload(name, out.getvalue())))

    assert "icc_profile" not in reopened.info
    assert all(abs(channel - 133) <= 2 for channel in reopened.convert("RGB").getpixel((4, 4)))


def test_a_sixteen_bit_grey_png_is_shown_grey_not_white(settings, tmp_path):
    grey = Image.new("I;16", (300, 200), 0x8000)
    out = io.BytesIO()
    grey.save(out, "PNG")
    stored = check_image(upload("chart.png", out.getvalue()))
    (tmp_path / "chart.png").write_bytes(stored.read())

    renditions = make_renditions("chart.png", [100])

    assert [rendition.width for rendition in renditions] == [100]
    copy = Image.open(tmp_path / "renditions" / "chart-100w.webp").convert("L")
    assert abs(copy.getpixel((50, 30)) - 128) <= 2


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check_image(upload(name, content))
    return " ".join(error.value.messages)


def test_a_decompression_bomb_is_refused():
    # 8000 × 8000 one-bit pixels: a few kilobytes on disk, 64 megapixels once decoded.
    bomb = image_bytes("PNG", size=(8000, 8000), mode="1")
    assert len(bomb) < 100_000
    assert "megapixels" in refused("bomb.png", bomb)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` one-bit pixels in a file of a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [10_000, 30_000])
def test_a_bomb_beyond_pillows_own_limits_is_refused_for_its_pixels(side):
    # 100 and 900 megapixels, past the size at which Pillow itself warns (89 MP) or refuses
    # (179 MP) to open an image.
    message = refused("bomb.png", png_header_only(side, side))
    assert "megapixels" in message
    assert "not a JPEG, PNG or WebP" not in message


def test_a_png_renamed_gif_is_refused():
    assert "not a JPEG, PNG or WebP" in refused("picture.gif", image_bytes("PNG"))


def test_a_png_named_jpg_is_refused_for_the_mismatch():
    assert "PNG image but its name ends in .jpg" in refused("picture.jpg", image_bytes("PNG"))


def test_an_html_file_renamed_jpg_is_refused():
    html = b"<html><body><script>alert(1)</script></body></html>"
    assert "not a JPEG, PNG or WebP" in refused("photo.jpg", html)


def test_a_truncated_image_is_refused():
    whole = image_bytes("JPEG", size=(400, 300))
    assert "damaged or incomplete" in refused("cut.jpg", whole[: len(whole) // 2])


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    assert "not a JPEG, PNG or WebP" in refused("logo.svg", svg)
    assert "not a JPEG, PNG or WebP" in refused("logo.png", svg)


def test_a_gif_is_refused_even_when_named_png():
    assert "not a JPEG, PNG or WebP" in refused("anim.png", image_bytes("GIF"))


def test_the_size_limit_is_configurable(settings):
    settings.IMAGE_MAX_BYTES = 100
    assert "largest allowed is 100" in refused("p.png", image_bytes("PNG", size=(200, 200)))


def test_the_pixel_limit_counts_every_frame(settings):
    settings.IMAGE_MAX_PIXELS = 2_000
    frames = [Image.new("RGB", (30, 30), c) for c in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    # One frame is 900 pixels, within the limit; three are 2,700.
    assert "megapixels" in refused("anim.webp", out.getvalue())


@pytest.mark.django_db
def test_a_bad_logo_is_a_form_error_and_stores_nothing(publisher_client, media):
    enterprise = EnterpriseFactory()
    url = reverse("admin:zones_enterprise_change", args=[enterprise.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "logo": upload("logo.jpg", b"<html>not an image</html>")
    }
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.logo
    assert not any(media.rglob("*.*"))


@pytest.mark.django_db
def test_a_good_logo_is_stored_under_a_generated_name(publisher_client, media):
    enterprise = EnterpriseFactory()
    url = reverse("admin:zones_enterprise_change", args=[enterprise.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "logo": upload("../../etc/My Logo.png", image_bytes("PNG"))
    }
    assert publisher_client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.logo.name.startswith("enterprises/logos/")
    assert "Logo" not in enterprise.logo.name and ".." not in enterprise.logo.name
    assert enterprise.logo.name.endswith(".png")


def test_a_pdf_is_accepted_and_anything_else_refused(settings):
    assert check_pdf(upload("report.pdf", PDF))
    with pytest.raises(ValidationError, match="not a PDF"):
        check_pdf(upload("report.pdf", b"<html><script>alert(1)</script></html>"))
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="largest allowed"):
        check_pdf(upload("report.pdf", PDF))


@pytest.mark.django_db
def test_an_attachment_is_served_as_a_download(publisher_client, visitor):
    release = ReleaseFactory()
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "attachments-TOTAL_FORMS": "1",
        "attachments-0-title": "Full text of the release",
        "attachments-0-file": upload("<script>.pdf", PDF),
        "attachments-0-position": "0",
    }
    assert publisher_client.post(url, data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("releases/attachments/")

    href = attachment.get_absolute_url()
    link = f'<a href="{href}" download lang="en">Full text of the release</a>'
    assert link in visitor.get(release.get_absolute_url()).content.decode()

    response = visitor.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="full-text-of-the-release.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF

    release.status = Status.DRAFT
    release.save()
    assert visitor.get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_behind_the_proxy_an_attachment_is_sent_by_nginx_once_its_release_is_public(
    publisher_client, visitor, settings
):
    settings.ATTACHMENT_ACCEL_REDIRECT = "/internal-media/"
    release = ReleaseFactory()
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "attachments-TOTAL_FORMS": "1",
        "attachments-0-title": "Full text",
        "attachments-0-file": upload("full.pdf", PDF),
        "attachments-0-position": "0",
    }
    assert publisher_client.post(url, data).status_code == 302
    attachment = Attachment.objects.get()

    response = visitor.get(attachment.get_absolute_url())
    assert response["X-Accel-Redirect"] == "/internal-media/" + attachment.file.name
    assert response["Content-Disposition"] == 'attachment; filename="full-text.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""

    release.status = Status.DRAFT
    release.save()
    assert not visitor.get(attachment.get_absolute_url()).has_header("X-Accel-Redirect")


@pytest.mark.django_db
def test_an_html_attachment_is_a_form_error(publisher_client):
    release = ReleaseFactory()
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "attachments-TOTAL_FORMS": "1",
        "attachments-0-title": "Not a PDF",
        "attachments-0-file": upload("page.pdf", b"<html></html>"),
        "attachments-0-position": "0",
    }
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "This is not a PDF file." in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_image_for_rich_text_is_uploaded_checked_and_given_its_address(editor_client):
    from news.models import Image as PortalImage

    response = editor_client.post(
        reverse("admin:news_image_add"),
        {
            "title": "Chart",
            "alt_text": "A chart",
            "file": upload("chart.webp", image_bytes("WEBP")),
        },
    )
    assert response.status_code == 302
    image = PortalImage.objects.get()
    assert image.file.url.startswith("/media/images/")
    bad = editor_client.post(
        reverse("admin:news_image_add"),
        {"title": "Bad", "alt_text": "Bad", "file": upload("x.svg", b"<svg/>")},
    )
    assert "not a JPEG, PNG or WebP" in bad.content.decode()


# The change forms with a cover image, and the field that names the record.
COVER_IMAGE_FORMS = [
    ("admin:news_release_change", ReleaseFactory, "title"),
    ("admin:zones_zone_change", ZoneFactory, "name"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("admin_url, factory, title", COVER_IMAGE_FORMS)
def test_a_cover_image_without_its_text_alternative_is_a_form_error(
    publisher_client, admin_url, factory, title
):
    record = factory(**{f"{title}_zh_hans": ""})
    url = reverse(admin_url, args=[record.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "cover_image": upload("cover.png", image_bytes("PNG")),
        f"{title}_en": "A title being written",
        "cover_image_alt_en": "",
    }

    response = publisher_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["cover_image_alt_en"]
    assert "A title being written" in response.content.decode()  # the input is kept
    # A browser does not keep a chosen file: the page says to choose it again.
    assert (
        "Choose these files again before saving: a form sent back with errors does not keep "
        "the files chosen in it. “cover.png”"
    ) in response.content.decode()
    record.refresh_from_db()
    assert not record.cover_image


@pytest.mark.django_db
@pytest.mark.parametrize("admin_url, factory, title", COVER_IMAGE_FORMS)
def test_a_record_with_a_chinese_title_needs_the_chinese_text_alternative_too(
    publisher_client, admin_url, factory, title
):
    record = factory(**{f"{title}_zh_hans": "中文标题"})
    url = reverse(admin_url, args=[record.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "cover_image": upload("cover.png", image_bytes("PNG")),
        "cover_image_alt_en": "The harbour at dawn",
        "cover_image_alt_zh_hans": "",
    }

    response = publisher_client.post(url, data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["cover_image_alt_zh_hans"]
    data["cover_image"] = upload("cover.png", image_bytes("PNG"))
    data["cover_image_alt_zh_hans"] = "黎明时的港口"
    assert publisher_client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.cover_image and record.cover_image_alt_zh_hans == "黎明时的港口"
