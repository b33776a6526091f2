"""Synthetic enterprises and releases for load testing, never mixed into the real content.

Every generated row has is_synthetic set and a slug starting with "synthetic-"; names are
composed from lists (a city, a made-up brand, an industry), so none is a real company.
`--remove` deletes the synthetic rows and nothing else.
"""

import datetime
import random
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from pypinyin import lazy_pinyin
from tqdm import tqdm

from news import demo, links
from news.models import Release
from portal.publishing.models import Status
from portal.search import index
from zones import directory
from zones.collation import pinyin_sort_key
from zones.models import City, Enterprise, EnterpriseQualification, Qualification, Sector, Zone

BATCH = 2000
CITIES = {
    City.SHENYANG: "沈阳",
    City.DALIAN: "大连",
    City.ANSHAN: "鞍山",
    City.FUSHUN: "抚顺",
    City.BENXI: "本溪",
    City.DANDONG: "丹东",
    City.JINZHOU: "锦州",
    City.YINGKOU: "营口",
    City.FUXIN: "阜新",
    City.LIAOYANG: "辽阳",
    City.PANJIN: "盘锦",
    City.TIELING: "铁岭",
    City.CHAOYANG: "朝阳",
    City.HULUDAO: "葫芦岛",
}
# Characters for made-up two-character brands (恒泰, 华信, …): common in company names.
BRAND_CHARACTERS = "恒泰华信宏达瑞丰鑫源盛隆金福新远博众诚安永嘉天宇正和佳利明德凯祥海顺富成通润"
INDUSTRIES = [
    ("装备制造", "Equipment Manufacturing"),
    ("新材料", "New Materials"),
    ("精细化工", "Fine Chemicals"),
    ("电子科技", "Electronic Technology"),
    ("生物医药", "Biopharmaceutical"),
    ("汽车零部件", "Auto Parts"),
    ("农产品加工", "Agricultural Products Processing"),
    ("新能源", "New Energy"),
    ("智能制造", "Intelligent Manufacturing"),
    ("软件信息", "Software and Information"),
    ("港口物流", "Port Logistics"),
    ("环保科技", "Environmental Technology"),
]
SUMMARY_EN = (
    "Synthetic record for load testing. A {industry} company in {city} working on {topic}, "
    "with research, production and sales."
)
SUMMARY_ZH = "用于负载测试的合成数据。位于{city}的{industry}企业，从事{topic}的研发、生产和销售。"
TOPICS = [
    ("precision components", "精密零部件"),
    ("industrial robots", "工业机器人"),
    ("composite materials", "复合材料"),
    ("catalysts", "催化剂"),
    ("battery systems", "电池系统"),
    ("medical devices", "医疗器械"),
    ("control software", "控制软件"),
    ("cold-chain storage", "冷链仓储"),
]
RELEASE_VERBS = [
    ("opens a new production line", "新生产线投产"),
    ("signs a technology contract", "签订技术合同"),
    ("is recognised as a high-tech enterprise", "获评高新技术企业"),
    ("expands its research centre", "扩建研发中心"),
    ("joins an industry alliance", "加入产业联盟"),
]


class Command(BaseCommand):
    help = "Create (or with --remove, delete) synthetic enterprises and releases for load testing."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=0)
        parser.add_argument("--releases", type=int, default=0)
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic row.")

    def handle(self, *args, enterprises, releases, seed, remove, **options):
        if remove:
            with index.writing_in_bulk():
                self.remove()
            return
        self.refuse_real_content()
        zones = list(Zone.objects.order_by("pk"))
        if not zones:
            raise CommandError("No zones to put enterprises in: run `manage.py load_demo` first.")
        self.random = random.Random(seed)
        self.progress = options["verbosity"] > 0
        self.sectors = list(Sector.objects.values_list("pk", flat=True))
        self.qualifications = list(Qualification.objects.values_list("pk", "validity_years"))
        with index.writing_in_bulk():
            made = Enterprise.objects.filter(is_synthetic=True).count()
            self.make_enterprises(zones, start=made, count=max(0, enterprises - made))
            # Written in bulk, without the signals that keep the directory's index and the
            # names link suggestions look for in step.
            directory.content_changed()
            links.names_changed()
            made = Release.objects.filter(is_synthetic=True).count()
            self.make_releases(start=made, count=max(0, releases - made))
        # Fresh statistics, or the query planner may scan a table that has just grown 100-fold.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic content: {Enterprise.objects.filter(is_synthetic=True).count()} "
                f"enterprises, {Release.objects.filter(is_synthetic=True).count()} releases."
            )
        )

    def refuse_real_content(self) -> None:
        """Synthetic rows are published: they go into a database of their own, never into the
        demo's (which holds the seed's facts alone) nor into one that holds editors' work."""
        if (
            Path(connection.settings_dict["NAME"]).resolve()
            == Path(settings.DEMO_DATABASE).resolve()
        ):
            raise CommandError(
                "This is the demo's database, which holds the release's facts alone. Generate "
                "synthetic data into a database of its own: set DATABASE_URL (for example "
                "sqlite:///explore.sqlite3), then run migrate, load_demo --once and this command "
                "there (README, “Enough data to explore the directory”)."
            )
        if Release.objects.filter(is_synthetic=False).exclude(slug=demo.RELEASE_SLUG).exists():
            raise CommandError(
                "This database holds releases editors entered besides the demo's: synthetic "
                "data, which is published, would be mixed into them. Point DATABASE_URL at a "
                "database of its own."
            )

    def bar(self, total: int, what: str):
        return tqdm(total=total, unit=f" {what}", disable=not self.progress, file=sys.stderr)

    def brand(self) -> str:
        return "".join(self.random.sample(BRAND_CHARACTERS, 2))

    def published_at(self) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(minutes=self.random.randrange(5, 3 * 525600))

    def make_enterprises(self, zones: list[Zone], start: int, count: int) -> None:
        if not count:
            return
        with self.bar(count, "enterprises") as bar:
            for first in range(start, start + count, BATCH):
                numbers = range(first, min(first + BATCH, start + count))
                records = []
                for number in numbers:
                    zone = self.random.choice(zones)
                    city_zh = CITIES.get(zone.city, "辽宁")
                    city_en = City(zone.city).label if zone.city in City.values else "Liaoning"
                    brand = self.brand()
                    industry_zh, industry_en = self.random.choice(INDUSTRIES)
                    topic_en, topic_zh = self.random.choice(TOPICS)
                    brand_en = "".join(lazy_pinyin(brand)).capitalize()
                    name_zh = f"{city_zh}{brand}{industry_zh}有限公司{number}"
                    name_en = f"{city_en} {brand_en} {industry_en} Co., Ltd. {number}"
                    records.append(
                        Enterprise(
                            name_en=name_en,
                            name_zh_hans=name_zh,
                            # As save() would: bulk_create does not call it.
                            sort_key_zh=pinyin_sort_key(name_zh),
                            sort_key_en=pinyin_sort_key(name_en),
                            slug=f"synthetic-enterprise-{number}",
                            zone=zone,
                            founded_year=self.random.randrange(1990, 2025),
                            summary_en=SUMMARY_EN.format(
                                industry=industry_en.lower(), city=city_en, topic=topic_en
                            ),
                            summary_zh_hans=SUMMARY_ZH.format(
                                industry=industry_zh, city=city_zh, topic=topic_zh
                            ),
                            status=Status.PUBLISHED,
                            published_at=self.published_at(),
                            is_synthetic=True,
                        )
                    )
                with transaction.atomic():
                    created = Enterprise.objects.bulk_create(records)
                    self.link(created)
                    index.add(Enterprise.objects.filter(pk__in=[e.pk for e in created]))
                bar.update(len(records))

    def link(self, enterprises: list[Enterprise]) -> None:
        """One or two sectors and maybe a qualification each, expired or not."""
        through = Enterprise.sectors.through
        sector_rows, qualification_rows = [], []
        for enterprise in enterprises:
            if self.sectors:
                for sector in self.random.sample(self.sectors, min(2, len(self.sectors))):
                    sector_rows.append(through(enterprise_id=enterprise.pk, sector_id=sector))
            if self.qualifications and self.random.random() < 0.4:
                # Granted over the last eight years, so that many have expired, as in life,
                # and never before the enterprise was founded.
                qualification, validity = self.random.choice(self.qualifications)
                this_year = timezone.localdate().year
                granted = max(
                    this_year - self.random.randrange(0, 8),
                    min(enterprise.founded_year or this_year, this_year),
                )
                qualification_rows.append(
                    EnterpriseQualification(
                        enterprise_id=enterprise.pk,
                        qualification_id=qualification,
                        year_granted=granted,
                        # As save() would: bulk_create does not call it.
                        valid_until=datetime.date(granted + validity - 1, 12, 31)
                        if validity
                        else None,
                    )
                )
        through.objects.bulk_create(sector_rows, batch_size=1000)
        EnterpriseQualification.objects.bulk_create(qualification_rows, batch_size=1000)

    def make_releases(self, start: int, count: int) -> None:
        if not count:
            return
        with self.bar(count, "releases") as bar:
            for first in range(start, start + count, BATCH):
                numbers = range(first, min(first + BATCH, start + count))
                records = []
                for number in numbers:
                    city, city_zh = self.random.choice(list(CITIES.items()))
                    city_en = City(city).label
                    brand = self.brand()
                    brand_en = "".join(lazy_pinyin(brand)).capitalize()
                    industry_zh, industry_en = self.random.choice(INDUSTRIES)
                    verb_en, verb_zh = self.random.choice(RELEASE_VERBS)
                    title_zh = f"{city_zh}{brand}{industry_zh}{verb_zh}({number})"
                    title_en = f"{city_en} {brand_en} {industry_en} {verb_en} ({number})"
                    records.append(
                        Release(
                            title_en=title_en,
                            title_zh_hans=title_zh,
                            # As save() would: bulk_create does not call it.
                            sort_key_zh=pinyin_sort_key(title_zh),
                            sort_key_en=pinyin_sort_key(title_en),
                            slug=f"synthetic-release-{number}",
                            summary_en=f"Synthetic release for load testing, about {city_en}.",
                            summary_zh_hans=f"用于负载测试的合成新闻，关于{city_zh}。",
                            body_en=(
                                f"<p>Synthetic text. A {industry_en.lower()} company in "
                                f"{city_en} {verb_en}; the development zone reports progress "
                                "in investment, research and exports.</p>"
                            ),
                            body_zh_hans=(
                                f"<p>合成文本。{city_zh}一家{industry_zh}企业{verb_zh}，"
                                "开发区在投资、研发和出口方面取得进展。</p>"
                            ),
                            status=Status.PUBLISHED,
                            published_at=self.published_at(),
                            is_synthetic=True,
                        )
                    )
                with transaction.atomic():
                    created = Release.objects.bulk_create(records)
                    index.add(Release.objects.filter(pk__in=[r.pk for r in created]))
                bar.update(len(records))

    def remove(self) -> None:
        words = set()
        for model in (Enterprise, Release):
            synthetic = model.objects.filter(is_synthetic=True)
            entries = index.entries_of(synthetic)
            for columns in entries.values_list("names", "aliases", "body").iterator():
                words |= index.words_of(*columns)
            entries.delete()
            deleted, _ = synthetic.delete()
            self.stdout.write(
                f"Removed synthetic {model._meta.verbose_name_plural}: {deleted} rows."
            )
        # And the words only they held, from the spelling vocabulary.
        index.prune_terms(words)
