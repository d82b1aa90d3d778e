"""Previews: serving the output folder, and the devserver's live reload."""
