"""`make bench` (issue 13): growth of a scratch database, signed API calls, the measurement."""
