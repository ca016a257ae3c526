"""Access-key secrets at rest (issue 9, defect 4): ACCESS_KEY_ENCRYPTION_KEY is read, a list
rotates (new key first, old keys still decrypt), and `rotate_access_key_secrets` re-encrypts
every secret with the first key, after which the old keys can go."""

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.test import override_settings

from console.tenancy import operations as ops
from console.tenancy.models import AccessKey, User
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-4c1b7e0f9d2a", "new-key-8e3f5a6b1c7d"


def new_key(username="a-admin"):
    key, secret = ops.create_access_key(User.objects.get(username=username))
    return key.pk, secret


def secret_of(pk):
    return AccessKey.objects.get(pk=pk).secret


def rotate():
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_access_key_secrets", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_setting_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.ACCESS_KEY_ENCRYPTION_KEY)"
    result = run_manage(
        "shell", "--no-imports", "-c", code, ACCESS_KEY_ENCRYPTION_KEY=f"{NEW}, {OLD}"
    )
    assert result.stdout.strip() == str([NEW, OLD]), result.stderr


def test_a_rotation_keeps_old_secrets_working_until_the_command_moves_them(demo_data):
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[OLD]):
        pk, secret = new_key()
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW]), pytest.raises(InvalidToken):
        secret_of(pk)  # the old key removed too early: refused
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW, OLD]):
        assert secret_of(pk) == secret  # new first, old still decrypts
        out, err = rotate()
        assert "Re-encrypted 1 " in out and not err
        assert rotate()[0].startswith("Re-encrypted 0 ")  # idempotent
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW]):
        assert secret_of(pk) == secret  # the old key can go now
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[OLD]), pytest.raises(InvalidToken):
        secret_of(pk)


def test_changing_secret_key_keeps_keys_when_the_encryption_key_is_set(demo_data):
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW], SECRET_KEY="first-secret-key"):
        pk, secret = new_key()
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW], SECRET_KEY="second-secret-key"):
        assert secret_of(pk) == secret


def test_without_the_setting_secret_key_fallbacks_still_decrypt(demo_data):
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[], SECRET_KEY="first-secret-key"):
        pk, secret = new_key()
    with (
        override_settings(
            ACCESS_KEY_ENCRYPTION_KEY=[], SECRET_KEY="second-secret-key", SECRET_KEY_FALLBACKS=[]
        ),
        pytest.raises(InvalidToken),
    ):
        secret_of(pk)  # SECRET_KEY replaced outright: the old secrets are lost
    with override_settings(
        ACCESS_KEY_ENCRYPTION_KEY=[],
        SECRET_KEY="second-secret-key",
        SECRET_KEY_FALLBACKS=["first-secret-key"],
    ):
        assert secret_of(pk) == secret  # rotated the Django way
        assert "Re-encrypted 1 " in rotate()[0]
    with override_settings(
        ACCESS_KEY_ENCRYPTION_KEY=[], SECRET_KEY="second-secret-key", SECRET_KEY_FALLBACKS=[]
    ):
        assert secret_of(pk) == secret


def test_setting_the_encryption_key_for_the_first_time_loses_no_key(demo_data):
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[]):
        pk, secret = new_key()
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW]):
        assert secret_of(pk) == secret  # still decrypted by the SECRET_KEY-derived key
        assert "Re-encrypted 1 " in rotate()[0]
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW], SECRET_KEY="another-secret-key"):
        assert secret_of(pk) == secret


def test_a_secret_no_key_decrypts_is_named_and_the_others_are_still_rotated(demo_data):
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[OLD]):
        lost_pk, _ = new_key("a-admin")
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=["third-key-0a9b8c7d"]):
        kept_pk, kept = new_key("b-admin")
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW, "third-key-0a9b8c7d"]):
        out, err = rotate()
        assert "Re-encrypted 1 " in out
        assert AccessKey.objects.get(pk=lost_pk).access_key_id in err
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=[NEW]):
        assert secret_of(kept_pk) == kept
