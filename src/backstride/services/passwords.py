"""Passwords: argon2id hashing at OWASP's minimum (19 MiB, t=2, p=1) and a policy after NIST SP 800-63B.

The policy asks only for length (8 or more characters; long passphrases welcome, up to 1024) and refuses
the most common passwords (a vendored list); no composition rules, since they make passwords weaker.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["MAX_CONCURRENT_HASHES", "MAX_LENGTH", "MEMORY_KIB", "MIN_LENGTH", "TIME_COST", "PasswordRefused",
           "check_policy", "hash_password", "hasher", "needs_rehash", "verify_password"]

MIN_LENGTH = 8
MAX_LENGTH = 1024  # bounds the work one sign-in can ask of the server
MEMORY_KIB = 19_456  # 19 MiB
TIME_COST = 2
PARALLELISM = 1
# Hashes run on this many threads of their own (each hash holds MEMORY_KIB while it runs). Not a lock
# around the hash: the C allocator keeps each thread's freed blocks, so 40 request threads hashing in
# turn would keep 40 x 19 MiB; four threads keep about 76 MiB, and on two cores hash as fast.
MAX_CONCURRENT_HASHES = 4
_hashing = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_HASHES, thread_name_prefix="backstride-argon2")


class PasswordRefused(ValueError):
    """A password the policy refuses; the message says why, in plain words."""


@cache
def hasher() -> PasswordHasher:
    """The one argon2id hasher (its parameters are read back from each hash to decide on a rehash)."""
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID)


@cache
def _common() -> frozenset[str]:
    text = resources.files("backstride.web").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise :class:`PasswordRefused` for a password too short, too long, common, or the email itself."""
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"use at least {MIN_LENGTH} characters; a few words together make a good one")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"use at most {MAX_LENGTH} characters")
    if password.lower() in _common() or (email and password.lower() == email.lower()):
        raise PasswordRefused("this password is one of the most common ones; please choose another")


def hash_password(password: str) -> str:
    """The argon2id hash string of ``password``."""
    return _hashing.submit(hasher().hash, password).result()


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False for no hash or a damaged one)."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        return _hashing.submit(hasher().verify, stored, password).result()
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the stored hash was made with other parameters than today's."""
    return hasher().check_needs_rehash(stored)
