"""Reports: data first (pure builders), then thin writers to PDF and xlsx. No Qt, no SQL."""
