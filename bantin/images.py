"""Responsive article images: a few widths in the original format and in WebP, cached by content.

`process_image` is a pure function of an image file's bytes and the settings below, apart from
the cache folder it reads and fills; `picture_html` turns its answer into markup. The cache is
keyed by the file's SHA-256 and the settings (Pillow and codec versions included), so the same
image gives the same bytes whether or not the cache was warm, and an unchanged image costs one
hash and a few stats per build, never a decode.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import math
import os
import re
import secrets
import struct
import warnings
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import PIL
from markupsafe import Markup
from PIL import Image, ImageOps, features

from .text import nfc

WIDTHS = (480, 960, 1440)  # target widths; narrower images keep only their own width
RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
SVG_SUFFIX = ".svg"
DEFAULT_SIZES = "(min-width: 48rem) 42rem, 100vw"  # the theme's article column
SETTINGS_VERSION = 1  # bump when processing changes in a way _ENCODER_OPTIONS does not show

WEBP_MIME = "image/webp"
_WEBP_MAX_SIDE = 16383  # libwebp cannot encode a larger side; such widths get no WebP
# Pillow format → (file extension, MIME type) of what we write.
_OUTPUT = MappingProxyType({"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                            "WEBP": ("webp", WEBP_MIME)})
_FORMAT_BY_MIME = MappingProxyType({mime: name for name, (_suffix, mime) in _OUTPUT.items()})
# What each readable format is resized into. A still GIF becomes PNG: resampling leaves far
# more than 256 colours, which PNG keeps losslessly. MPO is how Pillow opens the multi-picture
# JPEGs many cameras write; its first picture is the photo.
_RESIZED_AS = MappingProxyType({"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP",
                                "GIF": "PNG"})
_OPENED = ("JPEG", "PNG", "WEBP", "GIF")  # Pillow's JPEG opener also returns MPO
_ANIMATABLE = ("GIF", "PNG", "WEBP")  # an animation is published as it is
_ENCODER_OPTIONS = MappingProxyType({
    "JPEG": MappingProxyType({"quality": 82, "progressive": True, "optimize": True}),
    "PNG": MappingProxyType({"optimize": True}),
    "WEBP": MappingProxyType({"quality": 80, "method": 4}),
})
# Everything besides the file's bytes that decides a cached file's bytes. Codec versions are in
# it because a new libjpeg or libwebp encodes differently: a stale cache would break the promise
# that the same input gives byte-identical output.
_CACHE_SALT = json.dumps({
    "version": SETTINGS_VERSION, "resample": "LANCZOS",
    "encoders": {name: dict(options) for name, options in _ENCODER_OPTIONS.items()},
    "pillow": PIL.__version__, "libjpeg": features.version("jpg"),
    "libwebp": features.version("webp"), "zlib": features.version("zlib"),
}, sort_keys=True)
# What Pillow raises for a file it cannot decode: not an image, truncated, corrupt, too large.
_UNREADABLE = (OSError, ValueError, EOFError, SyntaxError, struct.error,
               Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Variant:
    """One resized copy of an image, published beside the original."""

    rel_path: str  # relative to the image's own published folder: "bieu-do.480.webp"
    width: int
    height: int
    mime: str  # "image/webp", "image/jpeg", "image/png"
    cache_path: Path  # the file in the cache folder holding its bytes


@dataclass(frozen=True)
class ImageInfo:
    width: int  # intrinsic size of the original, after its EXIF orientation
    height: int
    # The original format at each width, then WebP at each width (a WebP original: once);
    # empty for SVG and for animations, which are published as they are.
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class _Facts:
    """What decoding an image tells; its variants follow from these and its hash alone."""

    width: int
    height: int
    resized_as: str | None  # Pillow format of the resized copies; None for an animation


def process_image(source_path: Path, cache_dir: Path) -> ImageInfo | None:
    """The image's size and resized variants, made in (or found in) cache_dir; None if unreadable.

    An SVG counts as unreadable when it is not UTF-8, declares entities (any DOCTYPE with an
    internal subset), or has neither a usable width/height nor a viewBox; a raster image when
    Pillow cannot decode all of it as JPEG, PNG, WebP or GIF, or when it has more pixels than
    `PIL.Image.MAX_IMAGE_PIXELS` (a decompression bomb).
    """
    try:
        data = source_path.read_bytes()
    except OSError:
        return None
    if source_path.suffix.lower() == SVG_SUFFIX:
        size = _svg_size(data)
        return None if size is None else ImageInfo(size[0], size[1], ())
    source_digest = hashlib.sha256(data).hexdigest()
    stem = nfc(source_path.stem)
    facts_path = cache_dir / f"{_cache_key(source_digest, 'facts')}.json"
    facts = _read_facts(facts_path)
    if facts is not None:
        info = _plan_variants(facts, stem, source_digest, cache_dir)
        if all(variant.cache_path.is_file() for variant in info.variants):
            return info
    decoded = _decode(data)
    if decoded is None:
        return None
    image, icc_profile, facts = decoded
    info = _plan_variants(facts, stem, source_digest, cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _make_variants(image, icc_profile, info.variants)
    # Written last: a facts file promises that its variants were made.
    write_atomically(facts_path, json.dumps(
        {"width": facts.width, "height": facts.height, "resized_as": facts.resized_as},
        sort_keys=True).encode())
    return info


def picture_html(info: ImageInfo, src_url: str, variant_url: Callable[[Variant], str], alt: str,
                 sizes: str = DEFAULT_SIZES, lazy: bool = True) -> Markup:
    """A <picture> offering WebP first, or a plain <img> for an image without variants.

    `src_url` links the original (used only when there are no variants); `variant_url` links a
    variant. width and height are always given, so the page does not jump as images load.
    """
    fallback = [v for v in info.variants if v.mime != WEBP_MIME] or list(info.variants)
    webp = [v for v in info.variants if v.mime == WEBP_MIME and v not in fallback]
    img = {"src": variant_url(max(fallback, key=lambda v: v.width)) if fallback else src_url}
    if fallback:
        img |= {"srcset": _srcset(fallback, variant_url), "sizes": sizes}
    img |= {"width": info.width, "height": info.height, "alt": alt}
    if lazy:
        img["loading"] = "lazy"
    img["decoding"] = "async"
    if not webp:
        return _tag("img", img)
    source = _tag("source", {"type": WEBP_MIME, "srcset": _srcset(webp, variant_url),
                             "sizes": sizes})
    return Markup("<picture>{}{}</picture>").format(source, _tag("img", img))


def remote_image_html(src_url: str, alt: str, lazy: bool = True) -> Markup:
    """An <img> of an image on another site: shown as it is there, its size unknown here."""
    img = {"src": src_url, "alt": alt}
    if lazy:
        img["loading"] = "lazy"
    img["decoding"] = "async"
    return _tag("img", img)


def _widths(original_width: int) -> list[int]:
    """Never upscale; the original width is always offered."""
    return sorted({w for w in WIDTHS if w < original_width} | {original_width})


def _plan_variants(facts: _Facts, stem: str, source_digest: str, cache_dir: Path) -> ImageInfo:
    if facts.resized_as is None:
        return ImageInfo(facts.width, facts.height, ())
    formats = [facts.resized_as] + (["WEBP"] if facts.resized_as != "WEBP" else [])
    variants = []
    for format_name in formats:
        extension, mime = _OUTPUT[format_name]
        for width in _widths(facts.width):
            height = max(1, round(facts.height * width / facts.width))
            if format_name == "WEBP" and max(width, height) > _WEBP_MAX_SIDE:
                continue
            cache_name = f"{_cache_key(source_digest, format_name, width)}.{extension}"
            variants.append(Variant(f"{stem}.{width}.{extension}", width, height, mime,
                                    cache_dir / cache_name))
    return ImageInfo(facts.width, facts.height, tuple(variants))


def _cache_key(source_digest: str, *parts) -> str:
    return hashlib.sha256("\0".join([source_digest, _CACHE_SALT, *map(str, parts)])
                          .encode()).hexdigest()


def _read_facts(facts_path: Path) -> _Facts | None:
    """The cached facts, or None when missing or not as we write them (then we decode again)."""
    try:
        raw = json.loads(facts_path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    width, height, resized_as = raw.get("width"), raw.get("height"), raw.get("resized_as")
    if type(width) is not int or type(height) is not int or width < 1 or height < 1:
        return None
    if resized_as is not None and resized_as not in _OUTPUT:
        return None
    return _Facts(width, height, resized_as)


def _decode(data: bytes) -> tuple[Image.Image, bytes | None, _Facts] | None:
    """(upright image in a mode our encoders take, its RGB ICC profile, facts), or None."""
    try:
        with warnings.catch_warnings():
            # Over MAX_IMAGE_PIXELS Pillow only warns (over twice that it raises): refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these formats: Pillow's other plugins are needless attack surface (EPS even
            # runs Ghostscript).
            image = Image.open(io.BytesIO(data), formats=_OPENED)
            is_animated = image.format in _ANIMATABLE and getattr(image, "is_animated", False)
            image.load()  # decodes the whole (first) picture: a truncated file fails here
            if is_animated:
                return image, None, _Facts(image.width, image.height, None)
            resized_as = _RESIZED_AS[image.format]
            icc_profile = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
    except _UNREADABLE:
        return None
    # Colour profiles are kept (dropping one shifts a wide-gamut photo's colours), but only an
    # RGB one: a CMYK or grey profile would not describe the RGB pixels we write.
    if not (isinstance(icc_profile, bytes) and icc_profile[16:20] == b"RGB "):
        icc_profile = None
    image = _encodable(image)
    image.info = {}  # EXIF, XMP, text chunks, comments: none of it is published
    return image, icc_profile, _Facts(image.width, image.height, resized_as)


def _encodable(image: Image.Image) -> Image.Image:
    """The image in RGB, RGBA, L or LA: alpha (and colour-keyed transparency) kept."""
    mode = image.mode
    if mode in ("RGBA", "LA") or (mode in ("RGB", "L") and "transparency" not in image.info):
        return image
    if mode == "I" or mode.startswith("I;16"):  # a 16-bit grey PNG: scale to 8 bits, not clip
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if mode in ("1", "F"):
        return image.convert("L")
    has_alpha = mode in ("RGBa", "La", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _make_variants(image: Image.Image, icc_profile: bytes | None, variants) -> None:
    """Resize and encode each variant whose cached file is missing, once per width."""
    missing = [v for v in variants if not v.cache_path.is_file()]
    for width in sorted({v.width for v in missing}):
        group = [v for v in missing if v.width == width]
        resized = image
        if width != image.width:
            resized = image.resize((width, group[0].height), Image.Resampling.LANCZOS)
        for variant in group:
            write_atomically(variant.cache_path,
                              _encode(resized, _FORMAT_BY_MIME[variant.mime], icc_profile))


def _encode(image: Image.Image, format_name: str, icc_profile: bytes | None) -> bytes:
    options = dict(_ENCODER_OPTIONS[format_name])
    if icc_profile is not None and image.mode in ("RGB", "RGBA"):
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader sees the old file or the whole new one."""
    temp_path = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    # os.open rather than mkstemp: mkstemp's 0600 would follow the file into the published site.
    descriptor = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # else a crash can leave an empty file under the final name
        os.replace(temp_path, path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


# --- SVG ---------------------------------------------------------------------------------------

_SVG_TAGS = ("svg", "{http://www.w3.org/2000/svg}svg")
# Any "<!" other than a comment, CDATA, or a DOCTYPE without an internal subset ("[ … ]"): that
# subset is the only place entities can be declared (billion laughs), and ElementTree never
# fetches an external DTD, so the plain SVG 1.1 DOCTYPE illustration software writes is harmless.
_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|DOCTYPE[^\[<>]*>)")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")
_PX_PER_UNIT = MappingProxyType({None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0,
                                 "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0})


def _svg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels from width/height, else from the viewBox; None if unsafe."""
    # UTF-8 (or ASCII) without NUL bytes: then "<!" is visible to the check below in the same
    # bytes the parser reads, whatever encoding the XML declaration claims.
    if b"\0" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _DECLARATION.search(text):
        return None
    try:
        root = etree.fromstring(data)
    except (etree.ParseError, ValueError):
        return None
    if root.tag not in _SVG_TAGS:
        return None
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    view_box = _view_box(root.get("viewBox"))
    if view_box is not None:
        if width is None and height is None:
            width, height = view_box
        elif width is None:
            width = height * view_box[0] / view_box[1]
        elif height is None:
            height = width * view_box[1] / view_box[0]
    if width is None or height is None:
        return None
    return max(1, round(width)), max(1, round(height))


def _svg_length(value: str | None) -> float | None:
    """An absolute length in pixels; None for missing, relative (%, em) or zero lengths."""
    match = _LENGTH.fullmatch(value or "")
    if match is None:
        return None
    pixels = float(match[1]) * _PX_PER_UNIT[match[2]]
    return pixels if 0 < pixels < math.inf else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    return (width, height) if 0 < width < math.inf and 0 < height < math.inf else None


# --- HTML --------------------------------------------------------------------------------------

def _srcset(variants, variant_url: Callable[[Variant], str]) -> str:
    return ", ".join(f"{_srcset_url(variant_url(v))} {v.width}w" for v in variants)


def _srcset_url(url: str) -> str:
    """Percent-encode what would split a srcset candidate: whitespace and commas."""
    return re.sub(r"[\t\n\f\r ,]", lambda match: f"%{ord(match[0]):02X}", url)


def _tag(name: str, attributes: dict) -> Markup:
    html = Markup("<") + name
    for key, value in attributes.items():
        html += Markup(' {}="{}"').format(key, value)
    return html + Markup(">")


_IMG_TAG = re.compile(r"<img\s([^>]*)>")
_ALONE_IN_PARAGRAPH = re.compile(r"<p>\s*(<img\s[^>]*>)\s*</p>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def replace_images(body: str, picture_for: Callable[[str, str], Markup | None]) -> str:
    """Upgrade the <img> tags of sanitised article HTML to responsive pictures.

    `picture_for(src, alt)` gives the markup for a local image, or None to leave the tag. An
    image alone in its paragraph becomes a <figure>, its Markdown title the caption. Runs on
    the sanitiser's output, whose attribute quoting is regular, so a pattern is enough.
    """
    def attributes(tag: str) -> dict[str, str]:
        return {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(tag)}

    def picture(values: dict[str, str]) -> Markup | None:
        return picture_for(values.get("src", ""), values.get("alt", ""))

    def figure(match: re.Match) -> str:
        values = attributes(match.group(1))
        replaced = picture(values)
        if replaced is None:
            return match.group(0)
        title = values.get("title", "")
        caption = Markup("<figcaption>{}</figcaption>").format(title) if title else ""
        return f"<figure>{replaced}{caption}</figure>"

    body = _ALONE_IN_PARAGRAPH.sub(figure, body)
    return _IMG_TAG.sub(lambda m: picture(attributes(m.group(0))) or m.group(0), body)
