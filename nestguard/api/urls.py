from django.urls import path

from nestguard.api.addresses import AddressListAPIView
from nestguard.api.agreements import SharingAgreementEnd
from nestguard.api.cases import (
    CaseAssessments,
    CaseChronology,
    CaseChronologyEntryRestriction,
    CaseClose,
    CaseDetail,
    CaseInterventions,
    CaseList,
    CaseNotes,
)
from nestguard.api.directory import ServiceList
from nestguard.api.intelligence import (
    IntelligenceReportDetail,
    IntelligenceReports,
    SanitisedVersionDetail,
    SanitisedVersions,
)
from nestguard.api.linkage import PeopleMatches, ReferralMatches, SourceRecordCreate
from nestguard.api.panels import ActionStatusUpdate, MeetingActions, MeetingAgenda, PanelList
from nestguard.api.pathways import (
    MissingEpisodeDetail,
    MissingEpisodeListCreate,
    MissingEpisodeReturn,
    NrmReferralDetail,
    NrmReferralListCreate,
    OnwardReferralListCreate,
)
from nestguard.api.people import PersonDetailAPIView
from nestguard.api.places import (
    AddressNearby,
    AddressWarnings,
    DoorCheck,
    RepeatAlerts,
    WarningRestriction,
)
from nestguard.api.prevention import HousingSignals, PreventionList
from nestguard.api.referrals import ReferralDetail, ReferralListCreate, ReferralTriage
from nestguard.api.schema import SchemaView
from nestguard.enforcement.api import AddressEnforcementCreate, EnforcementList
from nestguard.reporting.api import ReportView

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
    path("cases/<uuid:pk>/chronology/", CaseChronology.as_view(), name="case_chronology"),
    path(
        "cases/<uuid:pk>/chronology/<uuid:entry_pk>/restriction/",
        CaseChronologyEntryRestriction.as_view(),
        name="case_chronology_restriction",
    ),
    path("cases/<uuid:pk>/notes/", CaseNotes.as_view(), name="case_notes"),
    path("people/matches/", PeopleMatches.as_view(), name="people_matches"),
    path("source-records/", SourceRecordCreate.as_view(), name="source_record_create"),
    path("people/<uuid:pk>/", PersonDetailAPIView.as_view(), name="person_detail"),
    path("addresses/", AddressListAPIView.as_view(), name="address_list"),
    path("addresses/door-check/", DoorCheck.as_view(), name="address_door_check"),
    path("addresses/repeat-alerts/", RepeatAlerts.as_view(), name="address_repeat_alerts"),
    path("addresses/<str:uprn>/warnings/", AddressWarnings.as_view(), name="address_warnings"),
    path(
        "warnings/<uuid:pk>/restriction/",
        WarningRestriction.as_view(),
        name="warning_restriction",
    ),
    path("addresses/<str:uprn>/nearby/", AddressNearby.as_view(), name="address_nearby"),
    path("enforcement/", EnforcementList.as_view(), name="enforcement_list"),
    path(
        "addresses/<str:uprn>/enforcement/",
        AddressEnforcementCreate.as_view(),
        name="enforcement_record",
    ),
    path(
        "sharing-agreements/<uuid:pk>/end/",
        SharingAgreementEnd.as_view(),
        name="sharing_agreement_end",
    ),
    path("panels/", PanelList.as_view(), name="panel_list"),
    path("meetings/<uuid:pk>/agenda/", MeetingAgenda.as_view(), name="meeting_agenda"),
    path("meetings/<uuid:pk>/actions/", MeetingActions.as_view(), name="meeting_actions"),
    path("actions/<uuid:pk>/", ActionStatusUpdate.as_view(), name="action_update"),
    path("missing-episodes/", MissingEpisodeListCreate.as_view(), name="missing_episode_list"),
    path(
        "missing-episodes/<uuid:pk>/", MissingEpisodeDetail.as_view(), name="missing_episode_detail"
    ),
    path(
        "missing-episodes/<uuid:pk>/return/",
        MissingEpisodeReturn.as_view(),
        name="missing_episode_return",
    ),
    path("nrm-referrals/", NrmReferralListCreate.as_view(), name="nrm_referral_list"),
    path("nrm-referrals/<uuid:pk>/", NrmReferralDetail.as_view(), name="nrm_referral_detail"),
    path("housing-signals/", HousingSignals.as_view(), name="housing_signals"),
    path("prevention-list/", PreventionList.as_view(), name="prevention_list"),
    path("intelligence/", IntelligenceReports.as_view(), name="intelligence_reports"),
    path("intelligence/<uuid:pk>/", IntelligenceReportDetail.as_view(), name="intelligence_report"),
    path("sanitised-intelligence/", SanitisedVersions.as_view(), name="sanitised_versions"),
    path(
        "sanitised-intelligence/<uuid:pk>/",
        SanitisedVersionDetail.as_view(),
        name="sanitised_version",
    ),
    path("onward-referrals/", OnwardReferralListCreate.as_view(), name="onward_referral_list"),
    path("services/", ServiceList.as_view(), name="service_list"),
    path("reports/<slug:name>/", ReportView.as_view(), name="report"),
]
