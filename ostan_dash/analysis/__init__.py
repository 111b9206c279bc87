"""Pure analysis functions: hot times, hot spots, evaluation and survey statistics."""
