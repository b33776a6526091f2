"""PDF attachments of releases: checked by content on upload, always served as a download.

The threat is a PDF that acts when a visitor opens it: document or form JavaScript (`/JS`,
`/JavaScript`, also run from `/OpenAction` or a page's `/AA`), a launch action that starts a
program (`/Launch`), an embedded file to be opened from the viewer (`/EmbeddedFile`,
`/EmbeddedFiles`), Flash or XFA forms (`/RichMedia`, `/XFA`, whose XML can hold scripts), a
form that sends or reads data (`/SubmitForm`, `/ImportData`). A press release needs none of
these, so a PDF that has one is refused, whatever it does with it. So is an action run by
itself when the document or a page opens (`/OpenAction`, `/AA`) that leaves the document: it
opens an address or another file without the reader asking. A link the reader clicks is fine.

PDFs hide names in two ways, and both are looked through:
- A name may spell its letters as `#xx` hex escapes: `/J#61vaScript` is `/JavaScript`. Names are
  decoded before they are compared.
- Objects may be packed, compressed, in object streams that no byte search can see into. pypdf
  reads every object the cross-reference lists, from object streams too, with all its filters.
  A search of the file's own bytes adds the objects the cross-reference does not list (which a
  lenient viewer may still find). A PDF that pypdf cannot read at all cannot be checked and is
  refused.
"""

import io
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from portal.publishing.uploads import check_size

PDF_MAGIC = b"%PDF-"
# The names that make a PDF act, each with the words that tell an editor what was found.
ACTIVE_CONTENT = {
    "/JavaScript": _("JavaScript"),
    "/JS": _("JavaScript"),
    "/Launch": _("a launch action (it starts a program)"),
    "/EmbeddedFile": _("an embedded file"),
    "/EmbeddedFiles": _("an embedded file"),
    "/RichMedia": _("Flash or other rich media"),
    "/XFA": _("an XFA form, which can hold scripts"),
    "/SubmitForm": _("a form that sends data"),
    "/ImportData": _("a form that reads data"),
}
# What an action run on opening may do: move within the document. Anything else (an address,
# another file) is refused.
STAYING_ACTIONS = {"/GoTo"}
LEAVING_ON_OPENING = _("an action that opens an address or another file by itself")
# A name as it stands in a PDF's bytes: a slash, then regular characters or #xx escapes.
RAW_NAME = re.compile(rb"/(?:[^\s/<>\[\]()%{}#]|#[0-9A-Fa-f]{2})+")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def raw_names(data: bytes) -> set[str]:
    """Every name in the bytes of the file, its #xx escapes decoded."""
    return {
        HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")
        for name in RAW_NAME.findall(data)
    }


def object_names(reader: PdfReader) -> set[str]:
    """Every name in every object the cross-reference lists, object streams included."""
    numbers = {
        (number, generation) for generation, entries in reader.xref.items() for number in entries
    }
    numbers |= {(number, 0) for number in reader.xref_objStm}
    names: set[str] = set()
    for number, generation in numbers:
        collect_names(reader.get_object(IndirectObject(number, generation, reader)), names)
    collect_names(reader.trailer, names)
    return names


def collect_names(obj, names: set[str]) -> None:
    """The names in `obj`, following no references: each object is visited on its own."""
    stack = [obj]
    while stack:
        obj = stack.pop()
        if isinstance(obj, NameObject):
            names.add(str(obj))
        elif isinstance(obj, DictionaryObject):
            names.update(str(key) for key in obj)
            stack.extend(value for value in obj.values() if not isinstance(value, IndirectObject))
        elif isinstance(obj, ArrayObject):
            stack.extend(item for item in obj if not isinstance(item, IndirectObject))


# An annotation's triggers that fire without a click: its page opening, closing, showing or
# hiding, and the pointer passing over it. A click on a link stays the reader's choice.
UNASKED_ANNOTATION_TRIGGERS = ("/PO", "/PC", "/PV", "/PI", "/E", "/X")


def actions_on_opening(reader: PdfReader) -> list[DictionaryObject]:
    """The actions run by themselves: the document's /OpenAction and /AA, each page's /AA and
    its annotations' unasked triggers (each of these may also chain further actions through
    /Next)."""
    catalog = reader.trailer["/Root"].get_object()
    triggers = [catalog.get("/OpenAction")]
    pages = [page.get_object() for page in reader.pages]
    for holder in [catalog, *pages]:
        additional = holder.get("/AA")
        if additional is not None:
            triggers.extend(additional.get_object().values())
    for page in pages:
        annotations = page.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else None
        for annotation in annotations if isinstance(annotations, ArrayObject) else []:
            annotation = annotation.get_object()
            additional = annotation.get("/AA") if isinstance(annotation, DictionaryObject) else None
            additional = additional.get_object() if additional is not None else None
            if isinstance(additional, DictionaryObject):
                triggers.extend(additional.get(key) for key in UNASKED_ANNOTATION_TRIGGERS)
    actions, seen = [], set()
    while triggers:
        action = triggers.pop()
        action = action.get_object() if action is not None else None
        if not isinstance(action, DictionaryObject) or id(action) in seen:
            continue  # none, or a destination (a page to show), or one already looked at
        seen.add(id(action))
        actions.append(action)
        chained = action.get("/Next")
        chained = chained.get_object() if chained is not None else None
        triggers.extend(chained if isinstance(chained, ArrayObject) else [chained])
    return actions


def active_content(data: bytes) -> list[str]:
    """What in the PDF could act when it is opened, in words; empty for a plain document."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    names = raw_names(data) | object_names(reader)
    found = {str(words) for name, words in ACTIVE_CONTENT.items() if name in names}
    if any(action.get("/S") not in STAYING_ACTIONS for action in actions_on_opening(reader)):
        found.add(str(LEAVING_ON_OPENING))
    return sorted(found)


def check_pdf(upload: UploadedFile) -> UploadedFile:
    check_size(
        upload,
        settings.ATTACHMENT_MAX_BYTES,
        _("The file is %(size)s; the largest allowed is %(limit)s."),
    )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("This is not a PDF file."), code="not_pdf")
    data = upload.read()
    upload.seek(0)
    try:
        found = active_content(data)
    except FileNotDecryptedError as error:
        raise ValidationError(
            _(
                "This PDF needs a password to open, which visitors would not have. Save it "
                "again without a password to open it (a password that only restricts editing "
                "is fine), and upload the new file."
            ),
            code="encrypted_pdf",
        ) from error
    except Exception as error:  # pypdf on untrusted bytes: any failure means "not checked"
        raise ValidationError(
            _(
                "This PDF could not be read to check it. Save or export it again as PDF and "
                "upload the new file."
            ),
            code="unreadable_pdf",
        ) from error
    if found:
        raise ValidationError(
            _(
                "This PDF contains %(found)s, which could run on a reader's computer. Export "
                "it again as a plain PDF (in Acrobat: File › Save As Other › Optimized PDF, "
                "without JavaScript and attachments) and upload that."
            ),
            params={"found": ", ".join(found)},
            code="active_pdf",
        )
    return upload


class ValidatedPDFField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return check_pdf(value)
        return value
