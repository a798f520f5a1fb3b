import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_import(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run([sys.executable, "-c", "import portal.settings"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, check=False)


def test_secret_key_is_required_outside_debug():
    result = _settings_import({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_runs_without_secret_key():
    assert _settings_import({"DEBUG": "1"}).returncode == 0


def test_bad_boolean_fails_loudly():
    result = _settings_import({"DEBUG": "1", "CONN_MAX_AGE": "sixty"})
    assert result.returncode != 0


def test_migration_check_runs_on_a_fresh_checkout_without_secret_key():
    """`manage.py makemigrations --check` signs nothing, so it needs no SECRET_KEY (serving still does)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT,
                            env=clean, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert _settings_import({"DEBUG": "0"}).returncode != 0, "importing the settings to serve still refuses"
