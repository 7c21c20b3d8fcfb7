"""Enrollment tokens and device credentials: random, shown once, stored as digests."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "dse_"
CREDENTIAL_PREFIX = "dsd_"
LINK_PREFIX = "dsl_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_credential() -> str:
    return CREDENTIAL_PREFIX + secrets.token_urlsafe(32)


def new_link_token() -> str:
    return LINK_PREFIX + secrets.token_urlsafe(32)
