"""Nothing that is not public shows on a public page, feed, sitemap, export, search result, "Did
you mean" or suggestion, whatever points at it; a scheduled record appears at its time.

Every public model gets a record in each state a visitor must not see (draft, in review,
scheduled, archived, deleted), each first published and then moved to that state, so that its
words were indexed once. Each record, and each figure, park, alias and cooperation that belongs to
it, carries marker words of its own (ASCII and Chinese) in its names and texts and as its slug.
Public records point at all of them. Then every public page is read in both languages.
"""

import datetime
import io
import random
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from portal.publishing.models import Status
from portal.search.models import SearchTerm
from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EventFactory,
    IndicatorFactory,
    InstitutionFactory,
    ParkFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    ReleaseFactory,
    SeriesFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans")
STATES = ("draft", "review", "scheduled", "archived", "deleted")
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


@dataclass
class Marker:
    """Words that only one record (or one part of a record) holds."""

    word: str  # ten lower-case ASCII letters, also the record's slug
    zh: str  # three Chinese characters that appear nowhere else

    @property
    def misspelt(self) -> str:
        """The word with its fifth letter changed: one edit, which search corrects."""
        letter = "q" if self.word[4] != "q" else "x"
        return self.word[:4] + letter + self.word[5:]


@dataclass
class World:
    now: datetime.datetime
    scheduled_at: datetime.datetime
    public: dict = field(default_factory=dict)
    # Markers a visitor must not see, by the record they belong to ("zone:draft", …).
    hidden: dict[str, Marker] = field(default_factory=dict)
    # Of those, what appears at the scheduled time, with the public page that then shows it.
    appearing: dict[str, str] = field(default_factory=dict)


class Markers:
    def __init__(self):
        self.random = random.Random(20240620)
        self.used: set[str] = set()
        self.count = 0

    def __call__(self) -> Marker:
        while True:
            word = "".join(self.random.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
            if word not in self.used:
                break
        self.used.add(word)
        stem, branch = divmod(self.count, len(BRANCHES))
        self.count += 1
        return Marker(word, "隐" + STEMS[stem] + BRANCHES[branch])


def texts(marker: Marker, name: str = "name") -> dict:
    """A record's names (or titles) and summary carrying the marker, in both languages."""
    return {
        f"{name}_en": f"Hidden {marker.word} record",
        f"{name}_zh_hans": f"{marker.zh}记录",
    }


def summary(marker: Marker, field_name: str = "summary") -> dict:
    return {
        f"{field_name}_en": f"About {marker.word} only.",
        f"{field_name}_zh_hans": f"只关于{marker.zh}。",
    }


def move_to(record, state: str, scheduled_at) -> None:
    """Take a published record to a state a visitor must not see."""
    if state == "deleted":
        try:
            record.delete()
        except ProtectedError as error:
            # As a Publisher must: the release's figures of a zone go first.
            for protected in error.protected_objects:
                protected.delete()
            record.delete()
        return
    if state == "scheduled":
        record.published_at = scheduled_at
    else:
        record.status = {"draft": Status.DRAFT, "review": Status.REVIEW}.get(state, Status.ARCHIVED)
    record.save()


@pytest.fixture
def world(time_machine) -> World:
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    world = World(now=now, scheduled_at=now + datetime.timedelta(days=2))
    marker = Markers()

    zone = ZoneFactory(slug="public-zone", name_en="Public Zone", name_zh_hans="公开园区")
    park = ParkFactory(zone=zone, slug="public-park", name_en="Public Park")
    enterprise = EnterpriseFactory(slug="public-enterprise", zone=zone, park=park)
    institution = InstitutionFactory(slug="public-institution")
    platform = PlatformFactory(slug="public-platform")
    platform.zones.add(zone)
    PlatformMembershipFactory(platform=platform, enterprise=enterprise)
    series = SeriesFactory(slug="public-series")
    release = ReleaseFactory(slug="public-release", series=series)
    release.zones.add(zone)
    release.enterprises.add(enterprise)
    release.institutions.add(institution)
    release.platforms.add(platform)
    IndicatorFactory(zone=zone, release=release, note_en="A public figure")
    event = EventFactory(slug="public-event", zone=zone, start_date=now.date())
    event.releases.add(release)
    cooperation = CooperationFactory(zone=zone, title_en="Public cooperation")
    cooperation.institutions.add(institution)
    cooperation.enterprises.add(enterprise)
    world.public = {
        "zone": zone,
        "enterprise": enterprise,
        "institution": institution,
        "platform": platform,
        "release": release,
        "event": event,
    }

    def hide(key: str, state: str, page: str) -> None:
        """Note the page that shows the record's marker once a scheduled record is due."""
        if state == "scheduled":
            world.appearing[key] = page

    for state in STATES:
        # A zone with its park, other name, cooperation and figure (in the public release);
        # and, but for a deleted zone (a zone with enterprises cannot be deleted), a published
        # enterprise, event and figure in it, hidden with the zone.
        m = world.hidden[f"zone:{state}"] = marker()
        hidden_zone = ZoneFactory(slug=m.word, **texts(m), **summary(m))
        parts = {key: marker() for key in ("park", "alias", "cooperation", "figure")}
        for key, part in parts.items():
            world.hidden[f"zone {key}:{state}"] = part
        ParkFactory(zone=hidden_zone, slug=parts["park"].word, **texts(parts["park"]))
        hidden_zone.aliases.create(name=f"{parts['alias'].word} {parts['alias'].zh}")
        CooperationFactory(
            zone=hidden_zone, **texts(parts["cooperation"], "title")
        ).institutions.add(institution)
        IndicatorFactory(zone=hidden_zone, release=release, **texts(parts["figure"], "note"))
        release.zones.add(hidden_zone)
        platform.zones.add(hidden_zone)
        if state != "deleted":
            inner = {key: marker() for key in ("enterprise", "event", "member")}
            for key, part in inner.items():
                world.hidden[f"zone {key}:{state}"] = part
            in_zone = EnterpriseFactory(
                zone=hidden_zone, slug=inner["enterprise"].word, **texts(inner["enterprise"])
            )
            release.enterprises.add(in_zone)
            member = EnterpriseFactory(
                zone=hidden_zone, slug=inner["member"].word, **texts(inner["member"])
            )
            PlatformMembershipFactory(platform=platform, enterprise=member)
            cooperation.enterprises.add(member)
            in_zone_event = EventFactory(
                zone=hidden_zone,
                slug=inner["event"].word,
                start_date=now.date(),
                **texts(inner["event"], "title"),
            )
            in_zone_event.releases.add(release)
            hide(f"zone enterprise:{state}", state, in_zone.get_absolute_url())
            hide(f"zone member:{state}", state, member.get_absolute_url())
            hide(f"zone event:{state}", state, in_zone_event.get_absolute_url())
        hide(f"zone:{state}", state, hidden_zone.get_absolute_url())
        hide(f"zone figure:{state}", state, release.get_absolute_url())

        m = world.hidden[f"enterprise:{state}"] = marker()
        hidden_enterprise = EnterpriseFactory(zone=zone, slug=m.word, **texts(m), **summary(m))
        release.enterprises.add(hidden_enterprise)
        PlatformMembershipFactory(platform=platform, enterprise=hidden_enterprise)
        cooperation.enterprises.add(hidden_enterprise)
        hide(f"enterprise:{state}", state, hidden_enterprise.get_absolute_url())

        m = world.hidden[f"institution:{state}"] = marker()
        hidden_institution = InstitutionFactory(slug=m.word, **texts(m), **summary(m))
        release.institutions.add(hidden_institution)
        cooperation.institutions.add(hidden_institution)
        hide(f"institution:{state}", state, hidden_institution.get_absolute_url())

        m = world.hidden[f"platform:{state}"] = marker()
        hidden_platform = PlatformFactory(slug=m.word, **texts(m), **summary(m))
        hidden_platform.zones.add(zone)
        PlatformMembershipFactory(platform=hidden_platform, enterprise=enterprise)
        release.platforms.add(hidden_platform)
        hide(f"platform:{state}", state, hidden_platform.get_absolute_url())

        m = world.hidden[f"release:{state}"] = marker()
        figure = world.hidden[f"release figure:{state}"] = marker()
        hidden_release = ReleaseFactory(
            series=series,
            slug=m.word,
            **texts(m, "title"),
            **summary(m),
            body_en=f"<p>The {m.word} body.</p>",
            body_zh_hans=f"<p>{m.zh}正文。</p>",
        )
        hidden_release.zones.add(zone)
        hidden_release.enterprises.add(enterprise)
        hidden_release.institutions.add(institution)
        hidden_release.platforms.add(platform)
        event.releases.add(hidden_release)
        IndicatorFactory(zone=zone, release=hidden_release, **texts(figure, "note"))
        hide(f"release:{state}", state, hidden_release.get_absolute_url())
        hide(f"release figure:{state}", state, zone.get_absolute_url())

        m = world.hidden[f"event:{state}"] = marker()
        hidden_event = EventFactory(
            zone=zone,
            slug=m.word,
            start_date=now.date(),
            **texts(m, "title"),
            **summary(m, "description"),
        )
        hidden_event.releases.add(release)
        hide(f"event:{state}", state, hidden_event.get_absolute_url())

        for record in (
            hidden_event,
            hidden_release,
            hidden_platform,
            hidden_institution,
            hidden_enterprise,
        ):
            move_to(record, state, world.scheduled_at)
        move_to(hidden_zone, state, world.scheduled_at)
    return world


def public_pages(world: World, language: str) -> list[str]:
    public = world.public
    return [
        f"/{language}/",
        f"/{language}/zones/",
        f"/{language}/enterprises/",
        f"/{language}/enterprises/?sort=newest",
        f"/{language}/enterprises/export.csv",
        f"/{language}/enterprises/export.xlsx",
        f"/{language}/enterprises/export.json",
        f"/{language}/figures.csv",
        f"/{language}/figures.json",
        f"/{language}/zones/{public['zone'].slug}/figures.csv",
        f"/{language}/zones/{public['zone'].slug}/figures.json",
        f"/{language}/institutions/",
        f"/{language}/news/",
        f"/{language}/events/",
        f"/{language}/events/?when=upcoming",
        f"/{language}/news/feed/",
        f"/{language}/zones/{public['zone'].slug}/",
        f"/{language}/zones/compare/?zones={public['zone'].slug}",
        f"/{language}/zones/{public['zone'].slug}/enquiry/",
        f"/{language}/enterprises/{public['enterprise'].slug}/",
        f"/{language}/institutions/{public['institution'].slug}/",
        f"/{language}/platforms/{public['platform'].slug}/",
        f"/{language}/news/{public['release'].slug}/",
        f"/{language}/events/{public['event'].slug}/",
        *feeds(world, language),
    ]


def feeds(world: World, language: str) -> list[str]:
    """Every feed and calendar: the site's, the public zone's and the public series'."""
    zone = world.public["zone"].slug
    return [
        f"/{language}/news/feed.atom",
        f"/{language}/news/series/public-series/feed.atom",
        f"/{language}/events/feed.atom",
        f"/{language}/events/calendar.ics",
        f"/{language}/zones/{zone}/news.atom",
        f"/{language}/zones/{zone}/events.atom",
        f"/{language}/zones/{zone}/events.ics",
    ]


def api_answers(world: World) -> list[str]:
    """Every list of the API, and the public record of each kind in it."""
    public = world.public
    paths = {
        "zones": public["zone"].slug,
        "enterprises": public["enterprise"].slug,
        "institutions": public["institution"].slug,
        "platforms": public["platform"].slug,
        "releases": public["release"].slug,
        "events": public["event"].slug,
    }
    answers = [f"/api/v1/{path}/" for path in (*paths, "figures")]
    answers += [f"/api/v1/{path}/{slug}/" for path, slug in paths.items()]
    answers += [
        f"/api/v1/figures/?zone={public['zone'].slug}",
        f"/api/v1/figures/?release={public['release'].slug}",
        f"/api/v1/enterprises/?zone={public['zone'].slug}",
        f"/api/v1/events/?zone={public['zone'].slug}",
        f"/api/v1/releases/?zone={public['zone'].slug}",
    ]
    return answers


SITEMAPS = [
    "/sitemap.xml",
    *(
        f"/sitemap-{section}.xml"
        for section in ("pages", "zones", "enterprises", "institutions", "platforms")
        + ("news", "events")
    ),
]


QUERIED = ("search/", "search/suggest/", "enterprises/")


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if url.endswith(".xlsx"):
        return xlsx_text(response.content)
    content = response.getvalue().decode()  # streamed or not
    # iCalendar folds long lines (RFC 5545, 3.1), which could cut a word in two.
    return content.replace("\r\n ", "") if url.endswith(".ics") else content


def xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def leaks(content: str, markers: dict[str, Marker]) -> list[str]:
    return [
        key for key, marker in markers.items() if marker.word in content or marker.zh in content
    ]


def found_anything(client, url: str) -> bool:
    """Whether a search, the suggestions or the directory answer a query with anything: a
    result, a count, a correction. (Their pages repeat the query itself, so the marker is
    looked for in what they answer, not in the page.)"""
    response = client.get(url)
    assert response.status_code == 200, url
    if "/suggest/" in url:
        return response.json()["groups"] != []
    if "/search/" in url:
        results = response.context["results"]
        return bool(results.total() or response.context["did_you_mean"])
    return response.context["paginator"].count != 0


def test_no_public_page_shows_anything_that_is_not_public(client, world):
    found = {}
    for language in LANGUAGES:
        for url in public_pages(world, language) + SITEMAPS:
            if leaked := leaks(read(client, url), world.hidden):
                found[url] = leaked
    assert found == {}


def test_no_api_answer_holds_anything_that_is_not_public(client, world):
    found = {}
    for url in api_answers(world):
        if leaked := leaks(read(client, url), world.hidden):
            found[url] = leaked
    assert found == {}


def test_the_api_confirms_no_hidden_word(client, world):
    found = []
    for marker in world.hidden.values():
        for q in (marker.word, marker.zh):
            if client.get("/api/v1/enterprises/", {"q": q}).json()["results"]:
                found.append(q)
    assert found == []


def test_no_search_suggestion_or_directory_query_confirms_a_hidden_word(client, world):
    found = []
    for language in LANGUAGES:
        for marker in world.hidden.values():
            for path in QUERIED:
                for q in (marker.word, marker.zh):
                    if found_anything(client, f"/{language}/{path}?q={q}"):
                        found.append(f"/{language}/{path}?q={q}")
                # A misspelling is answered, if at all, with public words only.
                url = f"/{language}/{path}?q={marker.misspelt}"
                if leaks(read(client, url), {"": marker}):
                    found.append(url)
    assert found == []


def test_hidden_words_leave_the_spelling_vocabulary_when_their_record_goes(world):
    """Each record here was published first; every word of one unpublished, archived or deleted
    alone is gone from the vocabulary (scheduled ones wait there for their time)."""
    kept = set(SearchTerm.objects.values_list("term", flat=True))
    gone = [
        key
        for key, marker in world.hidden.items()
        if key.split(":")[0]
        in ("zone", "zone alias", "enterprise", "institution", "platform", "release", "event")
        and not key.endswith(":scheduled")
        and marker.word in kept
    ]
    assert gone == []


def test_hidden_records_answer_404_or_410(client, world):
    for key, marker in world.hidden.items():
        kind, state = key.split(":")
        path = {
            "zone": "zones",
            "enterprise": "enterprises",
            "zone enterprise": "enterprises",
            "zone member": "enterprises",
            "institution": "institutions",
            "platform": "platforms",
            "release": "news",
            "event": "events",
            "zone event": "events",
        }.get(kind)
        if path is None:
            continue
        expected = (
            410
            if state == "archived"
            and kind in {"zone", "enterprise", "institution", "platform", "release", "event"}
            else 404
        )
        assert client.get(f"/en/{path}/{marker.word}/").status_code == expected, key
        api_path = {"news": "releases"}.get(path, path)
        assert client.get(f"/api/v1/{api_path}/{marker.word}/").status_code == expected, key
        if kind == "zone":
            for feed in ("news.atom", "events.atom", "events.ics"):
                assert client.get(f"/en/zones/{marker.word}/{feed}").status_code == 404, key


def test_at_the_scheduled_time_the_scheduled_records_appear(client, world, time_machine):
    time_machine.move_to(world.scheduled_at + datetime.timedelta(minutes=1), tick=False)
    scheduled = {key: world.hidden[key] for key in world.appearing}
    missing = []
    for language in LANGUAGES:
        for key, page in world.appearing.items():
            marker = scheduled[key]
            content = read(client, page.replace("/en/", f"/{language}/", 1))
            if marker.word not in content and marker.zh not in content:
                missing.append((key, page))
    assert missing == []
    # Search, suggestions and the correction of a misspelling find them too.
    searchable = ("zone", "enterprise", "zone enterprise", "zone member", "institution")
    searchable += ("platform", "release", "event", "zone event")
    for key, marker in scheduled.items():
        if key.split(":")[0] not in searchable:
            continue
        assert marker.word in read(client, f"/en/search/?q={marker.word}"), key
        assert marker.word in read(client, f"/en/search/suggest/?q={marker.word}"), key
        assert f'Did you mean <a href="?q={marker.word}' in read(
            client, f"/en/search/?q={marker.misspelt}"
        ), key
    for key in ("zone enterprise:scheduled", "zone member:scheduled", "enterprise:scheduled"):
        marker = scheduled[key]
        assert marker.word in read(client, f"/en/enterprises/?q={marker.word}"), key
        assert marker.word in read(client, "/en/enterprises/export.csv"), key
    # And in the feeds and calendars.
    due = ("release:scheduled", "event:scheduled")
    for key in due:
        marker = scheduled[key]
        assert any(marker.word in read(client, url) for url in feeds(world, "en")), key
    # A record still not public stays hidden.
    still = {key: m for key, m in world.hidden.items() if key not in world.appearing}
    still = {key: m for key, m in still.items() if not key.endswith(":scheduled")}
    assert leaks(read(client, f"/en/news/{world.public['release'].slug}/"), still) == []
