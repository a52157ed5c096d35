"""Everything that talks to Claude: client and key, prompts, the critic panel, debates.

No Qt here: the engine yields typed events from async iterators, so the CLI, the GUI and the tests
drive the same code.
"""
