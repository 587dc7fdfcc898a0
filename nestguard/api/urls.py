from django.urls import path

from nestguard.api.addresses import AddressListAPIView
from nestguard.api.cases import (
    CaseAssessments,
    CaseClose,
    CaseDetail,
    CaseInterventions,
    CaseList,
)
from nestguard.api.linkage import PeopleMatches, ReferralMatches, SourceRecordCreate
from nestguard.api.people import PersonDetailAPIView
from nestguard.api.referrals import ReferralDetail, ReferralListCreate, ReferralTriage
from nestguard.api.schema import SchemaView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("referrals/", ReferralListCreate.as_view(), name="referral_list"),
    path("referrals/<uuid:pk>/", ReferralDetail.as_view(), name="referral_detail"),
    path("referrals/<uuid:pk>/matches/", ReferralMatches.as_view(), name="referral_matches"),
    path("referrals/<uuid:pk>/triage/", ReferralTriage.as_view(), name="referral_triage"),
    path("cases/", CaseList.as_view(), name="case_list"),
    path("cases/<uuid:pk>/", CaseDetail.as_view(), name="case_detail"),
    path("cases/<uuid:pk>/assessments/", CaseAssessments.as_view(), name="case_assessments"),
    path("cases/<uuid:pk>/interventions/", CaseInterventions.as_view(), name="case_interventions"),
    path("cases/<uuid:pk>/close/", CaseClose.as_view(), name="case_close"),
    path("people/matches/", PeopleMatches.as_view(), name="people_matches"),
    path("source-records/", SourceRecordCreate.as_view(), name="source_record_create"),
    path("people/<uuid:pk>/", PersonDetailAPIView.as_view(), name="person_detail"),
    path("addresses/", AddressListAPIView.as_view(), name="address_list"),
]
