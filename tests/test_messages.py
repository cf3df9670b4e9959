"""Messages: English in the code, the same messages in every catalogue, shown in the chosen language."""
from __future__ import annotations

import ast
import pickle
import re
import string
import subprocess
import sys

import pytest
from babel.messages.extract import extract_from_dir

from bantin.messages import LOCALE_DIR, Message, _, _n, choose_language, read_catalogue, translate
from bantin.problems import WARNING, Problem, did_you_mean
from conftest import REPO

PACKAGE = REPO / "bantin"
# Modules whose messages are not made with _() yet: none. A new module makes its messages with
# _() from the start; the tests below hold every module to the same rules.
NOT_YET_CONVERTED: set[str] = set()
CONVERTED = sorted(path for path in PACKAGE.glob("*.py") if path.name not in NOT_YET_CONVERTED)


def messages_in_code() -> dict[str, str | None]:
    """{English template: its plural or None}, as `pybabel extract -k _ -k _n:1,2` finds them."""
    found = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")],
            keywords={"_": None, "_n": (1, 2)}):
        singular, plural = message if isinstance(message, tuple) else (message, None)
        found[singular] = plural
    return found


def fields(text: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(text) if name}


CATALOGUES = sorted(LOCALE_DIR.glob("*.po"))


def test_there_is_a_catalogue_for_every_language_but_english():
    assert [path.name for path in CATALOGUES] == ["vi.po"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_every_message_of_the_code_is_in_the_catalogue_and_no_other(path):
    in_code, in_catalogue = set(messages_in_code()), set(read_catalogue(path))

    assert sorted(in_code - in_catalogue) == [], f"missing from {path.name} (see bantin/messages.py)"
    assert sorted(in_catalogue - in_code) == [], f"in {path.name} but not in the code"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_translations_fill_in_the_same_fields(path):
    plurals = messages_in_code()
    for template, forms in read_catalogue(path).items():
        english = fields(template) | fields(plurals.get(template) or "")
        for form in forms:
            assert fields(form) == english, (template, form)


def test_every_module_makes_its_messages_with_the_catalogue_functions():
    """No English left in a Problem by hand: its message and hint come from _() or _n()."""
    offenders = []
    for path in CONVERTED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem":
                texts = node.args[2:4] + [k.value for k in node.keywords if k.arg in ("message", "hint")]
                if any(isinstance(text, (ast.Constant, ast.JoinedStr)) and text.value != ""
                       if isinstance(text, ast.Constant) else isinstance(text, ast.JoinedStr)
                       for text in texts):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_every_problem_has_a_code_for_tools():
    missing = []
    for path in CONVERTED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem" and \
                    len(node.args) < 6 and "code" not in {k.arg for k in node.keywords}:
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_no_module_hides_the_message_function_behind_a_variable_named_underscore():
    for path in CONVERTED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                pytest.fail(f"{path.name}:{node.lineno} assigns to _")


# --- the messages themselves ------------------------------------------------------------------

def test_a_message_is_its_english_text():
    message = _("unknown locality '{value}'", value="Ba Vi x")

    assert message == "unknown locality 'Ba Vi x'"
    assert isinstance(message, str) and message.template == "unknown locality '{value}'"
    assert translate(message, "en") == "unknown locality 'Ba Vi x'"


def test_translated_with_its_values_and_the_messages_inside_it():
    hint = did_you_mean("Khanh Thuong", ["Khánh Thượng", "Khanh Thuong x"])

    assert hint == "did you mean 'Khanh Thuong x' or 'Khánh Thượng'?"
    assert translate(hint, "vi") == "có phải ý bạn là 'Khanh Thuong x' hay 'Khánh Thượng'?"


def test_plural_forms_in_english_one_form_in_vietnamese():
    assert _n("{count} error", "{count} errors", 1) == "1 error"
    assert _n("{count} error", "{count} errors", 2) == "2 errors"
    assert translate(_n("{count} error", "{count} errors", 2), "vi") == "2 lỗi"


def test_vietnamese_writes_decimals_with_a_comma():
    message = _("rebuilt in {seconds:.2f} s; the site did not change.", seconds=0.4242)

    assert message == "rebuilt in 0.42 s; the site did not change."
    assert translate(message, "vi") == "đã dựng lại trong 0,42 giây; trang không thay đổi."


def test_a_message_missing_from_the_catalogue_stays_english():
    assert translate(_("no such message {x}", x=1), "vi") == "no such message 1"
    assert translate("plain text", "vi") == "plain text"


def test_a_message_survives_pickling_with_its_template():
    message = pickle.loads(pickle.dumps(_("unknown key '{key}'", key="tittle")))

    assert translate(message, "vi") == "không có trường 'tittle'"


def test_a_problem_is_shown_in_a_language_but_keeps_its_english():
    problem = Problem("content/a.md", 4, _("unknown locality '{value}'", value="Ba Vi x"),
                      did_you_mean("xa Ba Vi", ["xã Ba Vì"]), WARNING, code="unknown-locality")

    assert problem.format() == ("content/a.md:4: warning: unknown locality 'Ba Vi x' — "
                                "did you mean 'xã Ba Vì'?")
    assert problem.format("vi") == ("content/a.md:4: cảnh báo: không có địa phương 'Ba Vi x' — "
                                    "có phải ý bạn là 'xã Ba Vì'?")
    assert Problem("", None, _("the title is empty")).format("vi") == "lỗi: tiêu đề đang trống"


@pytest.mark.parametrize("option, environ, site, expected", [
    ("en", {"BANTIN_LANG": "vi"}, "vi", "en"),  # --lang first
    (None, {"BANTIN_LANG": "en"}, "vi", "en"),  # then BANTIN_LANG
    (None, {"BANTIN_LANG": "vi_VN.UTF-8"}, "en", "vi"),
    (None, {"LANG": "en_US.UTF-8"}, "vi", "vi"),  # then the site's language, before the system's
    (None, {"LANG": "en_US.UTF-8"}, None, "en"),  # the system's when there is no site.yaml
    (None, {"LANGUAGE": "fr:en", "LANG": "vi_VN.UTF-8"}, None, "en"),  # LANGUAGE is a list
    (None, {"LC_ALL": "C.UTF-8", "LANG": "en_GB"}, None, "en"),  # C names no language
    (None, {"BANTIN_LANG": "fr"}, None, "vi"),  # nothing we speak: Vietnamese
    (None, {}, None, "vi"),
])
def test_choosing_the_language(option, environ, site, expected):
    assert choose_language(option, site, environ) == expected


def test_the_site_language_is_read_only_when_needed():
    def read():
        raise AssertionError("read site.yaml")

    assert choose_language("en", read, {}) == "en"
    assert choose_language(None, lambda: "en", {}) == "en"


def test_english_never_loads_babel_or_a_catalogue():
    code = ("import sys; from bantin.messages import _, translate; "
            "translate(_('x {a}', a=1), 'en'); print('babel' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout == "False\n"


def test_the_catalogue_is_read_from_the_cache_once_written(tmp_path, monkeypatch):
    import bantin.messages as messages

    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    (tmp_path / "vi.po").write_text('msgid "Hide"\nmsgstr "Ẩn"\n', encoding="utf-8")
    messages._catalogue.cache_clear()
    try:
        assert messages._catalogue("vi") == {"Hide": ("Ẩn",)}
        cached = list((tmp_path / "__pycache__").glob("vi-*.json"))
        assert len(cached) == 1
        cached[0].write_text('{"Hide": ["from the cache"]}', encoding="utf-8")
        messages._catalogue.cache_clear()
        assert messages._catalogue("vi") == {"Hide": ("from the cache",)}
        (tmp_path / "vi.po").write_text('msgid "Hide"\nmsgstr "Giấu"\n', encoding="utf-8")
        messages._catalogue.cache_clear()
        assert messages._catalogue("vi") == {"Hide": ("Giấu",)}  # a changed .po is read again
        assert len(list((tmp_path / "__pycache__").glob("vi-*.json"))) == 1
    finally:
        messages._catalogue.cache_clear()


def test_vietnamese_uses_the_guides_words():
    """The words of docs/huong-dan-bien-tap.md, not others for the same things."""
    catalogue = " ".join(form for forms in read_catalogue(LOCALE_DIR / "vi.po").values()
                         for form in forms)
    for word in ("bài", "địa phương", "chủ đề", "bản nháp", "tệp", "dòng", "trường",
                 "thông tin bài"):
        assert word in catalogue
    for other in ("khu vực", "bài đăng", "tập tin", "khoá", "front matter"):
        assert not re.search(rf"\b{other}\b", catalogue), other
