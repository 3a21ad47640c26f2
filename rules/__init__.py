"""putlint's rules, one per file; installed as the `linter.rules` package (see pyproject.toml)."""
