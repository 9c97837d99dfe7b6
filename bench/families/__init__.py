"""``make bench``'s measurement families, each composing rows from ``bench/``'s measurements."""
