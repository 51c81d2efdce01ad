"""Renderers: turn a StudyResult into files; they format, never compute."""
