"""Responsive images: widths without upscaling, WebP, orientation, cache, safe markup."""
from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bantin.images import ImageInfo, Variant, picture_html, process_image

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _jpeg(size=(2000, 1000), exif=None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(30, 30, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def _png_with_alpha(size=(300, 200)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((50, 50, 250, 150), fill=(10, 120, 60, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _open(variant: Variant) -> Image.Image:
    image = Image.open(variant.cache_path)
    image.load()
    return image


def test_large_jpeg_gets_each_width_up_to_its_own_in_jpeg_then_webp(tmp_path):
    source = _write(tmp_path, "bieu-do.jpg", _jpeg((2000, 1000)))

    info = process_image(source, tmp_path / "cache")

    assert (info.width, info.height) == (2000, 1000)
    assert [(v.rel_path, v.width, v.height, v.mime) for v in info.variants] == [
        ("bieu-do.480.jpg", 480, 240, "image/jpeg"),
        ("bieu-do.960.jpg", 960, 480, "image/jpeg"),
        ("bieu-do.1440.jpg", 1440, 720, "image/jpeg"),
        ("bieu-do.2000.jpg", 2000, 1000, "image/jpeg"),
        ("bieu-do.480.webp", 480, 240, "image/webp"),
        ("bieu-do.960.webp", 960, 480, "image/webp"),
        ("bieu-do.1440.webp", 1440, 720, "image/webp"),
        ("bieu-do.2000.webp", 2000, 1000, "image/webp"),
    ]
    for variant in info.variants:
        image = _open(variant)
        assert image.size == (variant.width, variant.height)
        assert image.format == {"image/jpeg": "JPEG", "image/webp": "WEBP"}[variant.mime]
        assert variant.cache_path.parent == tmp_path / "cache"
    assert _open(info.variants[0]).info.get("progressive") == 1


def test_small_image_is_never_upscaled_and_keeps_its_alpha(tmp_path):
    source = _write(tmp_path, "logo.png", _png_with_alpha((300, 200)))

    info = process_image(source, tmp_path / "cache")

    assert [(v.rel_path, v.width, v.height, v.mime) for v in info.variants] == [
        ("logo.300.png", 300, 200, "image/png"),
        ("logo.300.webp", 300, 200, "image/webp"),
    ]
    for variant in info.variants:
        image = _open(variant)
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0  # transparent corner stays transparent
        assert image.getpixel((150, 100))[3] == 255


def test_an_exact_target_width_is_not_offered_twice(tmp_path):
    source = _write(tmp_path, "a.jpg", _jpeg((960, 640)))

    info = process_image(source, tmp_path / "cache")

    assert [(v.width, v.height) for v in info.variants] == [(480, 320), (960, 640)] * 2


def test_exif_orientation_is_applied_and_metadata_stripped(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to show
    exif[0x010F] = "Máy ảnh của phóng viên"  # Make: must not be published
    source = _write(tmp_path, "doc.jpg", _jpeg((200, 100), exif=exif.tobytes()))

    info = process_image(source, tmp_path / "cache")

    assert (info.width, info.height) == (100, 200)
    for variant in info.variants:
        image = _open(variant)
        assert image.size == (100, 200)
        assert not image.getexif()
        assert "exif" not in image.info
        red, _, blue = image.getpixel((50, 20))  # the stored left (red) half is now on top
        assert red > 150 and blue < 80
        red, _, blue = image.getpixel((50, 180))
        assert red < 80 and blue > 150


def test_png_text_and_colour_key_transparency(tmp_path):
    from PIL import PngImagePlugin

    image = Image.new("RGB", (40, 20), (255, 255, 255))
    image.paste((0, 0, 0), (0, 0, 20, 20))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Nguyễn Văn A")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=text, transparency=(255, 255, 255))
    source = _write(tmp_path, "key.png", buffer.getvalue())

    info = process_image(source, tmp_path / "cache")

    png = _open(info.variants[0])
    assert png.mode == "RGBA"
    assert png.getpixel((30, 10))[3] == 0 and png.getpixel((5, 10))[3] == 255
    assert "Author" not in png.info


def test_sixteen_bit_grey_png_is_scaled_to_eight_bits(tmp_path):
    image = Image.new("I;16", (10, 10), 257 * 100)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    source = _write(tmp_path, "xam.png", buffer.getvalue())

    info = process_image(source, tmp_path / "cache")

    png = _open(info.variants[0])
    assert png.mode == "L" and png.getpixel((5, 5)) == 100


def test_still_gif_is_resized_as_png_and_animated_gif_is_left_alone(tmp_path):
    still = io.BytesIO()
    Image.new("P", (600, 300), 1).save(still, "GIF")
    frames = [Image.new("RGB", (600, 300), colour) for colour in ("red", "blue")]
    animated = io.BytesIO()
    frames[0].save(animated, "GIF", save_all=True, append_images=frames[1:], duration=100)

    still_info = process_image(_write(tmp_path, "tinh.gif", still.getvalue()), tmp_path / "c")
    animated_info = process_image(_write(tmp_path, "dong.gif", animated.getvalue()),
                                  tmp_path / "c")

    assert [v.rel_path for v in still_info.variants] == [
        "tinh.480.png", "tinh.600.png", "tinh.480.webp", "tinh.600.webp"]
    assert animated_info == ImageInfo(600, 300, ())


def test_webp_original_gets_webp_variants_once(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), (1, 2, 3)).save(buffer, "WEBP")
    source = _write(tmp_path, "anh.webp", buffer.getvalue())

    info = process_image(source, tmp_path / "cache")

    assert [v.rel_path for v in info.variants] == [
        "anh.480.webp", "anh.960.webp", "anh.1000.webp"]


@pytest.mark.parametrize("data", [
    _jpeg((400, 300))[:2000],  # truncated mid-scan
    b"",
    b"not an image at all",
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # EPS: never handed to Ghostscript
], ids=["truncated", "empty", "text", "eps"])
def test_unreadable_raster_is_none(tmp_path, data):
    source = _write(tmp_path, "hong.jpg", data)

    assert process_image(source, tmp_path / "cache") is None


def test_missing_file_is_none(tmp_path):
    assert process_image(tmp_path / "khong-co.jpg", tmp_path / "cache") is None


@pytest.mark.parametrize("pixels", [40 * 40, 100 * 100], ids=["over-limit", "over-twice-limit"])
def test_decompression_bomb_is_refused(tmp_path, monkeypatch, pixels):
    side = int(pixels ** 0.5)
    source = _write(tmp_path, "bom.png", _png_with_alpha((side, side)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    assert process_image(source, tmp_path / "cache") is None


def test_cache_hit_needs_no_decode(tmp_path, monkeypatch):
    source = _write(tmp_path, "anh.jpg", _jpeg((1000, 500)))
    first = process_image(source, tmp_path / "cache")

    def refuse(*args, **kwargs):
        raise AssertionError("Image.open called for a cached image")

    monkeypatch.setattr(Image, "open", refuse)
    second = process_image(source, tmp_path / "cache")

    assert second == first


def test_cache_is_keyed_by_content_not_name(tmp_path):
    data = _jpeg((1000, 500))
    first = process_image(_write(tmp_path, "mot.jpg", data), tmp_path / "cache")
    renamed = process_image(_write(tmp_path, "hai.jpg", data), tmp_path / "cache")
    changed = process_image(_write(tmp_path, "mot.jpg", _jpeg((1000, 400))), tmp_path / "cache")

    assert [v.cache_path for v in renamed.variants] == [v.cache_path for v in first.variants]
    assert renamed.variants[0].rel_path == "hai.480.jpg"
    assert not {v.cache_path for v in changed.variants} & {v.cache_path for v in first.variants}


def test_a_deleted_cached_variant_is_made_again(tmp_path):
    source = _write(tmp_path, "anh.jpg", _jpeg((1000, 500)))
    first = process_image(source, tmp_path / "cache")
    expected = first.variants[-1].cache_path.read_bytes()
    first.variants[-1].cache_path.unlink()

    second = process_image(source, tmp_path / "cache")

    assert second == first
    assert second.variants[-1].cache_path.read_bytes() == expected


def test_a_damaged_facts_file_is_ignored(tmp_path):
    source = _write(tmp_path, "anh.jpg", _jpeg((1000, 500)))
    first = process_image(source, tmp_path / "cache")
    for facts_path in (tmp_path / "cache").glob("*.json"):
        facts_path.write_text('{"width": "../../etc", "height": 1}')

    assert process_image(source, tmp_path / "cache") == first


def test_output_bytes_are_deterministic(tmp_path):
    jpeg = _write(tmp_path, "anh.jpg", _jpeg((1000, 500)))
    png = _write(tmp_path, "logo.png", _png_with_alpha())

    for cache in ("one", "two"):
        process_image(jpeg, tmp_path / cache)
        process_image(png, tmp_path / cache)
    one, two = ({p.name: p.read_bytes() for p in (tmp_path / cache).iterdir()}
                for cache in ("one", "two"))

    assert one == two
    assert len(one) == 6 + 2 + 2  # the variants, and one facts file per image (no temp files)


# --- SVG ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("svg, size", [
    (f'<svg {SVG_NS} viewBox="0 0 640 360"><rect width="1" height="1"/></svg>', (640, 360)),
    (f'<svg {SVG_NS} width="120" height="80px" viewBox="0 0 12 8"></svg>', (120, 80)),
    (f'<svg {SVG_NS} width="300" viewBox="0,0,600,200"></svg>', (300, 100)),
    (f'<svg {SVG_NS} width="100%" viewBox="0 0 50 25"></svg>', (50, 25)),
    (f'<svg {SVG_NS} width="1in" height="72pt"></svg>', (96, 96)),
    ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
     '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
     '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
     f'<!-- Bản đồ --><svg {SVG_NS} width="10" height="20"/>', (10, 20)),
], ids=["viewbox-only", "size", "width-and-viewbox", "percent", "units", "plain-doctype"])
def test_svg_size(tmp_path, svg, size):
    info = process_image(_write(tmp_path, "ban-do.svg", svg), tmp_path / "cache")

    assert info == ImageInfo(*size, ())


@pytest.mark.parametrize("svg", [
    '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
    f'<svg {SVG_NS} width="10" height="10"><text>&b;</text></svg>',
    f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {SVG_NS}>&x;</svg>',
    f'<svg {SVG_NS}><rect/></svg>',  # no size at all
    f'<svg {SVG_NS} viewBox="0 0 inf 10"></svg>',
    '<html><body/></html>',
    f'<svg {SVG_NS} width="1" height="1">',  # not closed
    f'<svg {SVG_NS} width="1" height="1"/>'.encode("utf-16"),
], ids=["entities", "external-entity", "no-size", "infinite", "not-svg", "malformed", "utf-16"])
def test_unsafe_or_unsized_svg_is_none(tmp_path, svg):
    source = _write(tmp_path, "xau.svg", svg)

    assert process_image(source, tmp_path / "cache") is None


# --- HTML --------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag, {}))


def _parse(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def _info_with_variants() -> ImageInfo:
    cache = Path("/cache")
    return ImageInfo(2000, 1000, tuple(
        Variant(f"anh.{w}.{ext}", w, w // 2, mime, cache / f"{w}.{ext}")
        for ext, mime in (("jpg", "image/jpeg"), ("webp", "image/webp"))
        for w in (480, 2000)))


def test_picture_html_offers_webp_then_the_original_format():
    html = picture_html(_info_with_variants(), "/b/anh.jpg",
                        lambda v: f"/b/bai-viet/x/{v.rel_path}", "Ảnh")

    sizes, folder = "(min-width: 48rem) 42rem, 100vw", "/b/bai-viet/x"
    assert _parse(html) == [
        ("picture", {}),
        ("source", {"type": "image/webp", "sizes": sizes,
                    "srcset": f"{folder}/anh.480.webp 480w, {folder}/anh.2000.webp 2000w"}),
        ("img", {"src": f"{folder}/anh.2000.jpg", "sizes": sizes,
                 "srcset": f"{folder}/anh.480.jpg 480w, {folder}/anh.2000.jpg 2000w",
                 "width": "2000", "height": "1000", "alt": "Ảnh", "loading": "lazy",
                 "decoding": "async"}),
        ("/picture", {}),
    ]
    assert "/>" not in html


def test_picture_html_escapes_a_hostile_alt_and_url():
    alt = '"><script>alert(1)</script> Biểu đồ & số liệu \'quý\' <b>'

    html = picture_html(_info_with_variants(), "x", lambda v: f'/a b,"<{v.rel_path}',
                        alt, sizes='100vw" onload="x')

    assert "<script" not in html and "<b>" not in html and 'onload="' not in html
    tags = _parse(html)
    assert [tag for tag, _ in tags] == ["picture", "source", "img", "/picture"]
    img = tags[2][1]
    assert img["alt"] == alt
    assert img["sizes"] == '100vw" onload="x'
    assert img["src"] == '/a b,"<anh.2000.jpg'
    assert img["srcset"] == '/a%20b%2C"<anh.480.jpg 480w, /a%20b%2C"<anh.2000.jpg 2000w'


def test_picture_html_for_an_svg_is_a_plain_img():
    html = picture_html(ImageInfo(640, 360, ()), "/b/ban-do.svg", lambda v: 1 / 0,
                        "Bản đồ", lazy=False)

    assert html == ('<img src="/b/ban-do.svg" width="640" height="360" alt="Bản đồ" '
                    'decoding="async">')


def test_picture_html_from_processed_image(tmp_path):
    source = _write(tmp_path, "logo.png", _png_with_alpha((300, 200)))
    info = process_image(source, tmp_path / "cache")

    html = picture_html(info, "logo.png", lambda v: v.rel_path, "Logo")

    assert html == ('<picture><source type="image/webp" srcset="logo.300.webp 300w" '
                    'sizes="(min-width: 48rem) 42rem, 100vw"><img src="logo.300.png" '
                    'srcset="logo.300.png 300w" sizes="(min-width: 48rem) 42rem, 100vw" '
                    'width="300" height="200" alt="Logo" loading="lazy" decoding="async">'
                    '</picture>')


def test_camera_multi_picture_jpeg_is_a_photo_not_an_animation(tmp_path):
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (800, 600), (9, 9, 9)), Image.new("RGB", (800, 600))
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    source = _write(tmp_path, "may-anh.jpg", buffer.getvalue())
    with Image.open(source) as image:
        assert image.format == "MPO"

    info = process_image(source, tmp_path / "cache")

    assert [v.rel_path for v in info.variants] == [
        "may-anh.480.jpg", "may-anh.800.jpg", "may-anh.480.webp", "may-anh.800.webp"]


def test_rgb_colour_profile_is_kept_and_others_dropped(tmp_path):
    rgb_profile = bytes(16) + b"RGB " + bytes(108)  # only the header's colour space matters here
    buffer = io.BytesIO()
    Image.new("RGB", (100, 50)).save(buffer, "JPEG", icc_profile=rgb_profile)
    cmyk = io.BytesIO()
    Image.new("CMYK", (100, 50)).save(cmyk, "JPEG", icc_profile=bytes(16) + b"CMYK" + bytes(108))

    kept = process_image(_write(tmp_path, "p3.jpg", buffer.getvalue()), tmp_path / "cache")
    dropped = process_image(_write(tmp_path, "in.jpg", cmyk.getvalue()), tmp_path / "cache")

    assert [_open(v).info.get("icc_profile") for v in kept.variants] == [rgb_profile] * 2
    assert [(_open(v).mode, _open(v).info.get("icc_profile")) for v in dropped.variants] == [
        ("RGB", None)] * 2


def test_no_webp_for_a_side_libwebp_cannot_encode(tmp_path):
    source = _write(tmp_path, "toan-canh.jpg", _jpeg((17000, 20)))

    info = process_image(source, tmp_path / "cache")

    assert [v.rel_path for v in info.variants] == [
        "toan-canh.480.jpg", "toan-canh.960.jpg", "toan-canh.1440.jpg", "toan-canh.17000.jpg",
        "toan-canh.480.webp", "toan-canh.960.webp", "toan-canh.1440.webp"]


def test_variant_names_are_nfc_like_content_paths(tmp_path):
    source = _write(tmp_path, "a\u0300nh.jpg", _jpeg((500, 250)))  # "ành" as macOS writes it

    info = process_image(source, tmp_path / "cache")

    assert info.variants[0].rel_path == "\u00e0nh.480.jpg"
