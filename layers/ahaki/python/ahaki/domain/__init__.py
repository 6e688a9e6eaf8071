"""See the package docstring of ahaki for the rings."""
