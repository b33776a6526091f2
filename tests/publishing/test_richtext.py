"""Rich text is sanitised on save: structure stays, nothing executable survives."""

import importlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from PIL import Image

from news.models import Release
from portal.publishing.richtext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    for_display,
    sanitize_html,
)
from tests.factories import ReleaseFactory

# In the style of the OWASP XSS Filter Evasion Cheat Sheet.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    (
        '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000'
        "114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#000"
        '0116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">'
    ),
    (
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#10"
        "8;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"
    ),
    (
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&"
        "#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>"
    ),
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "<SCRIPT SRC=//xss.example/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<https://xss.example/xss.css>; REL=stylesheet">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    (
        '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVy'
        'dCgnWFNTJyk8L3NjcmlwdD4K">'
    ),
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
    (
        '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub'
        "3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5r"
        "PSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHd"
        "pZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcm"
        'lwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScrip'
        'tAccess="always"></EMBED>'
    ),
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT&colon;alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="java&#x0D;script:alert(1)">click</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<form action="https://evil.example/"><input name="password"><button>Go</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<details open ontoggle="alert(1)">x</details>',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
        "</table></mtext></math>"
    ),
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<p style="behavior: url(xss.htc)">styled</p>',
    "<p><!--<img src=x onerror=alert(1)>--></p>",
    "<template><script>alert(1)</script></template>",
    '<a href="https://example.org/" onclick="alert(1)" target="_blank">ok</a>',
    '<p class="MsoNormal" onmouseenter="alert(1)">Word</p>',
    '<object data="javascript:alert(1)"></object>',
    '<isindex action="javascript:alert(1)" type=image>',
    "<img src=\"x:gif\" onerror=\"window['al'+'ert'](0)\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="\x00javascript:alert(1)">nul</a>',
]

EXECUTABLE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "form", "input",
    "button", "meta", "link", "base", "svg", "math", "template", "noscript", "video", "audio",
    "source", "details", "body", "isindex", "bgsound",
}  # fmt: skip


class Elements(HTMLParser):
    """Collects every tag and attribute the browser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str):
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives_sanitising(payload):
    clean = sanitize_html(payload)
    for tag, attrs in elements(clean):
        assert tag in ALLOWED_TAGS and tag not in EXECUTABLE_TAGS, clean
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | {"rel"}
        for name, value in attrs:
            assert name in allowed, clean
            assert not name.startswith("on"), clean
            if name in {"href", "src"} and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ALLOWED_URL_SCHEMES | {""}, clean
            if value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), clean
    assert "<script" not in clean.lower()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitising_twice_changes_nothing(payload):
    once = sanitize_html(payload)
    assert sanitize_html(once) == once


def test_pasted_word_keeps_its_structure_and_loses_its_styles():
    pasted = (
        '<h2 class="MsoHeading2" style="color:red">Figures</h2>'
        '<p class="MsoNormal"><span style="font-family:SimSun">Growth of <b>23.7%</b></span></p>'
        '<ul><li style="mso-list:l0">High-tech</li><li>Gazelle</li></ul>'
        '<table border="1"><tr><td colspan="2" style="width:50%">Cell</td></tr></table>'
        "<blockquote>Quoted</blockquote>"
        '<p><a href="https://www.ln.gov.cn/" target="_blank">Source</a></p>'
    )
    clean = sanitize_html(pasted)
    assert "<h2>Figures</h2>" in clean
    assert "<b>23.7%</b>" in clean
    assert "<li>High-tech</li>" in clean
    assert '<td colspan="2">Cell</td>' in clean
    assert "<blockquote>Quoted</blockquote>" in clean
    assert 'href="https://www.ln.gov.cn/"' in clean
    assert "style=" not in clean
    assert "class=" not in clean
    assert "<span" not in clean


@pytest.mark.django_db
def test_a_release_body_is_sanitised_when_saved():
    release = ReleaseFactory(body_en='<p onclick="alert(1)">Hi<script>alert(2)</script></p>')
    release.refresh_from_db()
    assert release.body_en == "<p>Hi</p>"


def test_images_are_kept_only_from_the_portals_media():
    clean = sanitize_html(
        '<p><img src="/media/images/2026/chart.png" alt="Chart">'
        '<img src="https://tracker.example/pixel.gif" alt="Pixel">'
        '<img src="//cdn.example/media/x.png" alt="Elsewhere"></p>'
    )
    assert '<img src="/media/images/2026/chart.png" alt="Chart">' in clean
    assert "tracker.example" not in clean
    assert "cdn.example" not in clean


def test_an_image_from_elsewhere_is_replaced_by_its_text_alternative():
    clean = sanitize_html(
        '<p>Before <img src="https://word.example/image001.png" alt="Output grew 23.7%"> after</p>'
    )
    assert clean == "<p>Before Output grew 23.7% after</p>"


def test_an_image_from_elsewhere_without_a_text_alternative_is_dropped_whole():
    clean = sanitize_html('<p>Text<img src="https://word.example/image001.png"></p>')
    assert clean == "<p>Text</p>"


def test_a_text_alternative_kept_as_text_stays_text():
    clean = sanitize_html('<img src="https://x.example/a.png" alt="<script>alert(1)</script>">')
    assert "<script" not in clean
    assert clean == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert sanitize_html(clean) == clean


@pytest.mark.parametrize(
    "src",
    [
        "/media/../../etc/passwd",
        "/media/images/../../etc/passwd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/%2E%2E/secret.png",
        "/media/%252e%252e/secret.png",
        "/media/..%2fsecret.png",
        "/media/..\\..\\secret.png",
        "/media\\..\\secret.png",
        "//evil.example/media/x.png",
        "/media//evil.example/x.png",
        "/media/./images/x.png",
        "/media/images/x.png?u=1",
        "/mediaevil/x.png",
        " /media/../x.png",
    ],
)
def test_an_image_path_that_leaves_the_media_folder_is_refused(src):
    clean = sanitize_html(f'<p><img src="{src}" alt="Chart"></p>')
    assert "<img" not in clean
    assert clean == "<p>Chart</p>"


def test_a_media_image_with_a_text_alternative_is_kept_as_it_is():
    html = '<p><img src="/media/images/2026/chart.png" alt="Chart of output"></p>'
    assert sanitize_html(html) == html


def test_a_media_image_marked_decorative_keeps_its_empty_text_alternative():
    html = '<p><img src="/media/images/2026/rule.png" alt=""></p>'
    assert sanitize_html(html) == html


def test_an_undescribed_image_in_a_captioned_figure_is_kept_as_described_by_the_caption():
    clean = sanitize_html(
        '<figure><img src="/media/images/2026/chart.png">'
        "<figcaption>Output of the four zones, 2023</figcaption></figure>"
    )
    assert clean == (
        '<figure><img src="/media/images/2026/chart.png" alt="">'
        "<figcaption>Output of the four zones, 2023</figcaption></figure>"
    )


def test_an_undescribed_image_without_a_caption_is_dropped():
    assert sanitize_html('<p>A<img src="/media/images/2026/chart.png">B</p>') == "<p>AB</p>"
    assert (
        sanitize_html(
            '<figure><img src="/media/images/2026/chart.png"><figcaption> </figcaption></figure>'
        )
        == ""
    )


def test_a_figure_left_without_an_image_keeps_its_caption_as_a_paragraph():
    # Enter at the end of a caption starts a figure with a caption alone; a lost image leaves
    # an empty figure.
    figure = (
        '<figure><img src="/media/images/2026/dusk.jpg" alt="The zone at dusk">'
        "<figcaption>The zone <em>at dusk</em></figcaption></figure>"
    )
    html = (
        "<p>Before.</p><figure><figcaption>A new paragraph</figcaption></figure>"
        f"<figure></figure>{figure}"
    )

    clean = sanitize_html(html)

    assert clean == f"<p>Before.</p><p>A new paragraph</p>{figure}"
    assert sanitize_html(clean) == clean
    assert sanitize_html("<figure><figcaption><p>One</p><p>Two</p></figcaption></figure>") == (
        "<p>One</p><p>Two</p>"
    )


@pytest.mark.parametrize(
    "shown",
    [
        "<blockquote><p>Quoted words.</p></blockquote>",
        "<table><tbody><tr><td>5</td></tr></tbody></table>",
        "<pre>code</pre>",
        "Chart of output",  # an image from elsewhere, replaced by its text alternative
    ],
)
def test_a_figure_of_something_else_than_an_image_stays_a_figure(shown):
    html = f"<figure>{shown}<figcaption>The caption</figcaption></figure>"

    assert sanitize_html(html) == html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written", "empty"),
    [("zh-hans", "body_en", "body_zh_hans"), ("en", "body_zh_hans", "body_en")],
)
def test_saving_in_one_language_leaves_the_other_languages_empty_text_empty(
    client, language, written, empty
):
    release = ReleaseFactory(**{written: "<p>Only in one language.</p>", empty: ""})

    with translation.override(language):
        release.save()

    release.refresh_from_db()
    assert getattr(release, written) == "<p>Only in one language.</p>"
    assert getattr(release, empty) == ""
    # The page in the language without it says it shows the other language's text.
    with translation.override(language):
        page = client.get(release.get_absolute_url()).content.decode()
    other = "en" if language == "zh-hans" else "zh-Hans"
    assert f'<div class="rich-text" lang="{other}"><p>Only in one language.</p></div>' in page


def stored_image(media_root, name: str, size: tuple[int, int]) -> None:
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (11, 79, 138)).save(path, "JPEG")


@pytest.mark.django_db
def test_an_image_in_a_release_body_is_sent_in_sizes_made_when_it_is_saved(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    stored_image(tmp_path, "images/2026/port.jpg", (5000, 3000))
    release = ReleaseFactory(
        body_en='<p><img src="/media/images/2026/port.jpg" alt="The port"></p>'
    )

    made = sorted(Image.open(path).size for path in (tmp_path / "renditions").rglob("*.webp"))
    assert made == [(480, 288), (960, 576), (1536, 922)]
    page = client.get(release.get_absolute_url()).content.decode()
    [image] = re.findall(r"<img [^>]*>", page.split('class="rich-text"')[1])
    assert 'alt="The port"' in image
    assert 'width="1536" height="922"' in image
    assert "/media/renditions/images/2026/port-480w.webp 480w" in image
    assert "/media/renditions/images/2026/port-1536w.webp 1536w" in image
    assert 'sizes="(min-width: 48rem) 48rem, 100vw"' in image

    # Saved again, the body is the same: its sizes are made again from the image, not kept.
    body = Release.objects.get(pk=release.pk).body_en
    release.save()
    release.refresh_from_db()
    assert release.body_en == body


@pytest.mark.django_db
def test_an_image_in_rich_text_keeps_the_size_its_editor_gave(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored_image(tmp_path, "images/small.jpg", (600, 400))
    release = ReleaseFactory(
        body_en='<p><img src="/media/images/small.jpg" alt="A" width="300" height="200"></p>'
    )
    release.refresh_from_db()
    assert 'width="300" height="200"' in release.body_en
    assert "small-480w.webp 480w" in release.body_en
    assert "small-600w.webp 600w" in release.body_en  # never wider than the original


@pytest.mark.django_db
def test_an_image_pillow_cannot_read_is_kept_as_it_was(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    release = ReleaseFactory(body_en='<p><img src="/media/images/gone.jpg" alt="Gone"></p>')
    release.refresh_from_db()
    assert release.body_en == '<p><img src="/media/images/gone.jpg" alt="Gone"></p>'


@pytest.mark.django_db
def test_the_migration_sizes_the_images_of_texts_saved_before(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored_image(tmp_path, "images/port.jpg", (1000, 500))
    release = ReleaseFactory()
    before = '<p><img src="/media/images/port.jpg" alt="The port"></p>'
    Release.objects.filter(pk=release.pk).update(body_en=before)

    migration = importlib.import_module("news.migrations.0013_rich_text_image_sizes")
    migration.add_sizes(apps, None)

    release.refresh_from_db()
    assert "port-480w.webp 480w, /media/renditions/images/port-960w.webp 960w" in release.body_en
    assert 'width="1000" height="500"' in release.body_en


def test_a_figure_whose_image_is_refused_keeps_its_text_alternative_as_a_figure():
    html = (
        '<figure><img src="https://elsewhere.example/chart.png" alt="Chart of output">'
        "<figcaption>Output 2023</figcaption></figure>"
    )

    assert sanitize_html(html) == (
        "<figure>Chart of output<figcaption>Output 2023</figcaption></figure>"
    )


TABLE = "<table><tbody><tr><th>Year</th><td>2013</td></tr></tbody></table>"
BOX = '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">'


def test_a_table_is_shown_in_a_box_that_scrolls_and_a_keyboard_reaches():
    assert for_display(f"<p>Output</p>{TABLE}") == (
        f"<p>Output</p>{BOX.format('Table')}{TABLE}</div>"
    )
    assert for_display(TABLE, "zh-hans") == f"{BOX.format('表格')}{TABLE}</div>"


def test_a_table_with_a_caption_is_named_by_it():
    captioned = (
        "<table><caption>Output &amp; growth\n 2023</caption>"
        "<tbody><tr><td>5</td></tr></tbody></table>"
    )
    assert for_display(captioned) == f"{BOX.format('Output &amp; growth 2023')}{captioned}</div>"


def test_a_table_boxed_again_or_saved_again_has_one_box():
    nested = f"<table><tbody><tr><td>{TABLE}</td></tr></tbody></table>"
    shown = for_display(
        sanitize_html(f"<figure>{TABLE}<figcaption>Output</figcaption></figure>{nested}")
    )
    assert for_display(shown) == shown
    assert for_display(sanitize_html(shown)) == shown
    assert shown.count("<div") == shown.count("<table") == 3


@pytest.mark.django_db
def test_a_table_in_a_release_body_is_boxed_when_saved_and_so_shown(client):
    release = ReleaseFactory(
        body_en=f"<p>Figures:</p>{TABLE}", body_zh_hans=f"<p>数据：</p>{TABLE}"
    )
    release.refresh_from_db()
    assert release.body_en.count(BOX.format("Table")) == 1
    assert release.body_zh_hans.count(BOX.format("表格")) == 1
    page = client.get(release.get_absolute_url()).text
    assert f"{BOX.format('Table')}{TABLE}</div>" in page


@pytest.mark.django_db
def test_the_migration_boxes_the_tables_of_texts_saved_before():
    release = ReleaseFactory()
    Release.objects.filter(pk=release.pk).update(body_en=TABLE, body_zh_hans=f"<p>表</p>{TABLE}")

    migration = importlib.import_module("news.migrations.0016_rich_text_table_boxes")
    as_of = MigrationExecutor(connection).loader.project_state(
        ("news", "0016_rich_text_table_boxes")
    )
    migration.box_tables(as_of.apps, None)

    release.refresh_from_db()
    assert release.body_en == f"{BOX.format('Table')}{TABLE}</div>"
    assert release.body_zh_hans == f"<p>表</p>{BOX.format('表格')}{TABLE}</div>"
