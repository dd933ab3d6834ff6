"""Spiders: only the generic `market` spider, configured by YAML."""
