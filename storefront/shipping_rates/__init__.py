"""Shipping: the merchant's courier services and rate table, billable weight, and rate providers.

Layers: `models` (tables) → `rules` (billable weight, free shipping) → `table` (the merchant's table as a
provider) and `biteship` (one outside provider over HTTP) → `quotes` (which provider, cache, fallback).
"""
