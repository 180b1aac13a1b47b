"""Login throttling per real client behind nginx: clients on different addresses
(127.0.0.2, 127.0.0.3, ...; all of 127/8 is this machine) are locked independently,
and an X-Forwarded-For header a client writes itself changes nothing (Django takes the
entry nginx appended: TRUSTED_PROXY_HOPS=1)."""

from .client import Client
from .conftest import PASSWORD

ACCOUNT = "ops@cascaderail.test"  # a demo applicant no other smoke test signs in as
FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default, which the stack keeps


def client(stack, source) -> Client:
    return Client(
        stack["STACK_BASE_URL"], stack["STACK_SERVER_NAME"], stack["STACK_BASE_URL"], source
    )


def attempt(c: Client, password: str):
    c.cookies.clear()
    return c.sign_in(ACCOUNT, password)


def signed_in(response) -> bool:
    return response.status == 302 and response.headers["Location"].endswith("/apply/")


def locked(response) -> bool:
    return response.status == 429 and "Too many sign-in attempts" in response.text


def test_two_clients_behind_the_proxy_are_locked_out_independently(stack):
    a, b = client(stack, "127.0.0.2"), client(stack, "127.0.0.3")
    for n in range(FAILURE_LIMIT):
        response = attempt(a, f"wrong-password-{n}")
        assert not signed_in(response), response.status
    # The right password no longer helps client A: the account is locked for A...
    locked_a = attempt(a, PASSWORD)
    assert locked(locked_a), (locked_a.status, locked_a.text[:300])
    # ...and A cannot escape by claiming B's address in a header of its own.
    a.headers["X-Forwarded-For"] = "127.0.0.3"
    assert locked(attempt(a, PASSWORD))
    # B, on another address, signs in to the same account.
    assert signed_in(attempt(b, PASSWORD))
    # A third client forging A's address is not locked by A's failures either...
    c = client(stack, "127.0.0.4")
    c.headers["X-Forwarded-For"] = "127.0.0.2"
    assert signed_in(attempt(c, PASSWORD))
    # ...nor can it lock A's bucket further: its failures count against its own address.
    d = client(stack, "127.0.0.5")
    d.headers["X-Forwarded-For"] = "127.0.0.3"  # pretends to be B
    for n in range(FAILURE_LIMIT):
        attempt(d, f"wrong-password-{n}")
    assert locked(attempt(d, PASSWORD))
    assert signed_in(attempt(b, PASSWORD)), "a forged header locked B out"
