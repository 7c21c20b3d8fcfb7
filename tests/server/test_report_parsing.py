"""Uploaded bytes are outside text: any input is a report or a clear refusal."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.server.console import ingest

from .conftest import load_report

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)


def _parse(body: bytes) -> None:
    try:
        data = ingest.parse_report(body)
    except ingest.IngestError as exc:
        assert 400 <= exc.status < 500 and exc.fr and exc.en
    else:
        assert data["schema"] == "dentsec.report/1"


@given(st.binary(max_size=2000))
@settings(max_examples=300)
def test_any_bytes(body: bytes) -> None:
    _parse(body)


@given(JSON)
@settings(max_examples=300)
def test_any_json(value: object) -> None:
    _parse(json.dumps(value).encode())


@given(st.sampled_from(["schema", "generated_at", "lang", "host", "findings", "score"]), JSON)
@settings(max_examples=300)
def test_a_real_report_with_one_field_replaced(field: str, value: object) -> None:
    data = load_report()
    data[field] = value
    _parse(json.dumps(data).encode())


@given(st.binary(max_size=2000), st.booleans())
@settings(max_examples=300)
def test_any_bytes_said_to_be_gzip(body: bytes, wrap: bool) -> None:
    try:
        text = ingest.unpack(gzip.compress(body) if wrap else body, "gzip")
    except ingest.IngestError as exc:
        assert 400 <= exc.status < 500 and exc.fr and exc.en
    else:
        assert text == body
        _parse(text)
