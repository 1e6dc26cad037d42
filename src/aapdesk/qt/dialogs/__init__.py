"""Forms opened from the pages: participant, parcours, operation, structure, welcome."""
