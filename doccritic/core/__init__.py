"""Pure-Python core: document model, findings, checks. No Qt, no network, no file-format libraries."""
