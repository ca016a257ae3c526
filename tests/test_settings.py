"""Deployment settings: production values pass `check --deploy`; SQLite runs in WAL mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7!kq2#Lr9@vT4$wZ8^mN1&pB6*eH3(uJ5)yC0-gD8+fS2=aQ7_rK4%tM9",
        DEBUG="false",
        ALLOWED_HOSTS="console.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_about_a_missing_secret_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.parametrize("named_by", ["SQLITE_PATH", "DATABASE_URL"])
def test_sqlite_gets_wal_immediate_and_a_busy_timeout_however_it_is_named(tmp_path, named_by):
    """Issue 9, defect 1: `DATABASE_URL=sqlite:///...` used to drop the tuning, and 16 clients
    got `database is locked` 500s."""
    path = tmp_path / "tuned.sqlite3"
    env = {"SQLITE_PATH": str(path), "DATABASE_URL": ""} if named_by == "SQLITE_PATH" else {}
    if named_by == "DATABASE_URL":
        env["DATABASE_URL"] = f"sqlite:///{path}"
    code = (
        "from django.db import connection as c; cur = c.cursor(); "
        "print(cur.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.transaction_mode, c.settings_dict['OPTIONS']['timeout'], c.settings_dict['NAME'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **env)
    assert result.stdout.split() == ["wal", "IMMEDIATE", "20", str(path)], (
        result.stdout + result.stderr
    )
