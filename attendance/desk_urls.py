"""The check-in desk's JSON API (``attendance.desk``), under ``/checkin/``."""

from django.urls import path

from attendance import desk

app_name = "desk"

urlpatterns = [
    path("worker.js", desk.worker_view, name="worker"),
    path("<int:conference>/scan/", desk.scan_view, name="scan"),
    path("<int:conference>/sync/", desk.sync_view, name="sync"),
    path("<int:conference>/undo/", desk.undo_view, name="undo"),
    path("<int:conference>/pay/", desk.pay_view, name="pay"),
    path("<int:conference>/search/", desk.search_view, name="search"),
    path("<int:conference>/lookup/", desk.lookup_view, name="lookup"),
    path("<int:conference>/counts/", desk.counts_view, name="counts"),
    path("<int:conference>/people/", desk.list_view, name="people"),
]
