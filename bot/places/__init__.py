"""Places, sessions and programmes people can be offered: the curated catalogue in
`content/places/` merged with sessions imported from OpenActive feeds.

Kept free of imports on purpose: `bot.storage.models` imports `bot.places.models` to
register its tables, so this package must load without touching the storage layer.
Use the modules directly: `bot.places.catalogue` (load, validate), `bot.places.schema`
(the `Opportunity` type and value sets), `bot.places.openactive` (import a feed).
"""
