"""The API key lives in the keyring or the environment, nowhere else; models come from the endpoint."""

from __future__ import annotations

import asyncio

import keyring
import pytest
from fakes.messages_api import FakeMessagesAPI, Reply, closed_port_url
from keyring.backends import fail

from doccritic.claude.client import (
    FALLBACK_MODELS,
    Connection,
    KeyStoreError,
    clear_api_key,
    get_api_key,
    list_models,
    set_api_key,
)


def test_key_round_trips_through_the_keyring_and_never_shows_in_repr(_no_real_keyring):
    set_api_key("  fake-key-secret-123  ")
    key = get_api_key()
    assert key.value == "fake-key-secret-123" and key.source == "keyring"
    assert "fake-key" not in repr(key)
    assert _no_real_keyring.store == {("doccritic", "anthropic-api-key"): "fake-key-secret-123"}
    clear_api_key()
    assert get_api_key().source == "none"


def test_environment_variable_wins_over_the_keyring(monkeypatch):
    set_api_key("sk-from-keyring")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    assert get_api_key().value == "sk-from-env" and get_api_key().source == "environment"


def test_without_a_keyring_backend_the_user_is_told_to_use_the_environment():
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyStoreError, match="ANTHROPIC_API_KEY"):
        set_api_key("sk-x")
    assert get_api_key().source == "none"


def test_key_travels_only_in_the_authorization_header():
    with FakeMessagesAPI() as api:
        api.script(Reply.text("ok"))

        async def call():
            client = Connection(api_key="fake-key-do-not-leak", base_url=api.base_url).client()
            await client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                         messages=[{"role": "user", "content": "hi"}])
            await client.close()

        asyncio.run(call())
        entry = api.journal[0]
    assert entry.headers["authorization"] != "Bearer fake-key-do-not-leak"  # the fake redacts what it records
    assert "fake-key-do-not-leak" not in str(entry.body)


def test_models_are_listed_with_capabilities_and_deprecated_ones_last():
    with FakeMessagesAPI() as api:
        async def go():
            client = Connection(api_key="sk-test", base_url=api.base_url).client()
            try:
                return await list_models(client)
            finally:
                await client.close()

        models, why = asyncio.run(go())
    assert why is None and models
    deprecated = [m.deprecated for m in models]
    assert deprecated == sorted(deprecated)  # active first
    assert any(m.efforts for m in models)


def test_models_fall_back_to_a_known_list_with_the_reason_when_listing_fails():
    async def go():
        client = Connection(api_key="sk-test", base_url=closed_port_url()).client()
        try:
            return await list_models(client)
        finally:
            await client.close()

    models, why = asyncio.run(go())
    assert [m.id for m in models] == list(FALLBACK_MODELS) and "Cannot reach" in why


def test_a_custom_endpoint_needs_no_key_but_the_anthropic_api_does():
    assert Connection(api_key=None).needs_key
    assert not Connection(api_key=None, base_url="http://localhost:11434").needs_key
