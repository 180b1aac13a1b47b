from django.urls import path

from . import views, views_inbox

app_name = "notifications"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("inbox/", views_inbox.inbox_list, name="inbox"),
    path("inbox/read-all/", views_inbox.mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/", views_inbox.message, name="message"),
    path("inbox/<int:pk>/open/", views_inbox.message_open, name="message_open"),
    path("inbox/<int:pk>/unread/", views_inbox.message_unread, name="message_unread"),
]
