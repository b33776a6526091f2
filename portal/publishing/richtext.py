"""Rich text that editors enter: sanitised against an allow-list every time it is saved.

Pasted Word or web HTML keeps its structure (headings, lists, tables, links, images) and loses
everything else: styles, classes, scripts, event handlers, iframes, forms and any URL whose
scheme is not http, https or mailto (so no `javascript:` or `data:`).

Images are kept whole or not at all; a page never shows an `<img>` without an address or
without a text alternative (a screen reader would read out a file name, or nothing):
- An image must come from the portal's own media (the Images section of the admin): an image
  from elsewhere could track readers or disappear. Its address is decoded (`%2e%2e`, `%252e`)
  and must then be a plain path under the media URL: no `..` or `.` segments, no backslashes,
  no `//`, no query. Anything else (an image pasted from Word points at the author's disk or
  a web server) is replaced by its text alternative, as text, so the sentence it stood in
  still reads; with no text alternative it is dropped.
- An image with a text alternative is kept; `alt=""` is the editor's mark for a decorative
  image and is kept too. An image with no `alt` at all is kept, with `alt=""`, only in a
  `<figure>` whose caption says what it shows; anywhere else nobody described it, and it is
  dropped.
- A `<figure>` that holds nothing but a caption (the editor's Enter at the end of a caption
  starts one) is not a figure: its caption's text is kept as a paragraph, and an empty figure
  goes. A figure of a table, a quotation or code stays one.
"""

import inspect
import posixpath
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

import nh3
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from modeltranslation.fields import TranslationFieldDescriptor

from portal.publishing.renditions import renditions_of

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "*": {"lang"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Elements whose content is dropped along with the tag, rather than kept as text.
CLEAN_CONTENT_TAGS = {"script", "style", "template", "iframe", "object", "embed", "noscript"}

# The editor's toolbar offers exactly what `sanitize_html` keeps on save (the allow-list above).
RICH_TEXT_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Underline": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False},
        "Image": True,
        "Figure": True,
        "Caption": True,
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "HardBreak": True,
        "History": True,
        "HTML": True,
    }
}


def media_path(value: str) -> str | None:
    """The portal media path `value` names, percent-encoded afresh; None for anything else."""
    media = "/" + settings.MEDIA_URL.strip("/") + "/"
    path = unquote(value)
    if (
        "\\" in path
        or "//" in path
        # A "%" left after decoding once is a path encoded twice (%252e%252e).
        or any(ord(char) < 0x21 or char in "%?#" for char in path)
        or urlsplit(path).scheme
        or posixpath.normpath(path) != path
        or not path.startswith(media)
    ):
        return None
    return quote(path)


def media_images_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: keep an image's address only when it is in the portal's media."""
    if tag == "img" and attribute == "src":
        return media_path(value)
    return value


class WholeImages(HTMLParser):
    """Rewrites nh3's output (well-formed, attributes quoted) so that every image is whole: an
    address and a text alternative, or not there at all; and every figure shows something
    besides its caption (see the module docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        # One list of pieces per open <figure>, the outermost being the document: an image's
        # fate in a figure is known only at the figure's end, once its caption has been read.
        self.stack: list[dict] = [new_figure()]
        self.in_caption = 0

    def emit(self, text: str) -> None:
        self.stack[-1]["out"].append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.image(dict(attrs))
            return
        if tag == "figure":
            self.stack.append(new_figure())
        elif tag == "figcaption":
            self.in_caption += 1
        elif not self.in_caption:
            self.stack[-1]["content"] = True
        self.emit(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def image(self, attrs: dict) -> None:
        if not attrs.get("src"):
            self.handle_data(escape((attrs.get("alt") or "").strip(), quote=False))
        elif attrs.get("alt") is not None:
            self.stack[-1]["content"] = True
            self.emit(self.get_starttag_text())
        elif len(self.stack) > 1:
            # Kept only if the figure turns out to have a caption.
            figure = self.stack[-1]
            figure["undescribed"].append(len(figure["out"]))
            figure["out"].append(self.get_starttag_text()[:-1] + ' alt="">')

    def handle_endtag(self, tag):
        self.emit(f"</{tag}>")
        if tag == "figcaption":
            self.in_caption = max(0, self.in_caption - 1)
        elif tag == "figure" and len(self.stack) > 1:
            figure = self.stack.pop()
            if figure["caption"]:
                figure["content"] |= bool(figure["undescribed"])
            else:
                for index in figure["undescribed"]:
                    figure["out"][index] = ""
            if figure["content"]:
                kept = "".join(figure["out"])
            else:
                kept = without_figure("".join(figure["out"][1:-1]))
            if kept and not self.in_caption:
                self.stack[-1]["content"] = True
            self.emit(kept)

    def handle_data(self, data):
        if data.strip():
            self.stack[-1]["caption" if self.in_caption else "content"] = True
        self.emit(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def result(self) -> str:
        self.close()
        while len(self.stack) > 1:  # a figure left open; nh3 closes them, so never in practice
            figure = self.stack.pop()
            self.emit("".join(figure["out"]))
        return "".join(self.stack[0]["out"])


def new_figure() -> dict:
    # content: what the figure shows besides its caption (an image, a table, a quotation…).
    return {"out": [], "caption": False, "undescribed": [], "content": False}


BLOCK_TAG_RE = re.compile(r"<(?:p|ul|ol|h[2-6]|blockquote|table|pre|dl|figure|hr)\b")
FIGCAPTION_RE = re.compile(r"</?figcaption\b[^>]*>")
TAG_RE = re.compile(r"<[^>]*>")


def without_figure(inner: str) -> str:
    """The inside of a figure that holds nothing but its caption: the caption as a paragraph
    (or as the blocks it holds), nothing when there is no text."""
    if not TAG_RE.sub("", inner).strip():
        return ""
    if BLOCK_TAG_RE.search(inner):
        return FIGCAPTION_RE.sub("", inner)
    return FIGCAPTION_RE.sub(lambda tag: "</p>" if tag[0].startswith("</") else "<p>", inner)


def whole_images(html: str) -> str:
    if "<img" not in html and "<figure" not in html:
        return html
    parser = WholeImages()
    parser.feed(html)
    return parser.result()


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allow-list removed; idempotent."""
    if not html:
        return ""
    return whole_images(
        nh3.clean(
            html.replace("\x00", ""),
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=media_images_only,
            url_schemes=ALLOWED_URL_SCHEMES,
            clean_content_tags=CLEAN_CONTENT_TAGS,
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    ).strip()


class ReadableText(HTMLParser):
    """Rich text as a reviewer reads it: the words, each link followed by where it goes and
    each image by its source, so that a changed target shows in a diff of the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a":
            self.links.append(found.get("href") or "")
        elif tag == "img":
            self.parts.append(f" [{found.get('alt') or ''} ⟨{found.get('src') or ''}⟩] ")

    def handle_endtag(self, tag):
        if tag == "a" and self.links and (href := self.links.pop()):
            self.parts.append(f" ⟨{href}⟩")

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(html: str) -> str:
    parser = ReadableText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


# An image in rich text is at most as wide as the text column (48rem, 768 CSS pixels): its
# renditions for phones, and for screens of one and two device pixels per CSS pixel.
IMAGE_WIDTHS = [480, 960, 1536]
IMAGE_SIZES = "(min-width: 48rem) 48rem, 100vw"


# A table wider than the text column scrolls sideways in a box of its own, which a keyboard can
# reach and scroll, rather than squeezing its cells until numbers break ("201/3"); the box is a
# region named by the table's caption, or as a table, for those who reach it by keyboard.
TABLE_BOX = '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">'


class ForDisplay(HTMLParser):
    """Rewrites sanitised HTML for pages: each image offers its renditions (srcset) and says
    its size, so that a phone is not sent a 5,000-pixel original and the text does not jump as
    images load; each table is put in a box that scrolls (TABLE_BOX), named in `language`.
    Everything else is written out as it came. Rewriting its own output gives the same: the
    boxes (the only `div`s, which sanitising drops) are made anew."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.media = "/" + settings.MEDIA_URL.strip("/") + "/"
        self.language = language
        # For each table being read: where its box opens in `out`, and its caption's text.
        self.tables: list[tuple[int, list[str]]] = []
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            return
        if tag == "table":
            self.tables.append((len(self.out), []))
            self.out.append("")  # the box, named once the table's caption is read
        elif tag == "caption" and self.tables:
            self.caption = self.tables[-1][1]
        found = dict(attrs)
        path = unquote(found.get("src") or "")
        if tag != "img" or not path.startswith(self.media):
            self.out.append(self.get_starttag_text())
            return
        sources = renditions_of(path.removeprefix(self.media), IMAGE_WIDTHS)
        if not sources:  # not an image Pillow reads: as it is
            self.out.append(self.get_starttag_text())
            return
        largest = sources[-1]
        # The size the editor gave, or the image's own (the largest rendition's proportions).
        given = found.get("width") and found.get("height")
        self.out.append(
            format_html(
                '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}"'
                ' loading="lazy" decoding="async">',
                found["src"],
                ", ".join(f"{source.url} {source.width}w" for source in sources),
                IMAGE_SIZES,
                found.get("alt") or "",
                found["width"] if given else largest.width,
                found["height"] if given else largest.height,
            )
        )

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "div":
            return
        self.out.append(f"</{tag}>")
        if tag == "caption":
            self.caption = None
        elif tag == "table" and self.tables:
            box, caption = self.tables.pop()
            with translation.override(self.language):
                name = " ".join(unescape("".join(caption)).split()) or gettext("Table")
            self.out[box] = format_html(TABLE_BOX, name)
            self.out.append("</div>")

    def handle_data(self, data):
        self.text(data)

    def handle_entityref(self, name):
        self.text(f"&{name};")

    def handle_charref(self, name):
        self.text(f"&#{name};")

    def text(self, written: str) -> None:
        self.out.append(written)
        if self.caption is not None:
            self.caption.append(written)

    def result(self) -> str:
        self.close()
        return "".join(self.out)


def for_display(html: str, language: str = settings.LANGUAGE_CODE) -> str:
    """Sanitised `html`, in `language`, as pages show it (ForDisplay), its images' renditions
    made now if they are not yet: once, when the text is saved, rather than when a page is
    shown."""
    if "<img" not in html and "<table" not in html:
        return html
    parser = ForDisplay(language)
    parser.feed(html)
    return parser.result()


def language_of(field_name: str) -> str:
    """The language of a translated field by its name: `body_zh_hans` → `zh-hans`."""
    for code, _name in settings.LANGUAGES:
        if field_name.endswith("_" + code.replace("-", "_")):
            return code
    return settings.LANGUAGE_CODE


def redisplay(model: type[models.Model], fields: list[str], marks: tuple[str, ...]) -> None:
    """Write the rich text `fields` of every row holding one of `marks` ("<img", "<table") as
    `for_display` does now, without a save (for a migration: no new version, history or audit
    entry)."""
    holding = models.Q()
    for name in fields:
        for mark in marks:
            holding |= models.Q(**{f"{name}__contains": mark})
    for row in list(model._default_manager.filter(holding).only("pk", *fields)):
        shown = {name: for_display(getattr(row, name) or "", language_of(name)) for name in fields}
        model._default_manager.filter(pk=row.pk).update(**shown)


def resize_images(model: type[models.Model], fields: list[str]) -> None:
    """Give the images in the rich text `fields` of every row their renditions (a migration's)."""
    redisplay(model, fields, ("<img",))


class RichTextField(models.TextField):
    """A TextField of editor HTML, sanitised whenever the model is saved, and written as pages
    show it (for_display).

    modeltranslation copies the field's class for every language, so each translation is
    sanitised too.
    """

    def pre_save(self, model_instance, add):
        value = for_display(
            sanitize_html(getattr(model_instance, self.attname) or ""), language_of(self.attname)
        )
        # modeltranslation's original field (`body` beside `body_en`, `body_zh_hans`) reads
        # the current language's text, falling back to the other language's, and writes the
        # current language's field: set back, it copied one language's text into the other's
        # empty field. Its value is only the column's; each language's field sanitises itself.
        descriptor = inspect.getattr_static(type(model_instance), self.attname, None)
        if not isinstance(descriptor, TranslationFieldDescriptor):
            setattr(model_instance, self.attname, value)
        return value
