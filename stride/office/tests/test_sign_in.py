"""Staff sign in with a password and a second factor, are locked out after repeated
failures, and are signed out when idle; the admin is behind the same door."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stride.office import checks, demo
from stride.office.middleware import SEEN_KEY
from stride.office.models import AuditEvent, StaffProfile

PASSWORD = "a-long-test-password"


def _code(device: Any, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def rosa(db):
    user = get_user_model().objects.create_user("rosa", "rosa@example.org", PASSWORD)
    StaffProfile.objects.create(user=user, role="reception")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def _sign_in(client: Client, code: str, password: str = PASSWORD, username: str = "rosa"):
    return client.post("/office/login/", {"username": username, "password": password,
                                          "code": code, "next": "/office/diary/"})  # fmt: skip


def test_the_sign_in_page_is_private(client, db):
    response = client.get("/office/login/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Code from your authenticator app" in response.content.decode()


def test_password_and_code_sign_in_and_are_audited(client, rosa, demo_clinic):
    user, device = rosa
    response = _sign_in(client, _code(device))
    assert response.status_code == 302 and response["Location"] == "/office/diary/"
    assert client.get("/office/diary/").status_code == 200
    assert AuditEvent.objects.filter(actor=user.pk, action="staff.sign_in").exists()


@pytest.mark.parametrize("code", ["", "000000", "12345678"])
def test_a_missing_or_wrong_code_is_refused_with_the_same_words(client, rosa, code):
    _, device = rosa
    if code == "000000" and _code(device) == code:
        code = "111111"
    response = _sign_in(client, code)
    assert response.status_code == 400
    assert "The username, password or code is not right." in response.content.decode()
    assert client.get("/office/diary/").status_code == 302  # still signed out


def test_someone_without_a_staff_role_cannot_sign_in(client, db):
    get_user_model().objects.create_user("pat", "pat@example.org", PASSWORD)
    response = _sign_in(client, "123456", username="pat")
    assert response.status_code == 400


def test_five_wrong_passwords_lock_the_account(client, rosa):
    _, device = rosa
    for _ in range(4):
        assert _sign_in(client, _code(device), password="wrong").status_code == 400
    assert _sign_in(client, _code(device), password="wrong").status_code == 429  # the fifth
    locked = _sign_in(client, _code(device))  # the right password, too late
    assert locked.status_code == 429
    assert "locked" in locked.content.decode()


def test_wrong_codes_count_towards_the_lock_too(client, rosa):
    _, device = rosa
    wrong = "111111" if _code(device) != "111111" else "222222"
    for _ in range(5):
        _sign_in(client, wrong)
    assert _sign_in(client, _code(device)).status_code == 429


def test_first_sign_in_sets_up_an_authenticator_and_gives_recovery_codes(client, db):
    user = get_user_model().objects.create_user("new", "new@example.org", PASSWORD)
    StaffProfile.objects.create(user=user, role="reception")
    response = _sign_in(client, "", username="new")
    assert response["Location"] == "/office/two-factor/"
    assert client.get("/office/diary/")["Location"] == "/office/two-factor/"  # not in yet
    page = client.get("/office/two-factor/").content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/office/two-factor/", {"code": "12"}).status_code == 400
    # A wrong code slows the next try down (django-otp's throttling): wait it out.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)  # fmt: skip
    done = client.post("/office/two-factor/", {"code": _code(device)})
    assert "Your recovery codes" in done.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # A recovery code signs in once.
    token = StaticToken.objects.filter(device__user=user).first()
    assert token is not None
    fresh = Client()
    assert _sign_in(fresh, token.token, username="new").status_code == 302
    assert _sign_in(Client(), token.token, username="new").status_code == 400


def test_idle_staff_are_signed_out(staff_login, demo_clinic, settings):
    client = staff_login("reception")
    assert client.get("/office/diary/").status_code == 200
    session = client.session
    session[SEEN_KEY] = time.time() - settings.STAFF_IDLE_MINUTES * 60 - 5
    session.save()
    assert client.get("/office/diary/").status_code == 302


def test_the_admin_needs_the_second_factor(client, db):
    user = get_user_model().objects.create_superuser("boss", "b@example.org", PASSWORD)
    StaffProfile.objects.create(user=user, role="clinic_admin")
    client.force_login(user)  # a password session, no second factor
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"].startswith("/office/login/?next=")


def test_the_admin_lets_in_a_verified_clinic_admin(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_sign_out_ends_the_session(staff_login, demo_clinic):
    client = staff_login("reception")
    client.post("/office/logout/")
    assert client.get("/office/diary/").status_code == 302


def test_the_demo_has_one_of_each_role_and_prints_their_codes(demo_clinic, capsys):
    roles = dict(StaffProfile.objects.values_list("user__username", "role"))
    assert roles == {"admin": "clinic_admin", "reception": "reception",
                     "amara": "practitioner", "tomasz": "practitioner"}  # fmt: skip
    call_command("demo-code", "reception")
    out = capsys.readouterr().out
    assert demo.current_code("reception") in out
    client = Client()
    assert _sign_in(client, demo.current_code("reception"), password=demo.PASSWORD,
                    username="reception").status_code == 302  # fmt: skip


def test_production_refuses_to_run_with_demo_staff(demo_clinic, settings):
    settings.STRIDE_ENV = "production"
    errors = checks.demo_staff_absent(None)
    assert errors and errors[0].id == "stride.E002" and "reception" in errors[0].msg
    with pytest.raises(Exception, match="Demo staff accounts exist"):
        checks.refuse_demo_staff()
    StaffProfile.objects.filter(is_demo=True).delete()
    assert checks.demo_staff_absent(None) == []


def test_the_audit_trail_cannot_be_changed(db):
    event = AuditEvent.objects.create(actor=1, role="reception", action="patient.view",
                                      subject="patient:1")  # fmt: skip
    event.action = "nothing"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def test_static_recovery_devices_are_not_a_way_round_the_password(client, rosa):
    user, _ = rosa
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    StaticToken.objects.create(device=device, token="abcdef1234")
    assert _sign_in(client, "abcdef1234", password="wrong").status_code == 400


def test_the_clinic_admin_sets_roles_in_the_admin(admin_client, demo_clinic):
    page = admin_client.get("/admin/office/staffprofile/")
    assert page.status_code == 200 and "reception" in page.content.decode()


def test_a_stranger_s_wrong_passwords_do_not_lock_the_real_user_out(rosa):
    _, device = rosa
    stranger, staff = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.20")
    for _ in range(6):
        _sign_in(stranger, _code(device), password="wrong")
    assert _sign_in(stranger, _code(device)).status_code == 429  # locked: from that address
    signed_in = _sign_in(staff, _code(device))
    assert signed_in.status_code == 302 and signed_in["Location"] == "/office/diary/"


def test_failed_sign_ins_and_lockouts_are_audited_without_what_was_typed(client, rosa):
    user, device = rosa
    _sign_in(client, _code(device), username="nobody-here")
    for _ in range(5):
        _sign_in(client, _code(device), password="wrong")
    failed = AuditEvent.objects.filter(action="staff.sign_in_failed")
    assert failed.filter(actor=user.pk, subject=f"user:{user.pk}").count() >= 4
    assert failed.filter(actor=0, subject="unknown account").count() == 1
    assert AuditEvent.objects.filter(action="staff.locked_out", actor=user.pk).count() == 1
    assert not AuditEvent.objects.filter(subject__contains="nobody").exists()
    from axes.models import AccessAttempt

    kept = list(AccessAttempt.objects.values_list("username", flat=True))
    assert kept and not [k for k in kept if "rosa" in k or "nobody" in k]


def test_each_further_lockout_of_the_same_pair_waits_twice_as_long(rosa, settings, rf):
    import datetime as dt

    from django.core.cache import cache

    from stride.office import signin_guard

    request = rf.post("/office/login/", {"username": " rosa"}, REMOTE_ADDR="198.51.100.7")
    base = settings.STAFF_LOCKOUT_BASE
    marker = signin_guard._pair_key("rosa", "198.51.100.7") + ":locked"

    def lock_out() -> None:
        signin_guard.audit_lockout(None, request=request, username="rosa",
                                   ip_address="198.51.100.7")  # fmt: skip

    assert signin_guard.cool_off(request) == base
    lock_out()
    assert signin_guard.cool_off(request) == base
    for _ in range(5):  # attempts during the same lockout count once
        lock_out()
    assert signin_guard.cool_off(request) == base
    cache.delete(marker)  # that lockout has run out; the next one is twice as long
    lock_out()
    assert signin_guard.cool_off(request) == 2 * base
    for _ in range(20):
        cache.delete(marker)
        lock_out()
    assert signin_guard.cool_off(request) == dt.timedelta(hours=24)
    assert AuditEvent.objects.filter(action="staff.locked_out").count() == 22
    other = rf.post("/office/login/", {"username": "rosa"}, REMOTE_ADDR="203.0.113.20")
    assert signin_guard.cool_off(other) == base  # another address starts afresh


def test_one_address_trying_many_usernames_is_limited(db, settings):
    settings.STAFF_SIGNIN_LIMIT_PER_IP = 3
    sprayer = Client(REMOTE_ADDR="2001:db8::1")
    statuses = [_sign_in(sprayer, "123456", username=f"user{i}").status_code for i in range(3)]
    assert statuses == [400, 400, 400]
    same_network = Client(REMOTE_ADDR="2001:db8::ffff")  # the same /64
    limited = _sign_in(same_network, "123456", username="user9")
    assert limited.status_code == 429
    assert "Too many sign-in attempts from this network" in limited.content.decode()


def test_the_admin_hides_authenticator_keys_and_audits_every_look(admin_client, rosa):
    _, device = rosa
    StaticDevice.objects.create(user=rosa[0], name="backup").token_set.create(token="abcd1234")
    pages = [
        admin_client.get("/admin/otp_totp/totpdevice/"),
        admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
        admin_client.get("/admin/otp_static/staticdevice/"),
    ]
    assert all(p.status_code == 200 for p in pages)
    for page in pages:
        html = page.content.decode()
        assert device.key not in html and "abcd1234" not in html
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    viewed = AuditEvent.objects.filter(action="staff.two_factor_viewed")
    assert viewed.count() == 3
    assert viewed.filter(subject=f"device:{device.pk}").exists()
