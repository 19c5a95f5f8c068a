"""The Discord edge: translates Discord events into calls of the core and back."""
