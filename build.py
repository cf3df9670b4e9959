#!/usr/bin/env python3
"""Bản tin: build the civic news site in this folder. `python build.py --help` for more."""
import os
import sys

# A missing setup gets one or two lines of advice, not a traceback. This runs before anything
# is imported and uses syntax any Python 3 reads. Its few words cannot come from the message
# catalogues (bantin/locale/), since reading those needs what may be missing.
MINIMUM_PYTHON = (3, 11)
REQUIRED_MODULES = ("markdown", "jinja2", "yaml", "slugify", "babel", "PIL", "nh3", "tzdata",
                    "watchfiles")  # requirements.txt, by the names they are imported by
SETUP_MESSAGES = {
    "old_python": {
        "vi": "Bản tin cần Python {minimum} trở lên; lệnh này đang chạy Python {found}.\n"
              "Cài Python mới: {install}",
        "en": "Bản tin needs Python {minimum} or newer; this is Python {found}.\n"
              "Install a newer one: {install}",
    },
    "missing": {
        "vi": "Python này chưa có các gói Bản tin cần ({names}). Cài chúng bằng lệnh:\n{command}",
        "en": "This Python lacks the packages Bản tin needs ({names}). Install them with:\n"
              "{command}",
    },
    "use_venv": {
        "vi": "Python này chưa có các gói Bản tin cần ({names}), nhưng môi trường ảo .venv có "
              "sẵn. Chạy bằng lệnh:\n{command}",
        "en": "This Python lacks the packages Bản tin needs ({names}), but the virtual "
              "environment .venv is here. Run:\n{command}",
    },
}
INSTALL_PYTHON = {
    "win32": "winget install -e --id Python.Python.3.12  (https://www.python.org/downloads/)",
    "darwin": "brew install python@3.12  (https://www.python.org/downloads/)",
    "linux": "sudo apt install python3 python3-venv  (https://www.python.org/downloads/)",
}


def setup_problem(version=None, missing=None, platform=None, here=None, in_venv=None):
    """The advice for a Python that cannot run Bản tin, or None when it can."""
    version = sys.version_info[:2] if version is None else version
    platform = sys.platform if platform is None else platform
    here = os.path.dirname(os.path.abspath(__file__)) if here is None else here
    language = _language(here)
    if tuple(version) < MINIMUM_PYTHON:
        return SETUP_MESSAGES["old_python"][language].format(
            minimum="%d.%d" % MINIMUM_PYTHON, found="%d.%d" % tuple(version),
            install=INSTALL_PYTHON.get(platform, INSTALL_PYTHON["linux"]))
    if missing is None:
        import importlib.util
        missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    names = ", ".join(missing)
    windows = platform == "win32"
    venv_parts = (".venv", "Scripts", "python.exe") if windows else (".venv", "bin", "python")
    venv_python = ("\\" if windows else "/").join(venv_parts)
    in_venv = sys.prefix != sys.base_prefix if in_venv is None else in_venv
    if not in_venv and os.path.isfile(os.path.join(here, *venv_parts)):
        arguments = " ".join(_quote(arg, windows) for arg in sys.argv[1:])
        command = ("%s build.py %s" % (venv_python, arguments)).strip()
        return SETUP_MESSAGES["use_venv"][language].format(names=names, command=command)
    python = _python_command(windows)
    command = "%s -m pip install -r %s" % (python, _quote(os.path.join(here, "requirements.txt")
                                                          if os.getcwd() != here
                                                          else "requirements.txt", windows))
    return SETUP_MESSAGES["missing"][language].format(names=names, command=command)


def _python_command(windows):
    """How to run this very Python: its name when the PATH finds it by that name, else its path."""
    import shutil

    name = os.path.splitext(os.path.basename(sys.executable))[0]
    found = shutil.which(name)
    if found and os.path.normcase(os.path.realpath(found)) == \
            os.path.normcase(os.path.realpath(sys.executable)):
        return name
    return _quote(sys.executable, windows)


def _language(here):
    """BANTIN_LANG, else the `language:` of site.yaml (read as plain text), else Vietnamese."""
    chosen = os.environ.get("BANTIN_LANG", "")[:2].lower()
    if chosen in ("vi", "en"):
        return chosen
    try:
        with open(os.path.join(here, "site.yaml"), encoding="utf-8") as file:
            for line in file:
                if line.startswith("language:") and line.split(":", 1)[1].strip(" '\"\n") == "en":
                    return "en"
    except (OSError, UnicodeError):
        pass
    return "vi"


def _quote(text, windows):
    if not text or any(c in text for c in " &()'\"") or (not windows and "\\" in text):
        return '"%s"' % text
    return text


if __name__ == "__main__":
    advice = setup_problem()
    if advice:
        sys.stderr.write(advice + "\n")
        sys.exit(1)
    from bantin.cli import main

    sys.exit(main())
