"""Patient records: identity, contact, safety flags, consent and reminder preferences."""
