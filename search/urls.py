"""Public site search (under the language prefix)."""

urlpatterns = []
