"""Everything that talks to Claude (added by the critic-panel issue)."""
