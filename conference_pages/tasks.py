"""django-q2 entry points of the website app."""

from conference_pages.exporting import export_site


def task_export_site(*, site_export_id):
    export_site(site_export_id=site_export_id)
