"""No English in the Chinese UI (issue 12): every string the code and templates mark for
translation has a zh-hans translation in the catalog, and no translation is fuzzy."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def sources() -> list[Path]:
    """What makemessages reads: every top-level Python package but the tests, the templates."""
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    return [*packages, ROOT / "templates", ROOT / "manage.py"]


def entries(po: str) -> dict[tuple[str, str], str]:
    """(msgctxt, msgid) -> msgstr of every entry but the header, plural forms joined."""

    def text(block: str, keyword: str) -> str:
        match = re.search(rf'^{keyword} ((?:".*"\n?)+)', block, re.M)
        if not match:
            return ""
        return "".join(re.findall(r'"(.*)"', match.group(1)))

    found = {}
    for block in po.split("\n\n"):
        if block.startswith("#~") or "msgid" not in block:
            continue
        msgid = text(block, "msgid")
        if not msgid:
            continue
        msgstr = text(block, "msgstr") or text(block, r"msgstr\[0\]")
        if re.search(r"^#,.*\bfuzzy\b", block, re.M):
            msgstr = ""  # a guess by msgmerge, never shown
        found[(text(block, "msgctxt"), msgid)] = msgstr
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple[str, str], str]:
    """The catalog as `makemessages` would write it from today's code, made in a copy of the
    sources so the project's own catalog is never touched."""
    copy = tmp_path_factory.mktemp("messages")
    for source in sources():
        if source.is_dir():
            shutil.copytree(
                source, copy / source.name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, copy / source.name)
    (copy / CATALOG.parent).mkdir(parents=True)
    shutil.copy(ROOT / CATALOG, copy / CATALOG)
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return entries((copy / CATALOG).read_text())


def test_every_marked_string_has_a_chinese_translation(extracted):
    missing = sorted(msgid for (_, msgid), msgstr in extracted.items() if not msgstr)
    assert not missing, f"{len(missing)} strings have no zh-hans translation: {missing[:20]}"


def test_no_translation_is_fuzzy():
    po = (ROOT / CATALOG).read_text()
    header_end = po.index("\n\n")
    assert "#, fuzzy" not in po[header_end:], "a fuzzy translation is not shown: review it"


def test_the_check_finds_a_missing_translation(tmp_path):
    """The parser sees an empty translation (so the check above can fail)."""
    po = (
        'msgid ""\nmsgstr ""\n\nmsgid "Shown"\nmsgstr "显示"\n\nmsgid "Forgotten"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "猜"\n'
    )
    assert entries(po) == {("", "Shown"): "显示", ("", "Forgotten"): "", ("", "Guessed"): ""}
