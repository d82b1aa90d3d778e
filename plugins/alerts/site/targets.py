"""A page per target listing its alerts, and an index of the targets."""

from __future__ import annotations

from pelican.generators import Generator

from alerts.build import state as buildstate


class TargetPageGenerator(Generator):
    """Writes a page per target listing its alerts, and an index of targets."""

    def generate_output(self, writer):
        urls = buildstate.current().urls
        targets = self.context.get("alert_targets", [])
        template = self.get_template("target")
        for name, articles in targets:
            url = urls.target(name)
            writer.write_file(
                urls.target_save_as(name), template, self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                target_name=name, articles=articles, canonical_path=url, url=url,
            )
        writer.write_file(
            urls.targets_save_as, self.get_template("targets"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], canonical_path=urls.targets,
            url=urls.targets,
        )
