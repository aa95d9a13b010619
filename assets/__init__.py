"""Files Poise ships beside its code (question decks), installed as package data of `poise.assets`."""
