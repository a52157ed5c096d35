"""Readers and writers, one module per file format. They build core objects and never touch Qt."""
