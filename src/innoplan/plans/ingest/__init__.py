"""Plan documents (规划文本) turned into structured plans: YAML schema, validation, loading."""
