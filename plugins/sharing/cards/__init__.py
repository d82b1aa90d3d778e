"""Social cards: what each card says, fonts for every script, drawing, and the cache."""
