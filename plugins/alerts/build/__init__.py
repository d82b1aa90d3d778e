"""The build: its steps, staging and swap, state, problems, settings, caches, files, workers."""
