"""Rich text that editors enter: sanitised against an allow-list every time it is saved.

Pasted Word or web HTML keeps its structure (headings, lists, tables, links, images) and loses
everything else: styles, classes, scripts, event handlers, iframes, forms and any URL whose
scheme is not http, https or mailto (so no `javascript:` or `data:`). Images must come from the
portal's own media (the Images section of the admin): an image from elsewhere could track
readers or disappear, so its address is dropped.
"""

import nh3
from django.conf import settings
from django.db import models

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


def media_images_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: keep an image's address only when it is in the portal's media."""
    if tag == "img" and attribute == "src":
        media = "/" + settings.MEDIA_URL.strip("/") + "/"
        return value if value.startswith(media) and not value.startswith("//") else None
    return value


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allow-list removed; idempotent."""
    if not html:
        return ""
    return nh3.clean(
        html.replace("\x00", ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=media_images_only,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class RichTextField(models.TextField):
    """A TextField of editor HTML, sanitised whenever the model is saved.

    modeltranslation copies the field's class for every language, so each translation is
    sanitised too.
    """

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value
