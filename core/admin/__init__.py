"""The admin site: Cratedigger's whole user interface, its system status page, and the jobs of every kind.

- `base`: what every app's admin is made of: `CrateModelAdmin` (the theme's, with the actions and save hooks other
  apps register), `CrateListAdmin` (the crate lists' lean rows), `NamedListMixin`, and `html_table`, `job_link`
  and `started_by` for pages and messages;
- `site`: `CratediggerAdminSite`: the menu's sections (`SECTIONS`, `HIDDEN`, `MACHINE_WRITTEN`), the sidebar and
  its `ICONS`, the dashboard, the status page, and the theme on third-party admins;
- `jobs`: the job pages: each kind's `JobAdmin`, the page of every kind's jobs, the progress endpoint, cancel and
  retry.

What one app adds to another's pages (actions, buttons, save hooks, sections) is registered in `core.extensions`.
The apps' admins import from here (`from core.admin import CrateModelAdmin, JobAdmin`).
"""

from core.admin.base import CrateListAdmin, CrateModelAdmin, NamedListMixin, html_table, job_link, started_by
from core.admin.jobs import JobAdmin, JobPagesMixin
from core.admin.site import (
    HIDDEN,
    ICONS,
    MACHINE_WRITTEN,
    SECTIONS,
    CratediggerAdminSite,
    sidebar_navigation,
    theme_third_party_admins,
)
from core.extensions import object_tools  # the pages' buttons, which the apps' admins import from here

__all__ = [
    "HIDDEN",
    "ICONS",
    "MACHINE_WRITTEN",
    "SECTIONS",
    "CrateListAdmin",
    "CrateModelAdmin",
    "CratediggerAdminSite",
    "JobAdmin",
    "JobPagesMixin",
    "NamedListMixin",
    "html_table",
    "job_link",
    "object_tools",
    "sidebar_navigation",
    "started_by",
    "theme_third_party_admins",
]
