"""What the built site shows and where: URLs, translations, interface words, HTTP headers."""
