"""Staff accounts for the web console (`bot/staff`), on SQLite and PostgreSQL: argon2
passwords, one-time set-up links (24 hours, used once, kept only as a hash), the lockout
after 5 wrong tries, the second step (TOTP), sessions that end, and the sign-in limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pyotp
import pytest
from sqlalchemy import Connection, select

from bot.config import Settings
from bot.staff import accounts, credentials, limits, sessions
from bot.staff.accounts import StaffError
from bot.staff.keys import console_key
from bot.staff.models import StaffAccount, StaffSession, StaffSetupLink
from bot.storage.db import Database

T = TypeVar("T")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "a walk by the canal at ten"


class Staff:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self, work: Callable[[Connection], T]) -> T:
        return await self.db.run(work)

    async def add(self, email: str = "Sam.Jones@Example.org", name: str = "Sam Jones",
                  role: str = "coordinator") -> accounts.Account:
        return await self.run(lambda c: accounts.add(c, email, name, role, NOW))

    async def ready(self, email: str = "sam.jones@example.org", at: datetime = NOW,
                    **kwargs: Any) -> accounts.Account:
        """An account with a password set through its set-up link."""
        account = await self.add(email, **kwargs)
        token = await self.run(lambda c: accounts.issue_link(c, account.id, at))
        return await self.run(lambda c: accounts.complete_setup(c, token, PASSWORD, PASSWORD,
                                                                at))

    async def row(self, staff_id: int) -> Any:
        return await self.run(lambda c: c.execute(
            select(StaffAccount).where(StaffAccount.id == staff_id)).first())


@pytest.fixture
async def staff(settings: Settings) -> AsyncIterator[Staff]:
    db = Database(settings.database_url)
    try:
        yield Staff(db)
    finally:
        await db.dispose()


async def test_an_account_is_one_per_email_whatever_its_case(staff: Staff) -> None:
    account = await staff.add()
    assert account.email == "sam.jones@example.org" and account.role == "coordinator"
    assert not account.has_password and not account.two_step
    with pytest.raises(StaffError) as error:
        await staff.add("SAM.JONES@example.ORG", "Another Sam")
    assert error.value.reason == "exists"
    for email, name, role, reason in (("not an email", "Sam", "moderator", "bad_email"),
                                      ("pat@example.org", "  ", "moderator", "bad_name"),
                                      ("pat@example.org", "Pat", "admin", "bad_role")):
        with pytest.raises(StaffError) as error:
            await staff.add(email, name, role)
        assert error.value.reason == reason
    assert [a.email for a in await staff.run(accounts.list_all)] == ["sam.jones@example.org"]


async def test_the_password_is_kept_only_as_an_argon2id_hash(staff: Staff) -> None:
    account = await staff.ready()
    row = await staff.row(account.id)
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    right = await staff.run(lambda c: accounts.check_password(
        c, "SAM.JONES@example.org", PASSWORD, NOW))
    assert right.status == "ok"
    assert (await staff.row(account.id)).last_sign_in_at == NOW
    wrong = await staff.run(lambda c: accounts.check_password(c, account.email, "nope", NOW))
    nobody = await staff.run(lambda c: accounts.check_password(c, "who@example.org",
                                                               PASSWORD, NOW))
    assert (wrong.status, nobody.status, nobody.account) == ("wrong", "wrong", None)


async def test_a_set_up_link_works_once_for_24_hours_and_is_kept_only_as_a_hash(
        staff: Staff) -> None:
    account = await staff.add()
    token = await staff.run(lambda c: accounts.issue_link(c, account.id, NOW))
    links = await staff.run(lambda c: c.execute(select(StaffSetupLink)).all())
    assert [link.token_hash for link in links] != [token] and token not in str(links)
    assert accounts.setup_url("https://mm.example.org/", token) == \
        f"https://mm.example.org/staff/setup/{token}"
    later = NOW + timedelta(hours=23, minutes=59)
    found = await staff.run(lambda c: accounts.link_account(c, token, later))
    assert found is not None and found.id == account.id
    expired = NOW + timedelta(hours=24, seconds=1)
    assert await staff.run(lambda c: accounts.link_account(c, token, expired)) is None
    with pytest.raises(StaffError, match="link_gone"):
        await staff.run(lambda c: accounts.complete_setup(c, token, PASSWORD, PASSWORD,
                                                          expired))
    await staff.run(lambda c: accounts.complete_setup(c, token, PASSWORD, PASSWORD, later))
    with pytest.raises(StaffError, match="link_gone"):  # used
        await staff.run(lambda c: accounts.complete_setup(c, token, PASSWORD, PASSWORD, later))


async def test_a_new_link_replaces_the_old_and_a_disabled_account_gets_none(
        staff: Staff) -> None:
    account = await staff.add()
    first = await staff.run(lambda c: accounts.issue_link(c, account.id, NOW))
    second = await staff.run(lambda c: accounts.issue_link(c, account.id, NOW))
    assert await staff.run(lambda c: accounts.link_account(c, first, NOW)) is None
    assert await staff.run(lambda c: accounts.link_account(c, second, NOW)) is not None
    await staff.run(lambda c: accounts.disable(c, account.id, NOW))
    assert await staff.run(lambda c: accounts.link_account(c, second, NOW)) is None
    with pytest.raises(StaffError, match="disabled"):
        await staff.run(lambda c: accounts.issue_link(c, account.id, NOW))


@pytest.mark.parametrize(("password", "confirm", "problem"), [
    ("short words", "short words", "too_short"),
    ("sam.jones@example.org", "sam.jones@example.org", "is_email"),
    ("SAM.JONES", "SAM.JONES", "too_short"),
    ("sam.jones@example.org2", "sam.jones@example.org2", "is_email"),
    ("x" * 257, "x" * 257, "too_long"),
    ("a walk by the canal", "a walk by the canel", "no_match"),
])
async def test_a_password_needs_12_characters_and_not_the_email(
        staff: Staff, password: str, confirm: str, problem: str) -> None:
    account = await staff.add()
    token = await staff.run(lambda c: accounts.issue_link(c, account.id, NOW))
    with pytest.raises(StaffError) as error:
        await staff.run(lambda c: accounts.complete_setup(c, token, password, confirm, NOW))
    assert error.value.reason == problem
    # Nothing was used up: the link still works.
    assert await staff.run(lambda c: accounts.link_account(c, token, NOW)) is not None


async def test_five_wrong_tries_lock_the_account_for_15_minutes(staff: Staff) -> None:
    account = await staff.ready()
    outcomes = [(await staff.run(lambda c: accounts.check_password(
        c, account.email, "wrong password", NOW + timedelta(seconds=1)))).status
        for _ in range(5)]
    assert outcomes == ["wrong"] * 4 + ["locked"]
    assert (await staff.row(account.id)).locked_until == NOW + timedelta(minutes=15, seconds=1)
    still = NOW + timedelta(minutes=15)
    right = await staff.run(lambda c: accounts.check_password(c, account.email, PASSWORD,
                                                              still))
    assert right.status == "locked"  # even the right password, until the time is up
    after = NOW + timedelta(minutes=15, seconds=2)
    right = await staff.run(lambda c: accounts.check_password(c, account.email, PASSWORD,
                                                              after))
    assert right.status == "ok"
    row = await staff.row(account.id)
    assert (row.failed_sign_ins, row.locked_until) == (0, None)


async def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(staff: Staff) -> None:
    account = await staff.ready()
    token = await staff.run(lambda c: sessions.start(c, account.id, sessions.SIGNED_IN, NOW))
    assert await staff.run(lambda c: sessions.load(c, token, NOW)) is not None
    await staff.run(lambda c: accounts.disable(c, account.id, NOW))
    assert await staff.run(lambda c: sessions.load(c, token, NOW)) is None
    outcome = await staff.run(lambda c: accounts.check_password(c, account.email, PASSWORD,
                                                                NOW))
    assert outcome.status == "disabled"
    wrong = await staff.run(lambda c: accounts.check_password(c, account.email, "guess", NOW))
    assert wrong.status == "wrong"  # "disabled" is said only to who knows the password
    await staff.run(lambda c: accounts.enable(c, account.id, NOW))
    outcome = await staff.run(lambda c: accounts.check_password(c, account.email, PASSWORD,
                                                                NOW))
    assert outcome.status == "ok"


async def test_the_second_step_takes_a_current_code_once(staff: Staff) -> None:
    account = await staff.ready()
    secret = credentials.new_totp_secret()
    totp = pyotp.TOTP(secret)
    assert not await staff.run(lambda c: accounts.add_two_step(c, account.id, secret,
                                                               "000000", NOW))
    assert await staff.run(lambda c: accounts.add_two_step(
        c, account.id, secret, totp.at(NOW), NOW))
    first = await staff.run(lambda c: accounts.check_password(c, account.email, PASSWORD,
                                                              NOW))
    assert first.status == "second_step" and first.account and first.account.two_step
    assert (await staff.row(account.id)).last_sign_in_at is None  # not yet
    # The enrolment code, again in the same 30 seconds: never accepted twice, and said so.
    again = await staff.run(lambda c: accounts.check_code(c, account.id, totp.at(NOW), NOW))
    assert again.status == "used"
    later = NOW + timedelta(seconds=30)
    done = await staff.run(lambda c: accounts.check_code(c, account.id,
                                                         f" {totp.at(later)} ", later))
    assert done.status == "ok" and (await staff.row(account.id)).last_sign_in_at == later
    # A code from 30 seconds ago (a slow phone) still works once; two steps ago it does not.
    much_later = later + timedelta(minutes=5)
    old = totp.at(much_later - timedelta(seconds=60))
    assert (await staff.run(lambda c: accounts.check_code(c, account.id, old, much_later))
            ).status == "wrong"
    slow = totp.at(much_later - timedelta(seconds=30))
    assert (await staff.run(lambda c: accounts.check_code(c, account.id, slow, much_later))
            ).status == "ok"


async def test_wrong_codes_count_towards_the_lock(staff: Staff) -> None:
    account = await staff.ready()
    secret = credentials.new_totp_secret()
    await staff.run(lambda c: accounts.add_two_step(c, account.id, secret,
                                                    pyotp.TOTP(secret).at(NOW), NOW))
    statuses = [(await staff.run(lambda c: accounts.check_code(c, account.id, "123456", NOW))
                 ).status for _ in range(5)]
    assert statuses[-1] == "locked"


async def test_a_reset_link_can_take_the_second_step_away_and_ends_sessions(
        staff: Staff) -> None:
    account = await staff.ready()
    secret = credentials.new_totp_secret()
    await staff.run(lambda c: accounts.add_two_step(c, account.id, secret,
                                                    pyotp.TOTP(secret).at(NOW), NOW))
    session = await staff.run(lambda c: sessions.start(c, account.id, sessions.SIGNED_IN, NOW))
    token = await staff.run(lambda c: accounts.issue_link(c, account.id, NOW,
                                                          reset_two_step=True))
    new_password = "another walk along the canal"
    reset = await staff.run(lambda c: accounts.complete_setup(c, token, new_password,
                                                              new_password, NOW))
    assert not reset.two_step
    assert await staff.run(lambda c: sessions.load(c, session, NOW)) is None
    outcome = await staff.run(lambda c: accounts.check_password(c, account.email,
                                                                new_password, NOW))
    assert outcome.status == "ok"


async def test_sessions_end_after_30_idle_minutes_or_12_hours(staff: Staff) -> None:
    account = await staff.ready()
    token = await staff.run(lambda c: sessions.start(c, account.id, sessions.SIGNED_IN, NOW))
    rows = await staff.run(lambda c: c.execute(select(StaffSession)).all())
    assert token not in str(rows)  # only its hash is kept
    async def load(at: datetime) -> sessions.Session | None:
        return await staff.run(lambda c: sessions.load(c, token, at))

    moment = NOW
    for _ in range(24):  # busy all day, a request every 29 minutes: 11 h 36 min
        moment += timedelta(minutes=29)
        assert await load(moment) is not None
    moment += timedelta(minutes=25)  # past 12 hours, however busy
    assert await load(moment) is None
    idle = await staff.run(lambda c: sessions.start(c, account.id, sessions.SIGNED_IN, NOW))
    late = NOW + timedelta(minutes=30, seconds=1)
    assert await staff.run(lambda c: sessions.load(c, idle, late)) is None
    half = await staff.run(lambda c: sessions.start(c, account.id, sessions.SECOND_STEP, NOW))
    assert await staff.run(lambda c: sessions.load(c, half, NOW + timedelta(minutes=6))) is None


async def test_sign_in_limits_per_email_and_per_address(staff: Staff) -> None:
    key = await staff.run(console_key)

    async def allowed(email: str, address: str) -> bool:
        return await staff.run(lambda c: limits.allowed(c, key, email, address, NOW))

    async def wrong(email: str, address: str) -> None:
        await staff.run(lambda c: limits.record(c, key, email, address, NOW, succeeded=False))

    for _ in range(5):  # an address with no account is limited just the same
        assert await allowed("Nobody@example.org", "192.0.2.1")
        await wrong("nobody@example.org", "192.0.2.1")
    assert not await allowed("NOBODY@example.org", "192.0.2.99")
    assert await allowed("someone@example.org", "192.0.2.1")
    for number in range(limits.PER_ADDRESS - 6):
        await wrong(f"person{number}@example.org", "192.0.2.1")
    assert await allowed("someone@example.org", "192.0.2.1")  # 99: many staff, one network
    await wrong("person.last@example.org", "192.0.2.1")
    assert not await allowed("someone@example.org", "192.0.2.1")  # 100 from one address
    assert await allowed("someone@example.org", "192.0.2.2")
    later = NOW + limits.WINDOW + timedelta(seconds=1)
    assert await staff.run(lambda c: limits.allowed(c, key, "nobody@example.org", "192.0.2.1",
                                                    later))
    from bot.staff.models import StaffSignInAttempt
    kept = await staff.run(lambda c: c.execute(select(StaffSignInAttempt)).all())
    assert not any("example.org" in str(row) or "192.0.2" in str(row) for row in kept)
