"""A PDF attachment that could run something in the reader's PDF viewer is refused: JavaScript,
launch actions, embedded files, however the PDF spells or packs them."""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from portal.publishing.attachments import check_pdf


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdf() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Press release"})
    return writer


def refused(content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check_pdf(SimpleUploadedFile("release.pdf", content))
    return " ".join(error.value.messages)


def test_a_plain_pdf_is_accepted():
    content = written(plain_pdf())
    assert check_pdf(SimpleUploadedFile("release.pdf", content)).read() == content


def test_a_pdf_with_a_link_is_accepted():
    writer = plain_pdf()
    writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.ln.gov.cn/"))
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    check_pdf(SimpleUploadedFile("release.pdf", written(writer)))


@pytest.mark.parametrize("kind", ["/URI", "/SubmitForm", "/GoToR", "/ImportData"])
@pytest.mark.parametrize("trigger", ["document", "page", "/PO", "/PV", "/E"])
def test_an_action_that_leaves_the_document_by_itself_on_opening_is_refused(kind, trigger):
    writer = plain_pdf()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject(kind),
            NameObject("/URI"): TextStringObject("http://evil.example/"),
            NameObject("/F"): TextStringObject("http://evil.example/"),
        }
    )
    if trigger == "document":
        writer._root_object[NameObject("/OpenAction")] = action
    elif trigger == "page":
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    else:
        # An annotation's action when its page opens or shows, or the pointer passes over it.
        link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.ln.gov.cn/"))
        link[NameObject("/AA")] = DictionaryObject({NameObject(trigger): action})
    assert refused(written(writer))


def test_an_annotations_action_on_a_click_is_accepted():
    writer = plain_pdf()
    link = writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.ln.gov.cn/"))
    link[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/U"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://www.ln.gov.cn/"),
                }
            )
        }
    )
    check_pdf(SimpleUploadedFile("release.pdf", written(writer)))


def test_document_javascript_is_refused():
    writer = plain_pdf()
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])}
            )
        }
    )
    assert "JavaScript" in refused(written(writer))


def test_a_launch_action_on_opening_is_refused():
    writer = plain_pdf()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    assert "launch" in refused(written(writer))


def test_an_embedded_file_is_refused():
    writer = plain_pdf()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")
    assert "embedded file" in refused(written(writer))


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF with a classic cross-reference table, objects numbered from 1."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PAGES = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def test_a_hex_escaped_javascript_name_is_refused():
    content = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            *PAGES,
            b"<< /S /J#61va#53cript /J#53 (app.alert(1)) >>",
        ]
    )
    assert b"/JavaScript" not in content and b"/JS " not in content
    assert "JavaScript" in refused(content)


def test_javascript_packed_in_a_compressed_object_stream_is_refused():
    """The action is object 4, inside the compressed object stream 5; a cross-reference
    stream (object 6) says where it is. Nothing in the file's bytes names JavaScript."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + action)
    head = b"%PDF-1.7\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGES,
    ]
    out = bytearray(head)
    offsets = {}
    for number, body in enumerate(objects, 1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[5] = len(out)
    out += (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    offsets[6] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (1, 2, 3)]
    rows += [b"\x02" + (5).to_bytes(4, "big") + b"\x00\x00"]  # object 4: in stream 5, first
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (5, 6)]
    table = zlib.compress(b"".join(rows))
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    content = bytes(out)
    assert b"JavaScript" not in content
    assert "JavaScript" in refused(content)


def test_a_pdf_that_cannot_be_read_is_refused():
    assert "could not be read" in refused(b"%PDF-1.7\n" + b"\x00garbage" * 50)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_that_opens_without_a_password_but_restricts_editing_is_accepted(algorithm):
    writer = plain_pdf()
    writer.encrypt(user_password="", owner_password="the-owners-password", algorithm=algorithm)
    content = written(writer)

    assert check_pdf(SimpleUploadedFile("release.pdf", content)).read() == content


def test_a_pdf_that_asks_for_a_password_to_open_is_refused_saying_so():
    writer = plain_pdf()
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")

    assert "needs a password to open" in refused(written(writer))


def test_javascript_in_a_pdf_restricted_from_editing_is_still_found():
    writer = plain_pdf()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")

    assert "JavaScript" in refused(written(writer))
