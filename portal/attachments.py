"""PDF attachments of releases: checked by content on upload, always served as a download."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"


def check_pdf(upload: UploadedFile) -> UploadedFile:
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("This is not a PDF file."), code="not_pdf")
    return upload


class ValidatedPDFField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return check_pdf(value)
        return value


def download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a public release (staff: of any release), as a download, never inline."""
    from news.models import Attachment, Release

    attachment = get_object_or_404(Attachment.objects.select_related("release"), pk=pk)
    release_is_visible = Release.objects.published().filter(pk=attachment.release_id).exists()
    if not (release_is_visible or request.user.is_staff):
        raise Http404
    if not attachment.file:
        raise Http404
    filename = f"{slugify(attachment.title) or 'attachment'}.pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
