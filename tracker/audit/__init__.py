"""Who saw or changed what: an append-only, hash-chained audit trail."""
