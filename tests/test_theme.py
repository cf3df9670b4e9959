"""Themes: template folders, static files and UI strings, with a parent theme underneath."""
from __future__ import annotations

import pytest

from bantin.problems import BuildError
from bantin.theme import load_theme

CHILD = {
    "themes/child/theme.yaml": "name: child\nparent: default\n",
    "themes/child/templates/article.html": "{% extends 'default/article.html' %}",
    "themes/child/i18n/vi.yaml": "nav_home: Nhà\n",
    "themes/child/static/css/site.css": "/* child */",
    "themes/child/static/js/menu.js": "// menu",
    "themes/child/static/.hidden": "x",
}


def _problems(project, name="default", language="vi"):
    with pytest.raises(BuildError) as caught:
        load_theme(project, name, language)
    return [p.format() for p in caught.value.problems]


def test_default_theme(make_project):
    project = make_project()

    theme = load_theme(project, "default", "vi")

    assert theme.name == "default"
    assert theme.chain == (("default", project / "themes" / "default"),)
    assert theme.strings["nav_home"] == "Trang chủ"
    assert theme.strings["format_date_long"] == "EEEE, dd/MM/yyyy"
    assert theme.static_files() == {"css/site.css": project / "themes/default/static/css/site.css",
                                    "img/favicon.svg": project / "themes/default/static/img/favicon.svg",
                                    "js/search.js": project / "themes/default/static/js/search.js"}


def test_english_strings(make_project):
    theme = load_theme(make_project(), "default", "en")

    assert theme.strings["nav_home"] == "Home"
    assert theme.strings["article_count"] == {"one": "{count} article", "other": "{count} articles"}


def test_vi_and_en_have_the_same_keys(make_project):
    project = make_project()

    assert set(load_theme(project, "default", "vi").strings) == \
        set(load_theme(project, "default", "en").strings)


def test_child_theme_over_its_parent(make_project):
    project = make_project(CHILD)

    theme = load_theme(project, "child", "vi")

    assert theme.chain == (("child", project / "themes/child"), ("default", project / "themes/default"))
    assert theme.strings["nav_home"] == "Nhà"  # the child's
    assert theme.strings["nav_topics"] == "Chủ đề"  # the parent's
    assert theme.static_files() == {"css/site.css": project / "themes/child/static/css/site.css",
                                    "img/favicon.svg": project / "themes/default/static/img/favicon.svg",
                                    "js/menu.js": project / "themes/child/static/js/menu.js",
                                    "js/search.js": project / "themes/default/static/js/search.js"}


def test_theme_not_found_lists_the_themes_there(make_project):
    assert _problems(make_project(), "defualt") == [
        "site.yaml: theme 'defualt' not found (no themes/defualt/ with templates/, static/, i18n/ or theme.yaml) — themes here: default"]


def test_no_themes_folder(make_project):
    assert _problems(make_project(theme=False)) == [
        "site.yaml: theme 'default' not found (no themes/default/ with templates/, static/, i18n/ or theme.yaml) — set `theme:` in site.yaml"]


def test_parent_not_found_names_the_child_theme_file(make_project):
    project = make_project({"themes/child/theme.yaml": "parent: nope\n",
                            "themes/child/templates/article.html": "x"})

    assert _problems(project, "child") == [
        "themes/child/theme.yaml: theme 'nope' not found (no themes/nope/ with templates/, static/, i18n/ or theme.yaml) — "
        "themes here: child, default"]


def test_themes_that_are_each_others_parent(make_project):
    project = make_project({"themes/a/theme.yaml": "parent: b\n", "themes/a/templates/x.html": "",
                            "themes/b/theme.yaml": "parent: a\n", "themes/b/templates/x.html": ""})

    assert _problems(project, "a") == ["themes/a/theme.yaml: theme 'a' is its own ancestor"]


def test_unknown_key_in_theme_yaml_with_did_you_mean(make_project):
    project = make_project({"themes/child/theme.yaml": "name: child\nparnet: default\n",
                            "themes/child/templates/article.html": "x"})

    assert _problems(project, "child") == [
        "themes/child/theme.yaml:2: unknown key 'parnet' — did you mean 'parent'?"]


def test_bad_yaml_in_strings(make_project):
    project = make_project({**CHILD, "themes/child/i18n/vi.yaml": "nav_home: Nhà\nnav_topics: [\n"})

    [line] = _problems(project, "child")
    assert line.startswith("themes/child/i18n/vi.yaml:3: invalid YAML: ")


@pytest.mark.parametrize("parent", ["[default]", "../../content", "'..'"])
def test_parent_that_is_not_a_theme_name_is_a_problem(make_project, parent):
    project = make_project({"themes/child/theme.yaml": f"name: child\nparent: {parent}\n",
                            "themes/child/templates/article.html": "x"})

    [line] = _problems(project, "child")
    assert line.startswith("themes/child/theme.yaml:2: 'parent' must be the name of a folder in themes/")


def test_ui_string_that_is_not_text_is_a_problem_on_its_line(make_project):
    project = make_project({**CHILD, "themes/child/i18n/vi.yaml": "nav_home: Nhà\n"
                                                                  "format_date_short: [dd, MM]\n"})

    assert _problems(project, "child") == [
        "themes/child/i18n/vi.yaml:2: UI string 'format_date_short' must be text, or `one:` and "
        "`other:` texts — write it as `format_date_short: \"…\"`"]


def test_static_file_linked_from_outside_the_project_is_never_published(make_project, tmp_path):
    project = make_project(CHILD)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (project / "themes/child/static/leak.txt").symlink_to(secret)
    (project / "themes/child/static/site-copy.css").symlink_to(project / "themes/child/static/css/site.css")

    assert _problems(project, "child") == [
        "themes/child/static/leak.txt: symbolic link points outside the project — files from "
        "outside the project are never published; copy it into the theme"]
    (project / "themes/child/static/leak.txt").unlink()
    files = load_theme(project, "child", "vi").static_files()
    assert "site-copy.css" in files  # a link inside the project is fine


def test_a_theme_of_only_static_files_and_strings_over_a_parent(make_project):
    # git keeps no empty folder: a fresh clone of such a theme has no templates/ at all.
    project = make_project({"themes/xanh/theme.yaml": "parent: default\n",
                            "themes/xanh/static/css/site.css": "body { color: green }",
                            "themes/xanh/i18n/vi.yaml": "nav_home: Nhà\n"})

    theme = load_theme(project, "xanh", "vi")

    assert [name for name, _folder in theme.chain] == ["xanh", "default"]
    assert theme.strings["nav_home"] == "Nhà"
    assert theme.static_files()["css/site.css"] == project / "themes/xanh/static/css/site.css"


def test_a_site_builds_with_a_theme_that_has_no_templates_folder(make_project):
    from bantin.pipeline import build_site
    from conftest import BUILD_TIME, MINIMAL_SITE_YAML

    project = make_project({"site.yaml": MINIMAL_SITE_YAML + "theme: xanh\n",
                            "themes/xanh/theme.yaml": "parent: default\n",
                            "themes/xanh/static/css/site.css": "body { color: green }"})

    result = build_site(project, build_time=BUILD_TIME, write=False)

    pages = {page.url: page.content for page in result.pages}
    assert b"<html" in pages[""]
    assert {f.url: f.source_path for f in result.files}["assets/css/site.css"] == \
        project / "themes/xanh/static/css/site.css"


def test_a_theme_without_templates_needs_a_parent(make_project):
    project = make_project({"themes/xanh/static/css/site.css": "x"})

    assert _problems(project, "xanh") == [
        "themes/xanh: theme 'xanh' has no templates/ and no parent theme — name the theme it "
        "changes with `parent: default` in its theme.yaml, or give it a templates/ folder"]


def test_an_empty_folder_is_no_theme(make_project):
    project = make_project()
    (project / "themes" / "trong").mkdir()

    assert _problems(project, "trong") == [
        "site.yaml: theme 'trong' not found (no themes/trong/ with templates/, static/, i18n/ or "
        "theme.yaml) — themes here: default"]
