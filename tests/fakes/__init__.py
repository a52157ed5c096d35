"""Test fakes. `fakes.messages_api` is a loopback server speaking the Anthropic Messages API wire format."""
