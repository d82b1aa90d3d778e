"""What writers write, parsed and checked: front-matter, fields, links, merge tags,
Markdown, photos, dates, languages, and the Alert they make."""
