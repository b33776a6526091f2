from django.urls import path

from zones import views

app_name = "zones"

urlpatterns = [
    path("zones/", views.ZoneListView.as_view(), name="zone_list"),
    path("zones/compare/", views.zone_compare, name="zone_compare"),
    path("zones/compare/export.csv", views.zone_compare_csv, name="zone_compare_csv"),
    path("zones/compare/export.json", views.zone_compare_json, name="zone_compare_json"),
    path("zones/compare/enquiry/", views.compare_enquiry, name="compare_enquiry"),
    path("zones/enquiry-sent/", views.enquiry_sent, name="enquiry_sent"),
    path("zones/<slug:slug>/", views.ZoneDetailView.as_view(), name="zone_detail"),
    path("zones/<slug:slug>/enquiry/", views.zone_enquiry, name="zone_enquiry"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/export.csv", views.enterprise_export, name="enterprise_export"),
    path("enterprises/export.xlsx", views.enterprise_export_xlsx, name="enterprise_export_xlsx"),
    path("enterprises/export.json", views.enterprise_export_json, name="enterprise_export_json"),
    path(
        "enterprises/<slug:slug>/",
        views.EnterpriseDetailView.as_view(),
        name="enterprise_detail",
    ),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path("platforms/<slug:slug>/", views.PlatformDetailView.as_view(), name="platform_detail"),
]
