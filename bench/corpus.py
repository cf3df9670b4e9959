#!/usr/bin/env python3
"""A deterministic synthetic newsroom: N Vietnamese articles about Hà Nội's localities.

    python bench/corpus.py --articles 1000 --out DIR [--seed 2024] [--format bantin pelican hugo]

The same corpus is written in three formats, so the same site can be built by Bản tin, Pelican
and Hugo: `DIR/bantin/` (site.yaml, content/), `DIR/pelican/` (pelicanconf.py, content/) and
`DIR/hugo/` (hugo.toml, content/, layouts/). The same N and seed give byte-identical files.

Making the corpus (`make_corpus`) is pure; the writers at the end only turn it into files.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
from pathlib import Path

from slugify import slugify

HANOI_TZ = dt.timezone(dt.timedelta(hours=7))
FIRST_DAY = dt.datetime(2022, 1, 1, tzinfo=HANOI_TZ)
SPAN = dt.datetime(2025, 1, 1, tzinfo=HANOI_TZ) - FIRST_DAY  # three years of dates
DEFAULT_SEED = 2024
FORMATS = ("bantin", "pelican", "hugo")


@dataclasses.dataclass(frozen=True)
class Locality:
    slug: str
    name: str
    kind: str
    parent_slug: str | None
    description: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


@dataclasses.dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str


@dataclasses.dataclass(frozen=True)
class Article:
    index: int
    slug: str
    title: str
    date: dt.datetime
    locality_slugs: tuple[str, ...]
    topic_slugs: tuple[str, ...]
    summary: str
    author: str
    # Markdown with links to other articles written as `](<<ref:INDEX>>)`; each format's writer
    # puts in its own way of linking to a file.
    body: str

    @property
    def year(self) -> str:
        return f"{self.date.year}"


@dataclasses.dataclass(frozen=True)
class Corpus:
    seed: int
    localities: tuple[Locality, ...]
    topics: tuple[Topic, ...]
    articles: tuple[Article, ...]

    def locality(self, slug: str) -> Locality:
        return next(l for l in self.localities if l.slug == slug)

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)

    def with_ancestors(self, slugs) -> tuple[str, ...]:
        """The localities and every one above them, each once: what a locality page lists."""
        by_slug = {l.slug: l for l in self.localities}
        seen: list[str] = []
        for slug in slugs:
            while slug is not None:
                if slug not in seen:
                    seen.append(slug)
                slug = by_slug[slug].parent_slug
        return tuple(seen)


# --- the gazetteer: Hà Nội, some of its districts and their wards and communes ---------------

# (district kind, district name, district slug, unit kind, [unit names]); slugs are given where
# a name is shared (huyện Ba Vì and xã Ba Vì; phường Quang Trung in Hà Đông and in Sơn Tây).
_DISTRICTS = (
    ("quận", "Hoàn Kiếm", "hoan-kiem", "phường",
     ["Hàng Bạc", "Hàng Bồ", "Hàng Đào", "Tràng Tiền", "Lý Thái Tổ", "Hàng Trống", "Cửa Nam",
      "Phan Chu Trinh"]),
    ("quận", "Ba Đình", "ba-dinh", "phường",
     ["Điện Biên", "Kim Mã", "Ngọc Hà", "Quán Thánh", "Liễu Giai", "Cống Vị"]),
    ("quận", "Bắc Từ Liêm", "bac-tu-liem", "phường",
     ["Cổ Nhuế 1", "Phú Diễn", "Xuân Đỉnh", "Thượng Cát", "Đông Ngạc"]),
    ("quận", "Hà Đông", "ha-dong", "phường",
     ["Văn Quán", "Mộ Lao", "Quang Trung", "Yết Kiêu", "Kiến Hưng"]),
    ("quận", "Hoàng Mai", "hoang-mai", "phường",
     ["Định Công", "Giáp Bát", "Hoàng Liệt", "Lĩnh Nam", "Tương Mai"]),
    ("huyện", "Đông Anh", "dong-anh", "xã",
     ["Uy Nỗ", "Vân Nội", "Kim Chung", "Cổ Loa", "Xuân Nộn"]),
    ("huyện", "Ba Vì", "huyen-ba-vi", "xã",
     ["Ba Vì", "Khánh Thượng", "Minh Quang", "Tản Lĩnh", "Vân Hòa", "Ba Trại"]),
    ("thị xã", "Sơn Tây", "son-tay", "phường",
     ["Lê Lợi", "Ngô Quyền", "Quang Trung", "Trung Hưng"]),
    ("huyện", "Gia Lâm", "gia-lam", "xã",
     ["Bát Tràng", "Đa Tốn", "Kiêu Kỵ", "Phù Đổng"]),
)

_DESCRIPTIONS = (
    "{label} thuộc {parent}; trang này gom tin của chính quyền và các đoàn thể ở {name}.",
    "Tin về đời sống, thủ tục hành chính và công trình dân sinh ở {label}, {parent}.",
    "{label} ({parent}): lịch tiếp dân, thông báo và các mô hình hay của bà con.",
)


def make_localities() -> tuple[Locality, ...]:
    city = Locality("ha-noi", "Hà Nội", "thành phố", None,
                    "Thủ đô — tin chung của toàn thành phố và các sở, ngành.")
    localities = [city]
    for number, (kind, name, slug, unit_kind, units) in enumerate(_DISTRICTS):
        district = Locality(slug, name, kind, city.slug,
                            _DESCRIPTIONS[number % 3].format(label=f"{kind} {name}", name=name,
                                                             parent="thành phố Hà Nội"))
        localities.append(district)
        for position, unit in enumerate(units):
            unit_slug = slugify(f"{unit_kind} {unit} {name}")
            localities.append(Locality(
                unit_slug, unit, unit_kind, slug,
                _DESCRIPTIONS[(number + position) % 3].format(
                    label=f"{unit_kind} {unit}", name=unit, parent=f"{kind} {name}")))
    return tuple(localities)


_TOPIC_NAMES = (
    ("Cải cách hành chính", "Thủ tục nhanh hơn, ít giấy tờ hơn cho người dân và doanh nghiệp."),
    ("Chuyển đổi số", "Dịch vụ công trực tuyến, chữ ký số và dữ liệu dân cư."),
    ("Môi trường", "Rác thải, cây xanh, ao hồ và không khí."),
    ("An ninh trật tự", "Phòng cháy, chữa cháy, tổ tự quản và an toàn khu dân cư."),
    ("Giao thông", "Đường sá, bãi đỗ xe, phân luồng và an toàn giao thông."),
    ("Y tế", "Tiêm chủng, khám bệnh, trạm y tế và phòng dịch."),
    ("Giáo dục", "Trường lớp, tuyển sinh và khuyến học."),
    ("Văn hóa – Thể thao", "Lễ hội, nhà văn hóa, sân chơi và phong trào thể thao."),
    ("Kinh tế địa phương", "Làng nghề, hợp tác xã, chợ và thu nhập của người dân."),
    ("Nông thôn mới", "Xây dựng nông thôn mới và đô thị văn minh."),
    ("Điện nước", "Lịch cắt điện, cấp nước sạch và chiếu sáng công cộng."),
    ("Tiếp công dân", "Lịch tiếp công dân, đối thoại và giải quyết kiến nghị."),
    ("Dân vận khéo", "Các mô hình trong phong trào thi đua “Dân vận khéo”."),
    ("An sinh xã hội", "Hộ nghèo, người cao tuổi, người có công và trẻ em."),
    ("Quy hoạch – Đô thị", "Quy hoạch, xây dựng, giải phóng mặt bằng và trật tự đô thị."),
)


def make_topics() -> tuple[Topic, ...]:
    return tuple(Topic(slugify(name), name, description) for name, description in _TOPIC_NAMES)


# --- the text ---------------------------------------------------------------------------------

_FAMILY = "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Ngô Dương Lý".split()
_MIDDLE = "Văn Thị Đức Minh Thu Hồng Quang Thanh Ngọc Xuân".split()
_GIVEN = "Hùng Lan Hà Dũng Hương Tuấn Mai Long Thảo Sơn Hạnh Bình Nam Yến".split()
_ROLES = ("Chủ tịch UBND {place}", "Phó Chủ tịch UBND {place}", "Bí thư Đảng ủy {place}",
          "Chủ tịch Ủy ban MTTQ {place}", "Trưởng Công an {place}", "tổ trưởng tổ dân phố số {n}")
_AUTHORS = ("Ban biên tập", "Minh Anh", "Thu Hà", "Quang Huy", "Hải Linh", "Đức Thắng",
            "Phòng Văn hóa và Thông tin")

# Headlines: {place} is a locality's label, {n} a number, {month} a month.
_HEADLINES = {
    "cai-cach-hanh-chinh": ["{place}: {n}% hồ sơ được trả ngay tại bộ phận một cửa",
                            "{place} rút ngắn thời gian cấp giấy phép xây dựng",
                            "Bộ phận một cửa {place} mở cửa cả sáng thứ Bảy"],
    "chuyen-doi-so": ["{place} cài đặt chữ ký số cho {n} hộ kinh doanh",
                      "Người dân {place} nộp hồ sơ trực tuyến qua ứng dụng",
                      "{place} số hóa {n} nghìn trang hồ sơ hộ tịch"],
    "moi-truong": ["{place} xóa {n} điểm tập kết rác thành vườn hoa",
                   "Ra quân làm sạch môi trường ở {place}",
                   "{place} trồng thêm {n} cây xanh dọc các tuyến phố"],
    "an-ninh-trat-tu": ["{place} ra mắt {n} tổ an ninh cơ sở",
                        "Diễn tập phòng cháy chữa cháy tại khu dân cư {place}",
                        "{place} lắp {n} camera giám sát an ninh"],
    "giao-thong": ["{place} phân luồng giao thông phục vụ thi công cống thoát nước",
                   "Mở rộng ngõ {n} ở {place} sau khi người dân hiến đất",
                   "{place} bố trí thêm bãi trông giữ xe"],
    "y-te": ["{place} tiêm vắc xin cho {n} trẻ em dưới 5 tuổi",
             "Khám sức khỏe miễn phí cho người cao tuổi {place}",
             "Trạm y tế {place} đạt chuẩn quốc gia"],
    "giao-duc": ["{place} khánh thành trường mầm non mới",
                 "Tuyển sinh đầu cấp năm học mới ở {place}: những điều cần biết",
                 "{place} trao {n} suất học bổng khuyến học"],
    "van-hoa-the-thao": ["Giải bóng đá thiếu niên {place} lần thứ {n}",
                         "{place} khôi phục lễ hội truyền thống",
                         "Nhà văn hóa tổ dân phố {place} được cải tạo"],
    "kinh-te-dia-phuong": ["{place}: thu nhập bình quân đạt {n} triệu đồng/người/năm",
                           "Hợp tác xã ở {place} đưa sản phẩm lên sàn thương mại điện tử",
                           "{place} có thêm {n} sản phẩm OCOP"],
    "nong-thon-moi": ["{place} về đích nông thôn mới nâng cao",
                      "{place} bê tông hóa {n} km đường làng",
                      "Người dân {place} góp công, góp đất làm đường"],
    "dien-nuoc": ["{place} có thêm {n} hộ dùng nước sạch",
                  "Thay mới đường ống cấp nước ở {place}",
                  "{place} lắp đèn chiếu sáng cho {n} ngõ"],
    "tiep-cong-dan": ["{place} đối thoại với người dân về giải phóng mặt bằng",
                      "{place} giải quyết dứt điểm {n} đơn kiến nghị",
                      "Lãnh đạo {place} tiếp công dân định kỳ"],
    "dan-van-kheo": ["{place} nhân rộng {n} mô hình “Dân vận khéo”",
                     "Mô hình “Ngõ, xóm liên gia tự quản” ở {place}",
                     "“Hàng cây đại đoàn kết” ở {place}"],
    "an-sinh-xa-hoi": ["{place} trao {n} suất quà cho hộ khó khăn",
                       "{place} hỗ trợ sửa nhà cho hộ nghèo",
                       "Chăm lo người có công ở {place}"],
    "quy-hoach-do-thi": ["{place} công bố quy hoạch chi tiết khu dân cư mới",
                         "{place} xử lý {n} công trình vi phạm trật tự xây dựng",
                         "Lấy ý kiến người dân {place} về chỉnh trang đô thị"],
}

# Notices that newsrooms publish again and again under the same title, on different dates.
_RECURRING = (
    ("Lịch tiếp công dân tháng {month}", "tiep-cong-dan"),
    ("Thông báo cắt điện {place}", "dien-nuoc"),
    ("Thông báo lịch cắt điện tuần tới", "dien-nuoc"),
    ("Kết quả giải quyết thủ tục hành chính quý {quarter}", "cai-cach-hanh-chinh"),
    ("Lịch tiêm chủng mở rộng tháng {month}", "y-te"),
)

_SENTENCES = (
    "Theo UBND {place}, từ đầu năm đến nay địa phương đã tổ chức {n} buổi gặp gỡ, đối thoại với người dân.",
    "Nhiều hộ gia đình ở {place} cho biết thủ tục nay nhanh hơn trước, không phải đi lại nhiều lần.",
    "Cán bộ tổ dân phố đã đến từng nhà để phổ biến nội dung và lắng nghe ý kiến của bà con.",
    "Kinh phí thực hiện gồm ngân sách địa phương và nguồn xã hội hóa do người dân, doanh nghiệp đóng góp.",
    "Đến nay đã có {n} hộ đăng ký tham gia, vượt kế hoạch đề ra.",
    "Lãnh đạo {place} đề nghị các đoàn thể tiếp tục vận động để mô hình được duy trì lâu dài.",
    "Người dân có thể phản ánh qua đường dây nóng của UBND hoặc trực tiếp tại bộ phận một cửa.",
    "Trong quá trình triển khai, một số khó khăn về mặt bằng và kinh phí đã được tháo gỡ kịp thời.",
    "Công trình được khởi công từ tháng {month} và dự kiến hoàn thành trước Tết Nguyên đán.",
    "Các tổ liên gia tự quản đóng vai trò cầu nối giữa chính quyền và người dân trong khu phố.",
    "Hội Phụ nữ và Đoàn Thanh niên {place} cùng tham gia ra quân vào các buổi sáng Chủ nhật.",
    "Việc công khai thông tin giúp người dân nắm rõ quyền lợi và nghĩa vụ của mình.",
    "Năm nay, {place} đặt mục tiêu nâng tỷ lệ hồ sơ trực tuyến lên {n}%.",
    "Bà con phấn khởi vì con đường vào xóm đã rộng và sạch hơn, xe cứu thương có thể vào tận nơi.",
    "Đoàn kiểm tra của {district} đánh giá cao cách làm sáng tạo, hiệu quả của địa phương.",
    "Những trường hợp chưa đủ điều kiện đã được hướng dẫn bổ sung giấy tờ theo quy định.",
    "Ngoài ra, địa phương còn tổ chức lớp tập huấn cho {n} cán bộ cơ sở.",
    "Kết quả này là nhờ sự vào cuộc của cả hệ thống chính trị và sự đồng thuận của Nhân dân.",
    "Mỗi tháng, các tổ dân phố tổng hợp ý kiến và gửi về UBND để giải quyết.",
    "Nhiều ý kiến của cử tri về vệ sinh môi trường và trật tự vỉa hè đã được tiếp thu.",
    "Thời gian tới, {place} sẽ rà soát lại toàn bộ danh sách và cập nhật lên hệ thống.",
    "Người cao tuổi được hướng dẫn tận tình để có thể tự cài đặt ứng dụng trên điện thoại.",
    "Tổng kinh phí thực hiện khoảng {n} triệu đồng, trong đó người dân đóng góp gần một nửa.",
    "Những gương người tốt, việc tốt được biểu dương tại hội nghị tổng kết cuối năm.",
    "Sau khi hoàn thành, khu đất được giao cho tổ dân phố quản lý và giữ gìn.",
    "UBND {place} lưu ý người dân theo dõi thông báo trên loa truyền thanh và nhóm Zalo của tổ.",
    "Đây là năm thứ {k} liên tiếp địa phương duy trì hoạt động này vào dịp cuối năm.",
    "Các trường hợp vi phạm được lập biên bản và yêu cầu khắc phục trong thời hạn quy định.",
)

_TOPIC_SENTENCES = {
    "cai-cach-hanh-chinh": "Thời gian giải quyết trung bình mỗi hồ sơ đã giảm còn {n} ngày làm việc.",
    "chuyen-doi-so": "Người dân chỉ cần tài khoản định danh điện tử mức 2 để nộp hồ sơ trực tuyến.",
    "moi-truong": "Rác được phân loại tại nguồn, giờ thu gom được thông báo cho từng tổ dân phố.",
    "an-ninh-trat-tu": "Mỗi cụm dân cư đều có bình chữa cháy dùng chung đặt ở nơi dễ thấy.",
    "giao-thong": "Lực lượng chức năng bố trí người hướng dẫn vào giờ cao điểm sáng và chiều.",
    "y-te": "Phụ huynh cần mang theo sổ tiêm chủng và căn cước của người giám hộ.",
    "giao-duc": "Hồ sơ tuyển sinh được nhận trực tuyến trên cổng tuyển sinh của thành phố.",
    "van-hoa-the-thao": "Sân chơi mở cửa miễn phí cho thiếu nhi từ 16 giờ đến 21 giờ hằng ngày.",
    "kinh-te-dia-phuong": "Sản phẩm của hợp tác xã đã có mặt ở {n} cửa hàng trong nội thành.",
    "nong-thon-moi": "Các tiêu chí về giao thông, thủy lợi và môi trường đều đã đạt.",
    "dien-nuoc": "Trong thời gian tạm ngừng cấp điện, người dân nên rút phích cắm các thiết bị.",
    "tiep-cong-dan": "Công dân đến trình bày cần mang theo căn cước và giấy tờ liên quan.",
    "dan-van-kheo": "Mô hình được công nhận là điển hình “Dân vận khéo” cấp thành phố.",
    "an-sinh-xa-hoi": "Danh sách hộ được hỗ trợ được niêm yết công khai tại nhà văn hóa.",
    "quy-hoach-do-thi": "Hồ sơ quy hoạch được trưng bày tại trụ sở UBND trong {n} ngày.",
}

_HEADINGS = ("Kết quả bước đầu", "Cách làm", "Người dân nói gì", "Những việc tiếp theo",
             "Số liệu chính", "Khó khăn và cách tháo gỡ", "Lưu ý cho người dân", "Thời gian và địa điểm")
_LIST_ITEMS = ("thời gian: từ {h} giờ đến {h2} giờ các ngày trong tuần",
               "địa điểm: trụ sở UBND {place}",
               "đối tượng: các hộ gia đình trên địa bàn {place}",
               "hồ sơ gồm đơn đề nghị và bản sao căn cước",
               "liên hệ: bộ phận một cửa, điện thoại 024 3{n}2 {n}68",
               "kinh phí: {n} triệu đồng từ nguồn xã hội hóa",
               "phụ trách: Ủy ban Mặt trận Tổ quốc {place}",
               "kết quả được thông báo trong {n} ngày làm việc")
_TABLE_ROWS = ("Hồ sơ tiếp nhận", "Hồ sơ trả đúng hạn", "Hộ tham gia", "Buổi đối thoại",
               "Kiến nghị đã giải quyết", "Cây xanh trồng mới", "Km đường được cải tạo",
               "Camera lắp mới")
_SOURCES = (("Cổng thông tin điện tử Hà Nội", "https://hanoi.gov.vn/"),
            ("Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
            ("Báo Kinh tế & Đô thị", "https://kinhtedothi.vn/"),
            ("Báo Hà Nội mới", "https://hanoimoi.vn/"))


class _Writer:
    """Builds one article's Markdown body with a seeded random source."""

    def __init__(self, rng: random.Random, place: Locality, district: Locality, topic_slug: str):
        self.rng = rng
        self.place = place
        self.district = district
        self.topic_slug = topic_slug

    def fill(self, template: str) -> str:
        rng = self.rng
        h = rng.randint(7, 14)
        return template.format(place=self.place.label, district=self.district.label,
                               n=rng.randint(2, 95), k=rng.randint(2, 12), month=rng.randint(1, 12),
                               h=h, h2=h + 3)

    def sentence(self) -> str:
        return self.fill(self.rng.choice(_SENTENCES))

    def paragraph(self) -> str:
        sentences = [self.fill(s) for s in self.rng.sample(_SENTENCES, self.rng.randint(3, 6))]
        if self.rng.random() < 0.25:
            sentences.insert(self.rng.randint(0, len(sentences)),
                             self.fill(_TOPIC_SENTENCES[self.topic_slug]))
        if self.rng.random() < 0.3:  # emphasis, as editors use it: a phrase, not a paragraph
            words = sentences[0].split(" ")
            cut = min(len(words), self.rng.randint(3, 6))
            mark = "**" if self.rng.random() < 0.5 else "*"
            sentences[0] = f"{mark}{' '.join(words[:cut])}{mark} {' '.join(words[cut:])}".rstrip()
        return " ".join(sentences)

    def bullet_list(self) -> str:
        items = self.rng.sample(_LIST_ITEMS, self.rng.randint(3, 6))
        lines = [f"- {self.fill(item)};" for item in items]
        lines[-1] = lines[-1][:-1] + "."
        return "\n".join(lines)

    def table(self) -> str:
        rows = self.rng.sample(_TABLE_ROWS, self.rng.randint(3, 5))
        lines = ["| Chỉ tiêu | Năm trước | Năm nay |", "|---|--:|--:|"]
        for row in rows:
            before = self.rng.randint(10, 2000)
            lines.append(f"| {row} | {before:,} | {before + self.rng.randint(-5, 400):,} |"
                         .replace(",", "."))
        return "\n".join(lines)

    def quote(self) -> str:
        rng = self.rng
        name = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        role = self.fill(rng.choice(_ROLES))
        return (f"> “{self.sentence()} {self.sentence()}”\n>\n"
                f"> — {rng.choice(('Ông', 'Bà'))} {name}, {role}")


MIN_WORDS, MAX_WORDS = 300, 900


def count_words(text: str) -> int:
    """Words as a reader counts them: Markdown's marks (#, |, -, >) are not words."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def _make_body(writer: _Writer, earlier: list[Article], target_words: int) -> str:
    rng = writer.rng
    blocks = [writer.paragraph()]
    words = count_words(blocks[0])
    extras = [writer.bullet_list, writer.table, writer.quote]
    rng.shuffle(extras)
    room = MAX_WORDS - 60  # for the links at the end
    while words < target_words:
        section = [f"## {rng.choice(_HEADINGS)}", writer.paragraph()]
        if extras:
            section.append(extras.pop()())
        section.append(writer.paragraph())
        while section and words + sum(count_words(b) for b in section) > room:
            section.pop()
        if len(section) < 2:
            break
        blocks += section
        words += sum(count_words(b) for b in section)
    if earlier:
        linked = rng.sample(earlier, min(len(earlier), rng.randint(1, 2)))
        refs = " và ".join(f"[{a.title}](<<ref:{a.index}>>)" for a in linked)
        blocks.append(f"Xem thêm: {refs}.")
    name, url = rng.choice(_SOURCES)
    blocks.append(f"Thông tin chi tiết xem tại [{name}]({url}).")
    return "\n\n".join(blocks) + "\n"


def _make_article(index: int, date: dt.datetime, rng: random.Random, localities, topics,
                  earlier: list[Article], used_slugs: set[str]) -> Article:
    by_slug = {l.slug: l for l in localities}
    places = [l for l in localities if l.parent_slug is not None]
    place = rng.choice(places)
    district = by_slug[place.parent_slug] if place.parent_slug != "ha-noi" else place
    locality_slugs = [place.slug]
    if rng.random() < 0.2:  # some articles are about two places
        other = rng.choice(places)
        if other.slug != place.slug:
            locality_slugs.append(other.slug)
    if rng.random() < 0.05:
        locality_slugs = ["ha-noi"]
    if rng.random() < 0.18:
        template, topic_slug = rng.choice(_RECURRING)
        title = template.format(place=place.label, month=date.month,
                                quarter=(date.month - 1) // 3 + 1)
    else:
        topic_slug = rng.choice(topics).slug
        title = rng.choice(_HEADLINES[topic_slug]).format(place=place.label, n=rng.randint(3, 90))
        title = title[0].upper() + title[1:]
    topic_slugs = [topic_slug]
    if rng.random() < 0.5:
        second = rng.choice(topics).slug
        if second != topic_slug:
            topic_slugs.append(second)
    # Recurring titles would share a slug made from the title: the date keeps each unique.
    slug = base = slugify(f"{title} {date:%Y-%m-%d}")
    suffix = 2
    while slug in used_slugs:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    used_slugs.add(slug)
    writer = _Writer(rng, place, district, topic_slug)
    body = _make_body(writer, earlier, rng.randint(MIN_WORDS, MAX_WORDS))
    summary = writer.sentence()
    return Article(index, slug, title, date, tuple(locality_slugs), tuple(topic_slugs), summary,
                   rng.choice(_AUTHORS), body)


def _article_date(index: int, count: int, rng: random.Random) -> dt.datetime:
    at = FIRST_DAY + SPAN * ((index + rng.random() * 0.9) / count)
    hour = rng.randint(7, 18)
    return at.replace(hour=hour, minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)


def make_corpus(article_count: int, seed: int = DEFAULT_SEED) -> Corpus:
    """The whole corpus, a pure function of the article count and the seed."""
    localities, topics = make_localities(), make_topics()
    articles: list[Article] = []
    used_slugs: set[str] = set()
    for index in range(article_count):
        rng = random.Random(f"{seed}:{article_count}:{index}")
        date = _article_date(index, article_count, rng)
        earlier = articles[max(0, index - 300):index]
        articles.append(_make_article(index, date, rng, localities, topics, earlier, used_slugs))
    return Corpus(seed, localities, topics, tuple(articles))


def make_extra_article(corpus: Corpus, number: int) -> Article:
    """An article added after the corpus was written: newer than every other one."""
    index = len(corpus.articles) + number
    rng = random.Random(f"{corpus.seed}:extra:{number}")
    date = corpus.articles[-1].date + dt.timedelta(hours=1 + number) if corpus.articles \
        else FIRST_DAY
    used = {a.slug for a in corpus.articles}
    return _make_article(index, date, rng, corpus.localities, corpus.topics,
                         list(corpus.articles[-300:]), used)


# --- writers: one class per format ------------------------------------------------------------

def _quoted(value) -> str:
    """A YAML (and TOML, and Python) literal: JSON, keeping Vietnamese letters readable."""
    return json.dumps(value, ensure_ascii=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


class Format:
    """How one generator lays out a project; the benchmark edits files through these methods."""
    name = ""
    content_dir = "content"

    def article_path(self, article: Article) -> str:
        return f"{self.content_dir}/{article.year}/{article.slug}.md"

    def link(self, corpus_index: dict[int, Article], index: int) -> str:
        target = corpus_index[index]
        return f"../{target.year}/{target.slug}.md"

    def body(self, corpus_index: dict[int, Article], article: Article) -> str:
        text = article.body
        start = text.find("<<ref:")
        while start != -1:
            end = text.index(">>", start)
            text = text[:start] + self.link(corpus_index, int(text[start + 6:end])) + text[end + 2:]
            start = text.find("<<ref:", start)
        return text

    def title_line(self, title: str) -> str:
        return f"title: {_quoted(title)}\n"

    def article_text(self, corpus: Corpus, article: Article, corpus_index=None) -> str:
        raise NotImplementedError

    def write(self, corpus: Corpus, root: Path) -> None:
        self.write_settings(corpus, root)
        corpus_index = {a.index: a for a in corpus.articles}
        for article in corpus.articles:
            _write(root / self.article_path(article), self.article_text(corpus, article, corpus_index))

    def write_settings(self, corpus: Corpus, root: Path) -> None:
        raise NotImplementedError

    def description_path(self, locality: Locality) -> str:
        """The file holding a locality's description."""
        raise NotImplementedError

    def template_path(self) -> str:
        """The article page's template."""
        raise NotImplementedError


class BantinFormat(Format):
    name = "bantin"

    def article_text(self, corpus, article, corpus_index=None):
        corpus_index = corpus_index or {a.index: a for a in corpus.articles}
        shared = {l.name for l in corpus.localities
                  if sum(o.name == l.name for o in corpus.localities) > 1}
        # Editors write names; a name two localities share must be written as the slug.
        places = [corpus.locality(s) for s in article.locality_slugs]
        names = [p.slug if p.name in shared else p.name for p in places]
        topics = [corpus.topic(s).name for s in article.topic_slugs]
        return ("---\n" + self.title_line(article.title) +
                f"date: {article.date.isoformat()}\n"
                f"slug: {article.slug}\n"
                f"localities: {_quoted(names)}\n"
                f"topics: {_quoted(topics)}\n"
                f"summary: {_quoted(article.summary)}\n"
                f"author: {_quoted(article.author)}\n"
                "---\n\n" + self.body(corpus_index, article))

    def write_settings(self, corpus, root):
        lines = ["# A synthetic site for the benchmark (bench/corpus.py).",
                 "title: Bản tin Hà Nội (thử tải)",
                 "description: Tin ngắn của các quận, huyện, phường và xã Hà Nội.",
                 "base_url: https://example.org/",
                 "language: vi",
                 "timezone: Asia/Ho_Chi_Minh",
                 "page_size: 10",
                 "feed_size: 20",
                 "localities:"]
        for l in corpus.localities:
            lines.append(f"  - name: {_quoted(l.name)}")
            lines.append(f"    kind: {_quoted(l.kind)}")
            lines.append(f"    slug: {l.slug}")
            if l.parent_slug:
                lines.append(f"    parent: {l.parent_slug}")
            lines.append(f"    description: {_quoted(l.description)}")
        lines.append("topics:")
        for t in corpus.topics:
            lines.append(f"  - name: {_quoted(t.name)}")
            lines.append(f"    slug: {t.slug}")
            lines.append(f"    description: {_quoted(t.description)}")
        _write(root / "site.yaml", "\n".join(lines) + "\n")

    def description_path(self, locality):
        return "site.yaml"

    def template_path(self):
        return "themes/default/templates/article.html"


class PelicanFormat(Format):
    """Pelican has no custom taxonomy: localities (with the ones above them) and topics are tags,
    the first topic is the category."""
    name = "pelican"

    def link(self, corpus_index, index):
        return "{filename}" + super().link(corpus_index, index)

    def title_line(self, title):
        return f"Title: {title}\n"

    def article_text(self, corpus, article, corpus_index=None):
        corpus_index = corpus_index or {a.index: a for a in corpus.articles}
        tags = [corpus.locality(s).label for s in corpus.with_ancestors(article.locality_slugs)]
        tags += [corpus.topic(s).name for s in article.topic_slugs]
        return (self.title_line(article.title) +
                f"Date: {article.date.isoformat()}\n"
                f"Slug: {article.slug}\n"
                f"Category: {corpus.topic(article.topic_slugs[0]).name}\n"
                f"Tags: {', '.join(tags)}\n"
                f"Authors: {article.author}\n"
                f"Summary: {article.summary}\n"
                "\n" + self.body(corpus_index, article))

    def write_settings(self, corpus, root):
        descriptions = {l.label: l.description for l in corpus.localities}
        descriptions.update({t.name: t.description for t in corpus.topics})
        lines = [
            "# A synthetic site for the benchmark (bench/corpus.py).",
            'SITENAME = "Bản tin Hà Nội (thử tải)"',
            'SITEURL = ""',
            'PATH = "content"',
            'TIMEZONE = "Asia/Ho_Chi_Minh"',
            'DEFAULT_LANG = "vi"',
            'THEME = "theme"  # the default theme, notmyidea, copied here by bench/benchmark.py',
            "DEFAULT_PAGINATION = 10",
            'PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}',
            'ARTICLE_URL = "bai-viet/{slug}/"',
            'ARTICLE_SAVE_AS = "bai-viet/{slug}/index.html"',
            'TAG_URL = "the/{slug}/"',
            'TAG_SAVE_AS = "the/{slug}/index.html"',
            'CATEGORY_URL = "chuyen-muc/{slug}/"',
            'CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"',
            'AUTHOR_URL = "tac-gia/{slug}/"',
            'AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"',
            'YEAR_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/index.html"',
            'MONTH_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/{date:%m}/index.html"',
            'FEED_ALL_ATOM = "atom.xml"',
            'TAG_FEED_ATOM = "the/{slug}/atom.xml"',
            'CATEGORY_FEED_ATOM = "chuyen-muc/{slug}/atom.xml"',
            "AUTHOR_FEED_ATOM = None",
            "AUTHOR_FEED_RSS = None",
            "TRANSLATION_FEED_ATOM = None",
            "FEED_MAX_ITEMS = 20",
            "DELETE_OUTPUT_DIRECTORY = True  # the output is exactly the site, as with the others",
            "CACHE_CONTENT = True",
            "LOAD_CONTENT_CACHE = True",
            'CACHE_PATH = "cache"',
            "# Shown on each tag's page by the theme's tag.html, as Bản tin shows a locality's.",
            f"TAG_DESCRIPTIONS = {{\n" +
            "".join(f"    {_quoted(k)}: {_quoted(v)},\n" for k, v in descriptions.items()) + "}",
        ]
        _write(root / "pelicanconf.py", "\n".join(lines) + "\n")

    def description_path(self, locality):
        return "pelicanconf.py"

    def template_path(self):
        return "theme/templates/article.html"


class HugoFormat(Format):
    """Hugo's taxonomies `localities` (with the ones above them) and `topics`, by slug; each
    term's title and description in its own _index.md, as Hugo sites do."""
    name = "hugo"
    content_dir = "content/bai-viet"

    def article_text(self, corpus, article, corpus_index=None):
        corpus_index = corpus_index or {a.index: a for a in corpus.articles}
        return ("---\n" + self.title_line(article.title) +
                f"date: {article.date.isoformat()}\n"
                f"slug: {article.slug}\n"
                f"localities: {_quoted(list(corpus.with_ancestors(article.locality_slugs)))}\n"
                f"topics: {_quoted(list(article.topic_slugs))}\n"
                f"summary: {_quoted(article.summary)}\n"
                f"author: {_quoted(article.author)}\n"
                "---\n\n" + self.body(corpus_index, article))

    def write_settings(self, corpus, root):
        _write(root / "hugo.toml", _HUGO_CONFIG)
        for name, text in _HUGO_LAYOUTS.items():
            _write(root / "layouts" / name, text)
        _write(root / "content/bai-viet/_index.md", '---\ntitle: "Bài viết"\n---\n')
        for l in corpus.localities:
            _write(root / self.description_path(l),
                   f"---\ntitle: {_quoted(l.label)}\ndescription: {_quoted(l.description)}\n---\n")
        for t in corpus.topics:
            _write(root / f"content/topics/{t.slug}/_index.md",
                   f"---\ntitle: {_quoted(t.name)}\ndescription: {_quoted(t.description)}\n---\n")

    def description_path(self, locality):
        return f"content/localities/{locality.slug}/_index.md"

    def template_path(self):
        return "layouts/_default/single.html"


_HUGO_CONFIG = """\
# A synthetic site for the benchmark (bench/corpus.py).
baseURL = "https://example.org/"
languageCode = "vi"
defaultContentLanguage = "vi"
title = "Bản tin Hà Nội (thử tải)"
timeZone = "Asia/Ho_Chi_Minh"
paginate = 10
rssLimit = 20
enableRobotsTXT = false
disableKinds = ["RSS"]

[taxonomies]
  locality = "localities"
  topic = "topics"

[permalinks]
  "bai-viet" = "/bai-viet/:slug/"

[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]

[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  isPlainText = false

[outputs]
  home = ["HTML", "Atom"]
  section = ["HTML", "Atom"]
  taxonomy = ["HTML"]
  term = ["HTML", "Atom"]
  page = ["HTML"]
"""

_HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
{{ with .OutputFormats.Get "Atom" }}<link rel="alternate" type="application/atom+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/bai-viet/" | relURL }}">Bài viết</a> · <a href="{{ "/localities/" | relURL }}">Địa phương</a> · <a href="{{ "/topics/" | relURL }}">Chủ đề</a></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006 15:04" }}</time>{{ with .Params.author }} · {{ . }}{{ end }}</p>
<p>{{ range .GetTerms "localities" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Description }}<p>{{ . }}</p>{{ end }}
{{ partial "articles.html" . }}
{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ with .Description }}{{ . }} · {{ end }}{{ len .Pages }} bài{{ with .OutputFormats.Get "Atom" }} · <a href="{{ .RelPermalink }}">Atom</a>{{ end }}</p>
{{ partial "articles.html" . }}
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ partial "articles.html" . }}
{{ end }}
""",
    "partials/articles.html": """\
{{/* Hugo's default order is newest first; the home page lists every article. */}}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $paginator := .Paginate $pages }}
<ul>
{{ range $paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "02/01/2006" }}</time><br>{{ .Summary }}</li>
{{ end }}
</ul>
<nav>{{ with $paginator.Prev }}<a href="{{ .URL }}">Trang trước</a>{{ end }} Trang {{ $paginator.PageNumber }}/{{ $paginator.TotalPages }} {{ with $paginator.Next }}<a href="{{ .URL }}">Trang sau</a>{{ end }}</nav>
""",
    "_default/list.atom.xml": """\
{{ `<?xml version="1.0" encoding="utf-8"?>` | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{{ .Title }} · {{ site.Title }}</title>
<id>{{ .Permalink }}</id>
<link href="{{ .Permalink }}"/>
{{ $pages := .RegularPages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ with $pages }}<updated>{{ (index .ByDate.Reverse 0).Date.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</updated>{{ end }}
{{ range first 20 $pages.ByDate.Reverse }}
<entry>
<title>{{ .Title }}</title>
<link href="{{ .Permalink }}"/>
<id>{{ .Permalink }}</id>
<updated>{{ .Date.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</updated>
<summary>{{ .Params.summary }}</summary>
<content type="html">{{ .Content | html }}</content>
</entry>
{{ end }}
</feed>
""",
    # Links to another article by its file, as in Bản tin and Pelican's {filename}.
    "_default/_markup/render-link.html": """\
{{- $href := .Destination -}}
{{- if and (strings.HasSuffix .Destination ".md") (not (strings.Contains .Destination "://")) -}}
{{- $path := path.Join .Page.File.Dir .Destination -}}
{{- with .Page.GetPage (printf "/%s" $path) -}}{{- $href = .RelPermalink -}}
{{- else -}}{{- errorf "%s: link to %q: no such article" $.Page.File.Path $.Destination -}}{{- end -}}
{{- end -}}
<a href="{{ $href }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
{{- /* */ -}}
""",
}

FORMAT_CLASSES = {"bantin": BantinFormat, "pelican": PelicanFormat, "hugo": HugoFormat}


def write_corpus(corpus: Corpus, out_path: Path, formats=FORMATS) -> dict[str, Path]:
    """Write the corpus in each format into out_path/<format>/; returns their roots."""
    roots = {}
    for name in formats:
        root = out_path / name
        FORMAT_CLASSES[name]().write(corpus, root)
        roots[name] = root
    return roots


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="an empty or new folder; each format goes into DIR/<format>/")
    parser.add_argument("--format", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    corpus = make_corpus(args.articles, args.seed)
    for name, root in write_corpus(corpus, args.out, args.format).items():
        print(f"{name}: {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
