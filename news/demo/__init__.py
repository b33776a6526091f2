"""The demo content: what the June 20 press release states, and nothing else.

The release (june-20-release.txt beside this file) presents four development zones. Every record
below is named in it; Chinese names come from the verified glossary and stay empty where it has
none. The year, 2024, is the one the release's own figures imply: it reports figures "in 2023".

`load()` is idempotent: records are matched by slug (or by their natural key) and updated, so a
second run changes nothing and creates no duplicates. Only the first load, into a database without
the demo, creates records (and publishes those visitors see); a later one gives the records it
finds the release's values and creates none, so that what was deleted since stays deleted.
"""

import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils.html import escape

from news.models import Event, Indicator, Metric, Release, Series
from portal.publishing.models import Status
from zones.models import (
    City,
    Cooperation,
    Enterprise,
    Institution,
    LeadingIndustry,
    Park,
    Platform,
    PlatformMembership,
    Qualification,
    Sector,
    Zone,
    ZoneAlias,
)

RELEASE_TEXT = Path(__file__).with_name("june-20-release.txt")
RELEASE_SLUG = "shenyang-etdz-internationalized-industrial-ecosystem"
PUBLISHED_AT = datetime.datetime(2024, 6, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
PUBLISHED = {"status": Status.PUBLISHED, "published_at": PUBLISHED_AT}
INFORMATION_OFFICE = "Information Office of Liaoning Provincial People’s Government"

# slug: (English, Chinese, GB/T 4754 section); Chinese from the glossary's general vocabulary.
SECTORS = {
    "new-materials": ("New materials", "新材料", "C"),
    "equipment-manufacturing": ("Equipment manufacturing", "装备制造", "C"),
    "agricultural-product-processing": ("Agricultural product processing", "农产品加工", "C"),
    "new-energy": ("New energy", "新能源", ""),
    "high-end-equipment-manufacturing": ("High-end equipment manufacturing", "高端装备制造", "C"),
}

# (slug, English, Chinese, granting body, validity in years) from the glossary.
QUALIFICATIONS = [
    ("high-tech-enterprise", "High-tech enterprise", "高新技术企业",
     "National scheme, certified through the province", 3),
    ("technology-based-sme", "Technology-based SME", "科技型中小企业",
     "National evaluation", 1),
    ("innovative-sme", "Innovative SME", "创新型中小企业",
     "Province, to the national standard", 3),
    ("srdi-sme", "Specialized, refined, distinctive and innovative (SRDI) SME", "专精特新中小企业",
     "Province", None),
    ("srdi-little-giant", "SRDI “little giant” enterprise", "专精特新“小巨人”企业",
     "Ministry of Industry and Information Technology", None),
    ("young-eagle", "Young eagle enterprise", "雏鹰企业",
     "Liaoning Provincial Department of Science and Technology", None),
    ("gazelle", "Gazelle enterprise", "瞪羚企业",
     "Liaoning Provincial Department of Science and Technology", None),
    ("unicorn", "Unicorn enterprise", "独角兽企业",
     "Liaoning Provincial Department of Science and Technology", None),
]  # fmt: skip

# slug: (English, Chinese). The Chinese is the glossary's general vocabulary; the growth of
# gazelle, young eagle and technology-based enterprises has no glossary term, so it stays empty
# for an editor to fill in rather than a phrase made up here.
METRICS = {
    "high-tech-enterprises-growth": ("Growth in high-tech enterprises", "高新技术企业数量增长"),
    "gazelle-enterprises-growth": ("Growth in gazelle enterprises", ""),
    "young-eagle-enterprises-growth": ("Growth in young eagle enterprises", ""),
    "technology-based-smes-growth": ("Growth in technology-oriented SMEs", ""),
    "technology-contracts-signed": ("Technology contracts signed", "签订技术合同"),
    "rd-investment": ("Research and development investment", "研发投入"),
    "trade-exchange-activities": ("Economic and trade exchange activities held", "经贸交流活动"),
    "provincial-alliance-members": (
        "Enterprises in provincial-level industry-university-research alliances",
        "",
    ),
}

ZONES = [
    {
        "slug": "shenyang-etdz",
        "name_en": "Shenyang Economic and Technological Development Zone",
        "name_zh_hans": "沈阳经济技术开发区",
        "short_name_zh_hans": "沈阳经开区",
        "kind": Zone.Kind.ETDZ,
        "level": Zone.Level.NATIONAL,
        "city": City.SHENYANG,
        "summary_en": (
            "A national-level platform for opening up to the outside world. It formed the "
            "China-Germany (Shenyang) High-end Equipment Manufacturing Innovation Committee, an "
            "international exchange platform for enterprises, and regularly holds economic and "
            "trade exchange activities such as “German Enterprises’ Trip in Shenyang” and "
            "“Shenyang Tiexi Business Day in Germany”."
        ),
    },
    {
        "slug": "dalian-puwan",
        "name_en": "Dalian Puwan Economic Zone",
        "name_zh_hans": "大连普湾经济区",
        "kind": Zone.Kind.ECONOMIC_ZONE,
        "city": City.DALIAN,
        "summary_en": (
            "Focuses on new quality productive forces. In 2023 its high-tech, gazelle, young "
            "eagle and technology-oriented small and medium-sized enterprises all grew in number."
        ),
    },
    {
        "slug": "chaoyang-jianping",
        "name_en": "Chaoyang Jianping Economic Development Zone",
        "name_zh_hans": "朝阳建平经济开发区",
        "city": City.CHAOYANG,
        "summary_en": (
            "Follows the development pattern of “one zone, three parks”, with four major "
            "sectors: new materials, equipment manufacturing, agricultural product processing "
            "and new energy."
        ),
        "aliases": [("辽宁建平经济开发区", ZoneAlias.Kind.ALIAS)],
        "sectors": [
            "new-materials",
            "equipment-manufacturing",
            "agricultural-product-processing",
            "new-energy",
        ],
    },
    {
        "slug": "panjin-liaobin",
        "name_en": "Liaobin Coastal Economic and Technological Development Zone of Panjin",
        "name_zh_hans": "盘锦辽滨沿海经济技术开发区",
        "short_name_zh_hans": "辽滨经开区",
        "kind": Zone.Kind.ETDZ,
        "city": City.PANJIN,
        "summary_en": (
            "Brings enterprises, universities and research institutes together, with "
            "whole-process incubation services from research and development through "
            "small-scale experimentation and pilot testing to industrialization."
        ),
    },
]

# Chaoyang Jianping's four major sectors, each a named area of the zone.
JIANPING_PARKS = [
    ("new-materials-industry-zone", "New materials industry zone", "new-materials"),
    ("equipment-manufacturing-zone", "Equipment manufacturing zone", "equipment-manufacturing"),
    (
        "agricultural-product-processing-park",
        "Agricultural product processing park",
        "agricultural-product-processing",
    ),
    ("new-energy-industry-park", "New energy industry park", "new-energy"),
]

INSTITUTIONS = [
    {
        "slug": "dalian-university-of-technology",
        "name_en": "Dalian University of Technology",
        "name_zh_hans": "大连理工大学",
        "kind": Institution.Kind.UNIVERSITY,
        "city_en": "Dalian",
        "city_zh_hans": "大连",
    },
    {
        "slug": "tianjin-university",
        "name_en": "Tianjin University",
        "name_zh_hans": "天津大学",
        "kind": Institution.Kind.UNIVERSITY,
        "city_en": "Tianjin",
    },
    {
        "slug": "dalian-institute-of-chemical-physics",
        "name_en": "Dalian Institute of Chemical Physics, Chinese Academy of Sciences",
        "name_zh_hans": "中国科学院大连化学物理研究所",
        "short_name_zh_hans": "大连化物所",
        "kind": Institution.Kind.RESEARCH_INSTITUTE,
        "city_en": "Dalian",
        "city_zh_hans": "大连",
    },
]


def release_body() -> str:
    """The release's paragraphs after the headline, as HTML."""
    paragraphs = [p.strip() for p in RELEASE_TEXT.read_text(encoding="utf-8").split("\n\n")]
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:] if p)


def release_title() -> str:
    return RELEASE_TEXT.read_text(encoding="utf-8").split("\n", 1)[0].strip()


class Load:
    """One run of `load()`, and what it did: the release (None when it was deleted since the
    demo was loaded), the demo's records visitors may see, and the records it left out, named.
    The first run into a database creates the demo's records; a later one only gives back their
    values to those it finds, and names the rest."""

    def __init__(self):
        # Every other record of the demo is named by the release or sits in one of its zones:
        # with none of these, the demo was never loaded here.
        self.first = not (
            Release.objects.filter(slug=RELEASE_SLUG).exists()
            or Zone.objects.filter(slug__in=[zone["slug"] for zone in ZONES]).exists()
        )
        self.release: Release | None = None
        self.public: list[models.Model] = []
        self.left_out: list[str] = []

    def upsert(self, model, lookup: dict, values: dict, *, published: bool = False):
        """The record, created or given back the release's values; None when it was left out.

        A `published` record is published when it is created; one that exists keeps the state
        a Publisher left it in (unpublished or archived), since only a Publisher decides what
        visitors see. For the same reason, once the demo is in the database a record no longer
        there (deleted, or its slug changed) is not created again: it is named in
        `left_out`, and its parts and links are left out with it.
        """
        if not self.first:
            if any(value is None and is_relation(model, name) for name, value in lookup.items()):
                return None  # part of a record left out, which is named already
            if not model.objects.filter(**lookup).exists():
                record = model(**(values | lookup))
                self.left_out.append(f"{model._meta.verbose_name} “{record}”")
                return None
            # A record it refers to was left out: it keeps its own.
            values = {
                name: value
                for name, value in values.items()
                if value is not None or not is_relation(model, name)
            }
        create_defaults = values | PUBLISHED if published else values
        obj, _ = model.objects.update_or_create(
            **lookup, defaults=values, create_defaults=create_defaults
        )
        if published:
            self.public.append(obj)
        return obj


def is_relation(model, name: str) -> bool:
    return model._meta.get_field(name).is_relation


def link(record, name: str, records) -> None:
    """Link `record` to those of `records` that are in the database. Links are added, never
    removed: a record the load left out because its slug changed keeps its links, as do the
    links editors added."""
    if record is not None:
        getattr(record, name).add(*(linked for linked in records if linked is not None))


@transaction.atomic
def load() -> Load:
    """Create or update every record of the demo content."""
    run = Load()
    sectors = {
        slug: run.upsert(
            Sector,
            {"slug": slug},
            {"name_en": name_en, "name_zh_hans": name_zh, "gbt_section": section},
        )
        for slug, (name_en, name_zh, section) in SECTORS.items()
    }
    for slug, name_en, name_zh, granting_body, validity in QUALIFICATIONS:
        run.upsert(
            Qualification,
            {"slug": slug},
            {
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "granting_body_en": granting_body,
                "validity_years": validity,
            },
        )
    metrics = {
        slug: run.upsert(Metric, {"slug": slug}, {"name_en": name_en, "name_zh_hans": name_zh})
        for slug, (name_en, name_zh) in METRICS.items()
    }

    zones = {}
    for data in ZONES:
        values = {k: v for k, v in data.items() if k not in {"slug", "aliases", "sectors"}}
        zone = run.upsert(Zone, {"slug": data["slug"]}, values, published=True)
        for alias, kind in data.get("aliases", []):
            run.upsert(ZoneAlias, {"zone": zone, "name": alias}, {"kind": kind})
        link(zone, "sectors", [sectors[slug] for slug in data.get("sectors", [])])
        zones[data["slug"]] = zone

    jianping = zones["chaoyang-jianping"]
    for position, (slug, name, sector) in enumerate(JIANPING_PARKS):
        park = run.upsert(
            Park, {"zone": jianping, "slug": slug}, {"name_en": name, "position": position}
        )
        link(park, "sectors", [sectors[sector]])
        # The release names the four as the zone's major sectors, in this order.
        run.upsert(
            LeadingIndustry, {"zone": jianping, "sector": sectors[sector]}, {"position": position}
        )

    institutions = [
        run.upsert(Institution, {"slug": data["slug"]}, data, published=True)
        for data in INSTITUTIONS
    ]
    liaobin = zones["panjin-liaobin"]
    cooperation = run.upsert(
        Cooperation,
        {"zone": liaobin, "kind": Cooperation.Kind.INDUSTRY_UNIVERSITY_RESEARCH},
        {
            "title_en": (
                "Solving enterprises’ technical challenges with universities and institutes"
            ),
            "description_en": (
                "The zone organized local enterprises to collaborate with Dalian University of "
                "Technology, Tianjin University and the Dalian Institute of Chemical Physics, "
                "addressing technical challenges that hinder enterprise development on a "
                "one-to-one basis. Five technology contracts have been signed, and a research and "
                "development investment of 110 million yuan has been completed."
            ),
        },
    )
    link(cooperation, "institutions", institutions)

    puwan, shenyang = zones["dalian-puwan"], zones["shenyang-etdz"]
    enterprises = [
        run.upsert(
            Enterprise,
            {"slug": "allychem"},
            {"name_en": "Allychem Co., Ltd.", "zone": puwan},
            published=True,
        ),
        run.upsert(
            Enterprise,
            {"slug": "dalian-sanhuan-composite-material"},
            {
                "name_en": "Dalian Sanhuan Composite Material Technology Development Co., Ltd.",
                "zone": puwan,
            },
            published=True,
        ),
    ]  # fmt: skip

    committee = run.upsert(
        Platform,
        {"slug": "china-germany-shenyang-innovation-committee"},
        {
            "name_en": (
                "China-Germany (Shenyang) High-end Equipment Manufacturing Innovation Committee"
            ),
            "name_zh_hans": "中德(沈阳)高端装备制造创新委员会",
            "short_name_zh_hans": "创委会",
            "kind": Platform.Kind.INNOVATION_COMMITTEE,
            "partner_country": "DE",
            "summary_en": "Formed by the Shenyang Economic and Technological Development Zone as "
            "an international exchange platform for enterprises.",
        },
        published=True,
    )
    link(committee, "zones", [shenyang])
    alliance = run.upsert(
        Platform,
        {"slug": "provincial-industry-university-research-alliances"},
        {
            "name_en": "Provincial-level industry-university-research alliances",
            "kind": Platform.Kind.ALLIANCE,
            "level": Platform.Level.PROVINCIAL,
            "summary_en": "Four companies of the Dalian Puwan Economic Zone, including Allychem "
            "Co., Ltd. and Dalian Sanhuan Composite Material Technology Development Co., Ltd., "
            "have been recognized as members of provincial-level industry-university-research "
            "alliances.",
        },
        published=True,
    )
    link(alliance, "zones", [puwan])
    for enterprise in enterprises:
        run.upsert(PlatformMembership, {"platform": alliance, "enterprise": enterprise}, {})

    series = run.upsert(
        Series,
        {"slug": "promoting-high-quality-development-of-enterprises"},
        {
            "name_en": "Promoting High-Quality Development of Enterprises",
            "organiser_en": INFORMATION_OFFICE,
        },
    )
    release = run.upsert(
        Release,
        {"slug": RELEASE_SLUG},
        {
            "kind": Release.Kind.PRESS_RELEASE,
            "title_en": release_title(),
            "summary_en": (
                "The fifth press conference of the series “Promoting High-Quality Development of "
                "Enterprises” gave an overview of the measures taken to promote the high-quality "
                "development of enterprises in the Shenyang and Panjin Liaobin development "
                "zones; the release also reports on the Dalian Puwan and Chaoyang Jianping zones."
            ),
            "body_en": release_body(),
            "issuing_body_en": INFORMATION_OFFICE,
            # A series left out leaves the release's own, and its number, as they are.
            **({"series": series, "series_number": 5} if series else {}),
        },
        published=True,
    )
    link(release, "zones", zones.values())
    link(release, "enterprises", enterprises)
    link(release, "institutions", institutions)
    link(release, "platforms", [committee, alliance])

    exact, more_than = Indicator.Qualifier.EXACT, Indicator.Qualifier.MORE_THAN
    change = Indicator.Unit.PERCENT_CHANGE
    figures = [
        (puwan, "high-tech-enterprises-growth", 2023, exact, "23.7", change),
        (puwan, "gazelle-enterprises-growth", 2023, exact, "116.7", change),
        (puwan, "young-eagle-enterprises-growth", 2023, exact, "27.3", change),
        (puwan, "technology-based-smes-growth", 2023, exact, "35", change),
        (liaobin, "technology-contracts-signed", None, exact, "5", Indicator.Unit.COUNT),
        (liaobin, "rd-investment", None, exact, "110000000", Indicator.Unit.CNY),
        # "Over 100 economic and trade exchange activities".
        (shenyang, "trade-exchange-activities", None, more_than, "100", Indicator.Unit.COUNT),
        # "Four companies, including Allychem … have been recognized as members of
        # provincial-level industry-university-research alliances".
        (puwan, "provincial-alliance-members", None, exact, "4", Indicator.Unit.COUNT),
    ]  # fmt: skip
    for zone, metric, year, qualifier, value, unit in figures:
        run.upsert(
            Indicator,
            {"release": release, "zone": zone, "metric": metrics[metric], "year": year},
            {"qualifier": qualifier, "value": Decimal(value), "unit": unit},
        )

    events = [
        ("german-enterprises-trip-in-shenyang", "German Enterprises’ Trip in Shenyang",
         "德国企业沈阳行", Event.Kind.TRADE_EXCHANGE),
        ("shenyang-tiexi-business-day-in-germany", "Shenyang Tiexi Business Day in Germany", "",
         Event.Kind.BUSINESS_DAY),
    ]  # fmt: skip
    for slug, title_en, title_zh, kind in events:
        event = run.upsert(
            Event,
            {"slug": slug},
            {
                "title_en": title_en,
                "title_zh_hans": title_zh,
                "kind": kind,
                "zone": shenyang,
                "partner_country": "DE",
                "recurring": True,
                "description_en": "One of the more than 100 economic and trade exchange "
                "activities the Shenyang Economic and Technological Development Zone holds on a "
                "regular basis, promoting enterprises’ exploration of international markets.",
            },
            published=True,
        )
        link(event, "releases", [release])
    run.release = release
    return run
