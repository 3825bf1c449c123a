//! Named defects the reference candidate can be started with. Each breaks one
//! behaviour a real GP system could get wrong and names the requirement(s) it
//! must make fail; the kill-matrix test holds every defect to that claim, and
//! holds every requirement to being killed by at least one defect.

use std::collections::BTreeSet;
use std::fmt;

macro_rules! defects {
    ($( $variant:ident = $name:literal [$($target:literal),+] $desc:literal ;)+) => {
        /// One way of being wrong.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Defect { $($variant),+ }

        /// Every defect, in declaration order.
        pub const ALL: &[Defect] = &[$(Defect::$variant),+];

        impl Defect {
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            pub fn description(self) -> &'static str {
                match self { $(Self::$variant => $desc),+ }
            }
            /// The requirement IDs this defect must fail (and nothing else).
            pub fn targets(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($target),+]),+ }
            }
        }
    };
}

defects! {
    IgnoresMissingTraceId = "ignores-missing-trace-id" ["RFA-ACC-001"]
        "accepts requests without an Ssp-TraceID header, or with one that is not a GUID";
    IgnoresMissingFrom = "ignores-missing-from" ["RFA-ACC-002"]
        "accepts requests without an Ssp-From header";
    AcceptsAnyToAsid = "accepts-any-to-asid" ["RFA-ACC-003", "RFA-INF-066"]
        "accepts requests whose Ssp-To names another system's ASID";
    IgnoresInteractionMismatch = "ignores-interaction-mismatch" ["RFA-ACC-004"]
        "accepts any Ssp-InteractionID, even one that does not match the endpoint called";
    AcceptsMissingAuthorization = "accepts-missing-authorization" ["RFA-ACC-005"]
        "treats a request without a Bearer Authorization header as anonymous and serves it";
    AcceptsJwtWithoutTrailingDot = "accepts-jwt-without-trailing-dot" ["RFA-ACC-006"]
        "accepts an unsigned JWT whose trailing '.' (empty signature) is missing";
    AcceptsExpiredJwt = "accepts-expired-jwt" ["RFA-ACC-007"]
        "does not check whether the JWT has expired";
    AcceptsAnyJwtLifetime = "accepts-any-jwt-lifetime" ["RFA-ACC-008"]
        "does not check that exp is exactly iat + 300 seconds";
    RejectsFutureIat = "rejects-future-iat" ["RFA-ACC-009"]
        "refuses JWTs issued slightly in the future, although consumer clocks drift";
    IgnoresMissingClaims = "ignores-missing-claims" ["RFA-ACC-010"]
        "does not require the iss, sub and aud claims";
    SkipsClaimResourceValidation = "skips-claim-resource-validation" ["RFA-ACC-011"]
        "does not check that requesting_device/organization/practitioner are the right FHIR resources";
    AcceptsAnyReasonForRequest = "accepts-any-reason-for-request" ["RFA-ACC-012", "RFA-REC-031", "RFA-ONL-033"]
        "serves direct-care interactions whatever reason_for_request says";
    IgnoresRequestedScope = "ignores-requested-scope" ["RFA-ACC-013", "RFA-REC-029", "RFA-REC-030", "RFA-REC-038", "RFA-ARR-009"]
        "serves a request whatever requested_scope it carries";
    JsonContentType = "json-content-type" ["RFA-ACC-014"]
        "labels FHIR responses application/json instead of application/fhir+json";
    CacheableErrors = "cacheable-errors" ["RFA-ACC-015"]
        "omits Cache-Control: no-store on error responses";
    OutcomeWithoutProfile = "outcome-without-profile" ["RFA-ACC-016", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-018"]
        "sends OperationOutcomes without the GPConnect-OperationOutcome-1 profile in meta";
    CaseInsensitiveRoutes = "case-insensitive-routes" ["RFA-ACC-017"]
        "serves /Metadata and /patient as if they were /metadata and /Patient";
    AcceptsAnyMethod = "accepts-any-method" ["RFA-ACC-018"]
        "answers PUT, POST, PATCH and DELETE on read-only endpoints as if they were GET";
    CapabilityWrongFhirVersion = "capability-wrong-fhir-version" ["RFA-ACC-019"]
        "declares fhirVersion 4.0.1 in its CapabilityStatement";
    CapabilityOmitsPatientSearch = "capability-omits-patient-search" ["RFA-ACC-020"]
        "leaves the Patient search interaction out of its CapabilityStatement";
    SearchOmitsFullUrl = "search-omits-full-url" ["RFA-INF-001"]
        "returns search Bundle entries without fullUrl";
    UnknownPatient404 = "unknown-patient-404" ["RFA-INF-002"]
        "answers a search for an NHS number it does not hold with 404 instead of an empty Bundle";
    NoModulus11Check = "no-modulus-11-check" ["RFA-INF-003"]
        "checks that an NHS number has ten digits but not its Modulus 11 check digit";
    AcceptsAnyIdentifierSystem = "accepts-any-identifier-system" ["RFA-INF-004"]
        "searches by the identifier value whatever identifier system is given";
    LenientIdentifierParameter = "lenient-identifier-parameter" ["RFA-INF-005"]
        "takes an identifier without a system (or with a blank part) as an NHS number";
    SearchWithoutIdentifierListsAll = "search-without-identifier-lists-all" ["RFA-INF-006"]
        "answers a patient search with no identifier by listing every patient";
    SearchReturnsInactive = "search-returns-inactive" ["RFA-INF-007"]
        "returns deceased and inactive patients from patient search";
    SearchExposesWithheldFields = "search-exposes-withheld-fields" ["RFA-INF-008"]
        "patient search returns stored fields GP Connect forbids (maritalStatus, multipleBirth)";
    ReadOmitsId = "read-omits-id" ["RFA-INF-009"]
        "returns the Patient from a read without its logical id";
    ReadUnknown500 = "read-unknown-500" ["RFA-INF-010"]
        "fails with 500 when asked to read a patient id it does not hold";
    ReadWithoutEtag = "read-without-etag" ["RFA-INF-011"]
        "sends no ETag header on Patient reads";
    OrganizationSearchOmitsMeta = "organization-search-omits-meta" ["RFA-INF-012"]
        "returns Organizations from search without meta (no profile, no versionId)";
    UnknownOrganization404 = "unknown-organization-404" ["RFA-INF-013"]
        "answers an Organization search for an ODS code it does not hold with 404 instead of an empty Bundle";
    OrganizationSearchAnySystem = "organization-search-any-system" ["RFA-INF-014"]
        "searches Organizations by the identifier value whatever identifier system is given";
    OrganizationReadWithoutEtag = "organization-read-without-etag" ["RFA-INF-015"]
        "sends no ETag header on Organization reads";
    OrganisationNotFoundWrongCode = "organisation-not-found-wrong-code" ["RFA-INF-016"]
        "answers a read of an unknown Organization with 404 NO_RECORD_FOUND instead of ORGANISATION_NOT_FOUND";
    PractitionerSearchOmitsFullUrl = "practitioner-search-omits-full-url" ["RFA-INF-017"]
        "returns Practitioner search entries without fullUrl";
    PractitionerSearchAnySystem = "practitioner-search-any-system" ["RFA-INF-018"]
        "searches Practitioners by the identifier value whatever identifier system is given";
    PractitionerReadUnknown500 = "practitioner-read-unknown-500" ["RFA-INF-019"]
        "fails with 500 when asked to read a Practitioner id it does not hold";
    LocationEtagIgnoresVersion = "location-etag-ignores-version" ["RFA-INF-020"]
        "sends ETag W/\"1\" on every Location read, whatever the version";
    LocationNotFoundPatientCode = "location-not-found-patient-code" ["RFA-INF-021"]
        "answers a read of an unknown Location with PATIENT_NOT_FOUND (a copied handler)";
    SearchReturnsHidden = "search-returns-hidden" ["RFA-INF-022", "RFA-REC-053"]
        "returns sensitive, temporary-resident and unverified patients from patient search";
    StructuredBundleIdNotTraceId = "structured-bundle-id-not-trace-id" ["RFA-INF-023"]
        "gives the structured record Bundle a fresh id instead of the request's Ssp-TraceID";
    StructuredOmitsUsualGp = "structured-omits-usual-gp" ["RFA-INF-024"]
        "leaves the patient's usual GP out of the structured record, so references to them dangle";
    StructuredMissingNhsNumber400 = "structured-missing-nhs-number-400" ["RFA-INF-025"]
        "answers a structured request without patientNHSNumber with 400 BAD_REQUEST";
    StructuredNoModulus11 = "structured-no-modulus-11" ["RFA-INF-026"]
        "skips the Modulus 11 check on the structured record's NHS number";
    StructuredAnyIdentifierSystem = "structured-any-identifier-system" ["RFA-INF-027"]
        "accepts any identifier system for patientNHSNumber";
    DuplicateParametersAccepted = "duplicate-parameters-accepted" ["RFA-INF-028"]
        "accepts a parameter or part parameter given twice (the last one wins)";
    StructuredRejectsUnknownParameters = "structured-rejects-unknown-parameters" ["RFA-INF-029"]
        "refuses a structured request with an unrecognised parameter instead of warning and answering";
    StructuredServesDeceased = "structured-serves-deceased" ["RFA-INF-030"]
        "returns the structured record of deceased and inactive patients";
    StructuredServesSensitive = "structured-serves-sensitive" ["RFA-INF-031"]
        "returns the structured record of a sensitive patient";
    StructuredServesTemporary = "structured-serves-temporary" ["RFA-INF-032"]
        "returns the structured record of a temporary resident";
    StructuredServesUnverified = "structured-serves-unverified" ["RFA-INF-033"]
        "returns the structured record of a patient whose NHS number is not verified";
    DissentAnswersNotFound = "dissent-answers-not-found" ["RFA-XCS-003", "RFA-INF-034"]
        "answers 404 PATIENT_NOT_FOUND for a patient who dissented, instead of 403 NO_PATIENT_CONSENT";
    AllergiesListIncludesResolved = "allergies-list-includes-resolved" ["RFA-INF-035", "RFA-INF-037"]
        "puts ended allergies in the active allergies list";
    EndedAllergiesIgnoreFlag = "ended-allergies-ignore-flag" ["RFA-INF-036"]
        "returns the Ended allergies list even when includeResolvedAllergies is false";
    EmptyListWithoutReason = "empty-list-without-reason" ["RFA-INF-037"]
        "returns empty clinical lists without emptyReason and note";
    ConfidentialItemsLeaked = "confidential-items-leaked" ["RFA-INF-035", "RFA-INF-038", "RFA-INF-040", "RFA-INF-041", "RFA-INF-042"]
        "returns items marked confidential in the structured record";
    ConfidentialWarningMissing = "confidential-warning-missing" ["RFA-INF-038"]
        "withholds confidential items without the confidential-items warning on their list";
    ResolvedAllergiesPartOptional = "resolved-allergies-part-optional" ["RFA-INF-039"]
        "treats a missing includeResolvedAllergies part as false instead of refusing";
    MedicationOmitsMedicationResource = "medication-omits-medication-resource" ["RFA-INF-024", "RFA-INF-040"]
        "leaves the Medication resources out of the structured record";
    PrescriptionIssuesAlwaysIncluded = "prescription-issues-always-included" ["RFA-INF-041"]
        "returns prescription issues even when includePrescriptionIssues is false";
    MedicationSearchDateIgnored = "medication-search-date-ignored" ["RFA-INF-042"]
        "ignores medicationSearchFromDate";
    MedicationFutureDateAccepted = "medication-future-date-accepted" ["RFA-INF-043"]
        "accepts a medicationSearchFromDate after today";
    ProblemLinkedItemsOmitted = "problem-linked-items-omitted" ["RFA-INF-044"]
        "leaves the items a problem is linked to out of the structured record";
    ProblemFilterStatusIgnored = "problem-filter-status-ignored" ["RFA-INF-045"]
        "ignores the problems filterStatus part parameter";
    ProblemFilterStatusAnyValue = "problem-filter-status-any-value" ["RFA-INF-046"]
        "treats an unknown filterStatus value as no filter instead of refusing";
    ParameterCombinationsUnchecked = "parameter-combinations-unchecked" ["RFA-INF-047"]
        "accepts part parameters GP Connect forbids alongside includeConsultations or includeProblems";
    ImmunisationsNotGivenAlways = "immunisations-not-given-always" ["RFA-INF-048"]
        "returns immunisations that were not given even when includeNotGiven is false";
    ConsultationStructureMissing = "consultation-structure-missing" ["RFA-INF-049"]
        "returns consultations without their Consultation and Topic lists";
    MostRecentIgnored = "most-recent-ignored" ["RFA-INF-050"]
        "ignores includeNumberOfMostRecent and returns every consultation";
    ConsultationPeriodIgnored = "consultation-period-ignored" ["RFA-INF-051"]
        "ignores consultationSearchPeriod";
    ConsultationFiltersCombined = "consultation-filters-combined" ["RFA-INF-052"]
        "accepts consultationSearchPeriod and includeNumberOfMostRecent together";
    SearchPeriodReversedAccepted = "search-period-reversed-accepted" ["RFA-INF-053"]
        "accepts a search period that ends before it starts";
    InvestigationPeriodIgnored = "investigation-period-ignored" ["RFA-INF-054"]
        "ignores investigationSearchPeriod";
    ReferralPeriodIgnored = "referral-period-ignored" ["RFA-INF-055"]
        "ignores referralSearchPeriod";
    UncategorisedPeriodIgnored = "uncategorised-period-ignored" ["RFA-INF-056"]
        "ignores uncategorisedDataSearchPeriod";
    DiaryPastDateAccepted = "diary-past-date-accepted" ["RFA-INF-057"]
        "accepts a diaryEntriesSearchDate before today";
    DataInTransitWarningMissing = "data-in-transit-warning-missing" ["RFA-INF-058"]
        "leaves the data-in-transit warning off the lists of a record still in transit";
    DocumentsSearchReturnsHidden = "documents-search-returns-hidden" ["RFA-INF-059"]
        "returns sensitive, deceased and inactive patients from the documents endpoint's patient search";
    DocumentsOmitIncludedResources = "documents-omit-included-resources" ["RFA-INF-060"]
        "answers a DocumentReference search without the Patient and Organizations it was asked to include";
    DocumentsIncludesOptional = "documents-includes-optional" ["RFA-INF-061"]
        "accepts a DocumentReference search without the mandatory _include parameters";
    DocumentsUnknownPatientEmpty = "documents-unknown-patient-empty" ["RFA-INF-062"]
        "answers a DocumentReference search for a patient id it does not hold with an empty Bundle";
    DocumentsCreatedFilterIgnored = "documents-created-filter-ignored" ["RFA-INF-063"]
        "ignores the created search parameter";
    BinaryContentTypeMismatch = "binary-content-type-mismatch" ["RFA-INF-064", "RFA-COM-009"]
        "serves every document as application/octet-stream whatever its DocumentReference says";
    LargeDocumentUrlListed = "large-document-url-listed" ["RFA-INF-065"]
        "lists a URL for a document over the 5 MB retrieval limit";
    StructuredIgnoresSspTo = "structured-ignores-ssp-to" ["RFA-INF-066"]
        "serves the structured record whatever provider ASID Ssp-To names";
    CapabilityOmitsStructuredOperation = "capability-omits-structured-operation" ["RFA-ACC-022"]
        "leaves gpc.getstructuredrecord out of the structured CapabilityStatement";
    CapabilityOmitsDirectory = "capability-omits-directory" ["RFA-ACC-021"]
        "leaves Organization, Practitioner and Location out of its CapabilityStatement";
    CreateWithoutLocation = "create-without-location" ["RFA-REC-001", "RFA-REC-002"]
        "answers a create without the Location header naming the new entry's version";
    CreateIgnoresPreferMinimal = "create-ignores-prefer-minimal" ["RFA-REC-002"]
        "returns the entry's body even when the consumer asked for Prefer: return=minimal";
    StoresDateOnly = "stores-date-only" ["RFA-REC-001", "RFA-REC-002", "RFA-REC-003", "RFA-REC-013", "RFA-REC-014", "RFA-REC-015", "RFA-REC-017", "RFA-REC-018", "RFA-REC-019", "RFA-REC-020", "RFA-REC-023", "RFA-REC-029", "RFA-REC-031", "RFA-REC-034"]
        "keeps only the date of an entry's time, dropping the time of day";
    ProvenanceFromAuthor = "provenance-from-author" ["RFA-REC-004"]
        "records the entry's author as its recorder instead of the practitioner who made the request";
    ProvenanceDateOnly = "provenance-date-only" ["RFA-REC-004"]
        "records when an entry was recorded to the day, not the second";
    ProvenanceOmitsOrganization = "provenance-omits-organization" ["RFA-REC-004"]
        "does not record the organisation an entry was recorded for";
    AcceptsMissingAuthor = "accepts-missing-author" ["RFA-REC-005"]
        "records entries that name no author";
    InvalidResourceUnnamed = "invalid-resource-unnamed" ["RFA-REC-005", "RFA-REC-006"]
        "refuses an invalid entry without naming the element at fault";
    AcceptsUnknownReferences = "accepts-unknown-references" ["RFA-REC-006"]
        "records entries for patients or by practitioners it does not hold";
    AcceptsWrongResourceType = "accepts-wrong-resource-type" ["RFA-REC-007"]
        "records a resource of another type sent to an entry type's endpoint";
    SnomedCheckDigitIgnored = "snomed-check-digit-ignored" ["RFA-REC-008"]
        "accepts SNOMED CT concept ids with a wrong Verhoeff check digit";
    AcceptsAnyCodeSystem = "accepts-any-code-system" ["RFA-REC-009"]
        "records entries coded only in another code system than SNOMED CT";
    AcceptsInvalidUcum = "accepts-invalid-ucum" ["RFA-REC-010"]
        "records quantities whose unit is not UCUM";
    AcceptsUnitMismatch = "accepts-unit-mismatch" ["RFA-REC-010", "RFA-DEV-004"]
        "records a reading in a unit that measures something else (a body weight in cm)";
    AcceptsImpreciseTime = "accepts-imprecise-time" ["RFA-REC-011"]
        "records entries whose time is not to the second with a zone";
    AcceptsFutureTime = "accepts-future-time" ["RFA-REC-011"]
        "records entries dated in the future";
    AcceptsDuplicates = "accepts-duplicates" ["RFA-REC-012", "RFA-DEV-009"]
        "records a second entry with an identifier already in use";
    UpdateNotStored = "update-not-stored" ["RFA-REC-013", "RFA-REC-015", "RFA-REC-016", "RFA-REC-017", "RFA-REC-020"]
        "answers an amendment as made but keeps the entry as it was";
    UpdateWithoutIfMatchAccepted = "update-without-if-match-accepted" ["RFA-REC-014"]
        "amends entries without If-Match";
    IgnoresIfMatch = "ignores-if-match" ["RFA-REC-014", "RFA-REC-015", "RFA-REC-016"]
        "amends entries whatever version If-Match names (last write wins)";
    UpdateRace = "update-race" ["RFA-REC-016"]
        "checks If-Match and writes in two steps, so two amendments of one version can both succeed";
    HistoryOverwritten = "history-overwritten" ["RFA-REC-017"]
        "keeps only an entry's latest version";
    UpdateMovesEntry = "update-moves-entry" ["RFA-REC-018"]
        "lets an amendment move an entry to another patient's record";
    DeleteRemoves = "delete-removes" ["RFA-REC-019"]
        "deletes entries on DELETE, leaving no trace in the record";
    EnteredInErrorSearchable = "entered-in-error-searchable" ["RFA-REC-020"]
        "returns entries marked entered-in-error in searches";
    SearchIgnoresPatient = "search-ignores-patient" ["RFA-REC-021"]
        "returns entries of every patient from a search for one";
    SearchIgnoresCode = "search-ignores-code" ["RFA-REC-022"]
        "ignores the code search parameter";
    SearchDatePrefixesAsEq = "search-date-prefixes-as-eq" ["RFA-REC-023"]
        "treats every date prefix (ge, le, gt, lt) as eq";
    SearchIgnoresStatus = "search-ignores-status" ["RFA-REC-024"]
        "ignores the status search parameter";
    PagingIgnoresCount = "paging-ignores-count" ["RFA-REC-025"]
        "returns every match on one page whatever _count asks";
    NextLinkRepeatsPage = "next-link-repeats-page" ["RFA-REC-025"]
        "gives a next link that returns the same page again";
    SearchIgnoresInclude = "search-ignores-include" ["RFA-REC-026"]
        "accepts _include of the author but leaves the author out";
    SearchAcceptsInvalidParameters = "search-accepts-invalid-parameters" ["RFA-REC-027"]
        "ignores unknown search parameters and unparseable dates instead of refusing them";
    SearchIgnoresIdentifier = "search-ignores-identifier" ["RFA-REC-028", "RFA-REC-012"]
        "ignores the identifier search parameter";
    WritesWithReadScope = "writes-with-read-scope" ["RFA-REC-029"]
        "records and amends entries for a token scoped patient/*.read";
    OrganizationScopeReadsEntries = "organization-scope-reads-entries" ["RFA-REC-030"]
        "serves clinical entries to a token scoped organization/*.read";
    WritesForAnyReason = "writes-for-any-reason" ["RFA-REC-031"]
        "records entries whatever reason_for_request says";
    IgnoresRelationship = "ignores-relationship" ["RFA-REC-032", "RFA-XCS-005"]
        "serves and records entries for an organisation with no relationship to the practice";
    RestrictedEntriesShown = "restricted-entries-shown" ["RFA-REC-033"]
        "shows restricted (conf/R) entries to a token without conf/R";
    AuditSkipsReads = "audit-skips-reads" ["RFA-REC-034", "RFA-REC-035", "RFA-REC-036", "RFA-REC-037", "RFA-REC-039"]
        "audits writes only";
    AuditWithoutTraceId = "audit-without-trace-id" ["RFA-REC-034", "RFA-REC-035", "RFA-REC-036", "RFA-REC-037", "RFA-REC-039", "RFA-REC-040", "RFA-XCS-004"]
        "audits requests without their Ssp-TraceID";
    AuditSkipsRefused = "audit-skips-refused" ["RFA-REC-035"]
        "does not audit refused or failed requests";
    AuditOutcomeAlwaysSuccess = "audit-outcome-always-success" ["RFA-REC-035"]
        "audits every request as a success";
    AuditOmitsRequester = "audit-omits-requester" ["RFA-REC-036", "RFA-XCS-004"]
        "audits requests without the requesting practitioner and organisation";
    AuditSequenceFromClock = "audit-sequence-from-clock" ["RFA-REC-037"]
        "numbers audit records by the clock's second, so records in one second share a number";
    AuditReadableWithPatientScope = "audit-readable-with-patient-scope" ["RFA-REC-038"]
        "lets any patient/*.read token read the audit trail";
    AuditTrailEditable = "audit-trail-editable" ["RFA-REC-039"]
        "deletes audit records on DELETE";
    AuditSkipsAuditReads = "audit-skips-audit-reads" ["RFA-REC-040"]
        "does not audit reads of the audit trail";
    RegisterSkipsPdsTrace = "register-skips-pds-trace" ["RFA-REC-043"]
        "registers a patient without tracing them on PDS";
    RegisterAllowsDuplicates = "register-allows-duplicates" ["RFA-REC-042"]
        "registers a patient who is already registered";
    RegisterAsRegular = "register-as-regular" ["RFA-REC-041"]
        "registers patients through the API as regular (GMS) patients instead of temporary residents";
    RegisterAcceptsInvalidNhsNumber = "register-accepts-invalid-nhs-number" ["RFA-REC-044"]
        "registers a patient under an NHS number that fails Modulus 11 or that PDS retired";
    RegisterAcceptsIncompletePatient = "register-accepts-incomplete-patient" ["RFA-REC-045"]
        "registers a patient without a family name, gender or birth date";
    FreeSearchIgnoresWindow = "free-search-ignores-window" ["RFA-ONL-001"]
        "returns free slots outside the start and end of the search";
    FreeSearchAcceptsLooseBounds = "free-search-accepts-loose-bounds" ["RFA-ONL-002"]
        "answers a free slot search without start or end, or with other prefixes";
    FreeSearchAcceptsPartialDates = "free-search-accepts-partial-dates" ["RFA-ONL-003"]
        "reads a partial start or end as best it can instead of refusing it";
    FreeSearchAcceptsAnyWindow = "free-search-accepts-any-window" ["RFA-ONL-004"]
        "answers a free slot search whose end is before its start, or that spans more than 14 days";
    FreeSearchWithoutStatus = "free-search-without-status" ["RFA-ONL-005"]
        "answers a free slot search without status=free";
    FreeSearchIgnoresInclude = "free-search-ignores-include" ["RFA-ONL-006"]
        "leaves the Schedules, Practitioners and Locations asked for with _include out";
    FreeSearchReturnsBusy = "free-search-returns-busy" ["RFA-ONL-007"]
        "returns busy slots from a search for free ones";
    FreeSearchIgnoresOrganisationType = "free-search-ignores-organisation-type" ["RFA-ONL-008", "RFA-ONL-016"]
        "offers slots kept for one type of organisation to every consumer";
    BookingWithoutEtag = "appointment-without-etag" ["RFA-ONL-009", "RFA-ONL-014", "RFA-ONL-026"]
        "answers bookings and reads of appointments without the version's ETag";
    BookingWithoutValidation = "booking-without-validation" ["RFA-ONL-010"]
        "books appointments without a patient, a booking organisation, status booked or the slot's times";
    BookedSlotStillFree = "booked-slot-still-free" ["RFA-ONL-011", "RFA-ONL-039"]
        "keeps offering a booked slot as free";
    BookingAllowsDoubleBooking = "booking-allows-double-booking" ["RFA-ONL-012", "RFA-ONL-013"]
        "books a slot that is already booked";
    BookingRace = "booking-race" ["RFA-ONL-013"]
        "checks and books a slot in two steps, so two bookings at once can both succeed";
    CancelWithoutReason = "cancel-without-reason" ["RFA-ONL-015"]
        "cancels an appointment without a cancellation reason";
    CancelKeepsSlot = "cancel-keeps-slot" ["RFA-ONL-016"]
        "leaves the slot of a cancelled appointment unavailable";
    PatientAppointmentsIgnoreRange = "patient-appointments-ignore-range" ["RFA-ONL-017"]
        "returns all of a patient's appointments whatever range is asked for";
    AmendAnything = "amend-anything" ["RFA-ONL-019"]
        "accepts an amendment that changes the start, the slot, the patient or the status";
    AmendWithoutIfMatch = "amend-without-if-match" ["RFA-ONL-020"]
        "amends appointments without If-Match, or against a stale version";
    AmendAnyStatus = "amend-any-status" ["RFA-ONL-021"]
        "amends cancelled appointments";
    PastAppointmentsChange = "past-appointments-change" ["RFA-ONL-022"]
        "cancels and amends appointments whose day has gone";
    CancelIgnoresIfMatch = "cancel-ignores-if-match" ["RFA-ONL-023"]
        "cancels an appointment whatever version If-Match names";
    FreeSearchIgnoresDeliveryChannel = "free-search-ignores-delivery-channel" ["RFA-ONL-024"]
        "ignores a delivery-channel searchFilter and returns slots of every channel";
    BookingAnswersMinimal = "booking-answers-minimal" ["RFA-ONL-025"]
        "answers every booking without a body, as if return=minimal were asked for";
    PatientSeesOtherPatients = "patient-sees-other-patients" ["RFA-ONL-028", "RFA-ONL-029", "RFA-ONL-038"]
        "serves a patient-scoped token another patient's appointments, bookings and record";
    PatientAccessLeaksExistence = "patient-access-leaks-existence" ["RFA-ONL-029"]
        "answers a patient asking for an unknown patient or appointment 404, telling them who is not registered";
    PatientReadsWholeRecord = "patient-reads-whole-record" ["RFA-ONL-031"]
        "gives a patient-scoped token every part of the structured record, not the summary";
    PatientTokenServesEverything = "patient-token-serves-everything" ["RFA-COM-007", "RFA-ARR-009", "RFA-DSP-014", "RFA-EPS-032", "RFA-FIN-008", "RFA-ONL-032"]
        "lets a patient-scoped token record entries, read the audit trail, find and register patients";
    PatientTokenUnchecked = "patient-token-unchecked" ["RFA-ONL-033"]
        "accepts a patient-scoped token without P9 identity proofing or the patient's NHS number";
    RepeatRequestApproved = "repeat-request-approved" ["RFA-ONL-034", "RFA-ONL-035"]
        "approves repeat requests as they are made instead of leaving them for the practice";
    RepeatRequestsNotListed = "repeat-requests-not-listed" ["RFA-ONL-035"]
        "answers a repeat request 201 but keeps no record of it";
    RepeatRequestAnyMedication = "repeat-request-any-medication" ["RFA-ONL-036"]
        "accepts repeat requests for acute, ended and other organisations' medications";
    RepeatRequestForOthers = "repeat-request-for-others" ["RFA-ONL-037"]
        "takes repeat requests for other patients and their medications";
    ArrivalTimeNotStamped = "arrival-time-not-stamped" ["RFA-ARR-001", "RFA-ARR-002", "RFA-ARR-005", "RFA-ARR-007", "RFA-ARR-008"]
        "records the appointment's start as the arrival time instead of when the patient arrived";
    AttendanceNotKept = "attendance-not-kept" ["RFA-ARR-002", "RFA-ARR-005", "RFA-ARR-006", "RFA-ARR-007", "RFA-ARR-008"]
        "answers an arrival or did-not-attend 200 but does not keep it";
    ArrivalAnyDay = "arrival-any-day" ["RFA-ARR-003"]
        "marks arrival on appointments of any day";
    ArrivalForAnyPatient = "arrival-for-any-patient" ["RFA-ARR-004"]
        "marks an appointment arrived whichever patient the arrival names";
    ArrivalAnyStatus = "arrival-any-status" ["RFA-ARR-005"]
        "marks cancelled, arrived and did-not-attend appointments arrived";
    DidNotAttendBeforeTheDay = "did-not-attend-before-the-day" ["RFA-ARR-007"]
        "marks did-not-attend before the appointment's day";
    DidNotAttendAnyStatus = "did-not-attend-any-status" ["RFA-ARR-007"]
        "marks did-not-attend on an appointment the patient arrived for";
    CancelAnyStatus = "cancel-any-status" ["RFA-ARR-008"]
        "cancels appointments the patient arrived for or did not attend";
    AmendNotKept = "amend-not-kept" ["RFA-ONL-018", "RFA-ONL-020", "RFA-ONL-023"]
        "answers an amendment 200 at the next version but keeps the appointment as it was";
    PatientTokenRefused = "patient-token-refused" [
        "RFA-ONL-026", "RFA-ONL-027", "RFA-ONL-028", "RFA-ONL-030", "RFA-ONL-032", "RFA-ONL-033", "RFA-ONL-034",
        "RFA-ONL-035", "RFA-ONL-036", "RFA-ONL-037"
    ]
        "refuses every patient-scoped token: patients online cannot book, read or ask for anything";
    AttendanceUnknownInvalid = "attendance-unknown-invalid" ["RFA-ARR-010"]
        "answers an arrival for an appointment it does not hold 422 instead of 404";
    BookingKeepsFirstSlotOnly = "booking-keeps-first-slot-only" ["RFA-ONL-039"]
        "books an appointment of several slots on its first slot only, leaving the others free";
    BookingAcceptsGaps = "booking-accepts-gaps" ["RFA-ONL-039"]
        "books slots that do not follow one another as one appointment";
    PrescriptionDropsDosage = "prescription-drops-dosage" ["RFA-EPS-001"]
        "answers a new prescription without the dosage instructions it was sent";
    ShortFormIdBadCheck = "short-form-id-bad-check" ["RFA-EPS-002", "RFA-EPS-014"]
        "gives prescriptions short-form IDs whose last character is not the MOD 37-2 check character";
    ShortFormIdWithoutOds = "short-form-id-without-ods" ["RFA-EPS-003"]
        "puts another organisation's code, not the practice's ODS code, in the short-form ID's middle block";
    ShortFormIdReused = "short-form-id-reused" ["RFA-EPS-004"]
        "gives a patient's later prescriptions the short-form ID of their first";
    PrescriptionsNotListed = "prescriptions-not-listed" ["RFA-DSP-006", "RFA-EPS-005"]
        "does not list a patient's prescriptions in a prescription search";
    OmitsAuthoredOn = "omits-authored-on" ["RFA-EPS-001", "RFA-EPS-006"]
        "does not stamp authoredOn on a new prescription";
    AcceptsMissingDosageText = "accepts-missing-dosage-text" ["RFA-EPS-007"]
        "issues prescriptions without dosage text";
    AcceptsUnstructuredDose = "accepts-unstructured-dose" ["RFA-EPS-008"]
        "issues prescriptions with dosage text only, no structured dose";
    AcceptsMissingQuantity = "accepts-missing-quantity" ["RFA-EPS-009"]
        "issues prescriptions without a positive quantity";
    AcceptsAnyQuantityUnit = "accepts-any-quantity-unit" ["RFA-EPS-010"]
        "accepts a quantity in a unit the product is not counted in";
    AcceptsAnyPrescriber = "accepts-any-prescriber" ["RFA-EPS-011"]
        "issues prescriptions whose prescriber is not a practitioner it knows by SDS user id";
    AcceptsMalformedNomination = "accepts-malformed-nomination" ["RFA-EPS-012"]
        "accepts a nominated dispenser that is not a well-formed ODS code";
    AllowsPaperPrescriptions = "allows-paper-prescriptions" ["RFA-EPS-013"]
        "prints paper-only prescriptions for patients who can receive electronic ones";
    UnnominatedGoesPaper = "unnominated-goes-paper" ["RFA-EPS-001", "RFA-EPS-002", "RFA-EPS-003", "RFA-EPS-004", "RFA-EPS-014"]
        "issues a prescription without a nominated dispenser on paper, with no short-form ID";
    PrescribesForUnknownPatient = "prescribes-for-unknown-patient" ["RFA-EPS-015"]
        "issues prescriptions for patients who are not registered here";
    AcceptsMissingPrescriptionType = "accepts-missing-prescription-type" ["RFA-EPS-016"]
        "takes a prescription without a prescription type as acute";
    AcuteWithRepeats = "acute-with-repeats" ["RFA-EPS-017"]
        "accepts further issues on an acute prescription";
    RepeatWithoutIssues = "repeat-without-issues" ["RFA-EPS-018"]
        "accepts a repeat that authorises no further issue";
    RepeatDispensingUnbounded = "repeat-dispensing-unbounded" ["RFA-EPS-019"]
        "accepts repeat-dispensing prescriptions without issues or with no or too late an end";
    NoExpiry = "no-expiry" ["RFA-EPS-001", "RFA-EPS-019", "RFA-EPS-020", "RFA-EPS-028"]
        "gives prescriptions no validity end";
    AcceptsLongValidity = "accepts-long-validity" ["RFA-EPS-019", "RFA-EPS-021"]
        "accepts a validity period longer than the law allows, or starting in the past";
    CancelDropsReason = "cancel-drops-reason" ["RFA-EPS-022"]
        "cancels a prescription without keeping the reason";
    CancelsWithoutReason = "cancels-without-reason" ["RFA-EPS-023"]
        "cancels prescriptions without a reason, or with a reason EPS does not know";
    CancelNotKept = "cancel-not-kept" ["RFA-DSP-005", "RFA-EPS-024"]
        "answers a cancellation as done but leaves the prescription as it was";
    CancelsDispensed = "cancels-dispensed" ["RFA-EPS-025"]
        "cancels prescriptions that have already been dispensed";
    CdWithoutWords = "cd-without-words" ["RFA-EPS-026"]
        "issues Schedule 2 and 3 controlled drugs without the quantity in words";
    CdWordsUnchecked = "cd-words-unchecked" ["RFA-EPS-027"]
        "does not check that a controlled drug's quantity in words says the quantity in figures";
    CdLongValidity = "cd-long-validity" ["RFA-EPS-028"]
        "gives Schedule 2, 3 and 4 controlled drugs six months' validity instead of 28 days";
    CdAnySupply = "cd-any-supply" ["RFA-EPS-029"]
        "prescribes more than 30 days' supply of Schedule 2, 3 and 4 controlled drugs";
    CdRepeatDispensing = "cd-repeat-dispensing" ["RFA-EPS-030"]
        "puts Schedule 2 and 3 controlled drugs on repeat dispensing";
    WordsForEveryDrug = "words-for-every-drug" ["RFA-EPS-002", "RFA-EPS-028", "RFA-EPS-031"]
        "demands the quantity in words for every controlled drug, Schedules 4 and 5 too";
    PatientsCanPrescribe = "patients-can-prescribe" ["RFA-EPS-032"]
        "lets a patient-scoped token issue prescriptions";
    DispenseDropsPrescription = "dispense-drops-prescription" ["RFA-DSP-001"]
        "answers a dispense without the prescription it was made against";
    PartialMarksDispensed = "partial-marks-dispensed" ["RFA-DSP-002"]
        "marks a prescription dispensed after the first part of it is supplied";
    DispensedNotMarked = "dispensed-not-marked" ["RFA-DSP-003"]
        "never marks a fully supplied prescription dispensed";
    OverDispensing = "over-dispensing" ["RFA-DSP-004"]
        "dispenses more than was prescribed";
    DispensesCancelled = "dispenses-cancelled" ["RFA-DSP-005"]
        "dispenses cancelled prescriptions";
    DispensesExpired = "dispenses-expired" ["RFA-DSP-006"]
        "dispenses expired prescriptions";
    DispensesOtherMedication = "dispenses-other-medication" ["RFA-DSP-007"]
        "records a dispense of a different medicine from the one prescribed";
    DispensesToOtherPatient = "dispenses-to-other-patient" ["RFA-DSP-008"]
        "records a dispense for a different patient from the prescription's";
    DispensesToAnyone = "dispenses-to-anyone" ["RFA-DSP-009"]
        "dispenses to patients who are not the practice's dispensing patients";
    DispensesNominatedElsewhere = "dispenses-nominated-elsewhere" ["RFA-DSP-010"]
        "dispenses prescriptions nominated to another dispenser";
    DispenseAnyUnit = "dispense-any-unit" ["RFA-DSP-011"]
        "records dispenses in any unit, or of nothing";
    DispensesNotListed = "dispenses-not-listed" ["RFA-DSP-012"]
        "does not list the dispenses made against a prescription";
    RepeatDispensingUnlimited = "repeat-dispensing-unlimited" ["RFA-DSP-013"]
        "dispenses a repeat-dispensing prescription more times than it has issues";
    PatientsCanDispense = "patients-can-dispense" ["RFA-DSP-014"]
        "lets a patient-scoped token record dispenses";
    DispenseUnknownPrescription = "dispense-unknown-prescription" ["RFA-DSP-015"]
        "records dispenses against prescriptions it does not hold";
    LookupWrongDisplay = "lookup-wrong-display" ["RFA-KNW-001", "RFA-KNW-003"]
        "answers a product look-up with its ingredient's name instead of the product's";
    LookupProductsOnly = "lookup-products-only" ["RFA-KNW-002"]
        "looks up dm+d products only, not SNOMED CT clinical concepts";
    LookupHidesInactive = "lookup-hides-inactive" ["RFA-KNW-003"]
        "answers inactive concepts as active";
    LookupInventsUnknown = "lookup-invents-unknown" ["RFA-KNW-004"]
        "answers a look-up of a code it does not hold with a made-up concept";
    LookupNoCheckDigit = "lookup-no-check-digit" ["RFA-KNW-005"]
        "does not check a looked-up code's form and check digit: a malformed code is just not found";
    PrescribesUnknownCode = "prescribes-unknown-code" ["RFA-KNW-006"]
        "prescribes codes that are not in its knowledge base";
    PrescribesInactiveCode = "prescribes-inactive-code" ["RFA-KNW-007"]
        "prescribes products dm+d has made invalid";
    PrescribingNoCheckDigit = "prescribing-no-check-digit" ["RFA-KNW-008"]
        "does not check the system and check digit of a prescribed code";
    PrescribesVtm = "prescribes-vtm" ["RFA-KNW-009"]
        "prescribes a VTM (a drug, not a product)";
    NoAllergyCheck = "no-allergy-check" ["RFA-KNW-010", "RFA-KNW-011", "RFA-KNW-019"]
        "does not check a prescription against the patient's allergies";
    OverrideNotRecorded = "override-not-recorded" ["RFA-KNW-011", "RFA-KNW-013", "RFA-KNW-019"]
        "lets a prescriber override a high-severity alert without keeping the alert and the reason";
    NoInteractionCheck = "no-interaction-check" ["RFA-KNW-012", "RFA-KNW-013", "RFA-KNW-014", "RFA-KNW-018", "RFA-KNW-019"]
        "does not check a prescription against the patient's current medication";
    ModerateBlocks = "moderate-blocks" ["RFA-KNW-014", "RFA-KNW-015", "RFA-KNW-019"]
        "stops prescriptions for moderate alerts as if they were high-severity";
    NoDuplicateCheck = "no-duplicate-check" ["RFA-KNW-015"]
        "does not warn of duplicate therapy";
    AlertsOnResolvedAllergy = "alerts-on-resolved-allergy" ["RFA-KNW-016"]
        "alerts on allergies that have resolved";
    OverrideWithoutReason = "override-without-reason" ["RFA-KNW-017"]
        "lets a prescriber override an alert without giving a reason";
    KbIgnoresNewPrescriptions = "kb-ignores-new-prescriptions" ["RFA-KNW-018"]
        "checks interactions against the record's repeats only, not against prescriptions just issued";
    AlertsLostOnRead = "alerts-lost-on-read" ["RFA-KNW-019"]
        "keeps no alert with the prescription: reading it back shows none";
    ClaimDropsItems = "claim-drops-items" ["RFA-FIN-001"]
        "answers a new claim without its items";
    ClaimsUnrecordedService = "claims-unrecorded-service" ["RFA-FIN-002"]
        "accepts claims for services that are not in the patient's record";
    AcceptsDuplicateClaims = "accepts-duplicate-claims" ["RFA-FIN-003"]
        "pays the same service twice";
    ItemNetUnchecked = "item-net-unchecked" ["RFA-FIN-004"]
        "does not check that an item's net is its quantity times its unit price";
    TotalUnchecked = "total-unchecked" ["RFA-FIN-005"]
        "does not check that a claim's total is the sum of its items";
    AnyFee = "any-fee" ["RFA-FIN-006"]
        "accepts any price, currency or service code instead of the fee schedule's";
    ClaimsNotListed = "claims-not-listed" ["RFA-FIN-007"]
        "does not list a patient's claims";
    PatientsCanClaim = "patients-can-claim" ["RFA-FIN-008"]
        "lets a patient-scoped token make finance claims";
    ServiceDateUnchecked = "service-date-unchecked" ["RFA-FIN-009"]
        "accepts a service date that is not the date of the service recorded, or in the future";
    Tls12Refused = "tls12-refused" ["RFA-ACC-023", "RFA-ACC-025"]
        "serves its TLS endpoint over TLS 1.3 only, so a TLS 1.2 client (as GP Connect requires) cannot connect";
    OldTlsAccepted = "old-tls-accepted" ["RFA-ACC-024"]
        "its TLS endpoint (OpenSSL at security level 0) also agrees to TLS 1.0 and TLS 1.1";
    WeakCiphersAccepted = "weak-ciphers-accepted" ["RFA-ACC-025"]
        "under TLS 1.2 its TLS endpoint agrees to any cipher suite OpenSSL has, not only the approved AES-GCM and AES-256 ephemeral-key ones";
    PlainHttpServed = "plain-http-served" ["RFA-ACC-026"]
        "its TLS port sniffs the first byte and serves plain HTTP to a client that does not start a TLS handshake";
    ClientCertificateOptional = "client-certificate-optional" ["RFA-ACC-027"]
        "asks for a client certificate but serves a client that presents none";
    AnyClientAuthority = "any-client-authority" ["RFA-ACC-028"]
        "accepts a client certificate whoever issued it, self-signed included";
    ClientValidityUnchecked = "client-validity-unchecked" ["RFA-ACC-029"]
        "accepts a client certificate outside its validity period (expired, or not yet valid)";
    ClientNameUnchecked = "client-name-unchecked" ["RFA-ACC-030"]
        "accepts a client certificate from the right authority whatever name it was issued to";
    ServerCertificateWrongName = "server-certificate-wrong-name" ["RFA-ACC-031"]
        "its TLS endpoint presents a certificate issued to another host name";
    ServerCertificateExpired = "server-certificate-expired" ["RFA-ACC-031"]
        "its TLS endpoint presents a certificate that expired yesterday";
    CorsOpen = "cors-open" ["RFA-ACC-032"]
        "answers any Origin with Access-Control-Allow-Origin echoing it, credentials allowed, preflights included";
    DeviceNotReadable = "device-not-readable" ["RFA-DEV-001"]
        "registers devices but answers a read of one with 404";
    DeviceRegistrationUnchecked = "device-registration-unchecked" ["RFA-DEV-002"]
        "registers any device: unknown types, no serial number, patients not registered here";
    ReadingDropsDevice = "reading-drops-device" ["RFA-DEV-003", "RFA-DEV-004"]
        "files a device reading without its device reference";
    DeviceUnitsUnchecked = "device-units-unchecked" ["RFA-DEV-004"]
        "does not check the units of a device reading's blood pressure components";
    ImplausibleReadingsAccepted = "implausible-readings-accepted" ["RFA-DEV-005"]
        "files device readings whatever their value: 0 kg, 120 % saturation, a systolic below the diastolic";
    DeviceOwnerUnchecked = "device-owner-unchecked" ["RFA-DEV-006"]
        "files a reading to whichever patient it names, whoever the device was issued to";
    DeviceMeasuresAnything = "device-measures-anything" ["RFA-DEV-007"]
        "takes any kind of reading from any device (a weight from a pulse oximeter)";
    BloodPressureComponentsOptional = "blood-pressure-components-optional" ["RFA-DEV-008"]
        "files a blood pressure reading without both its systolic and diastolic components";
    DuplicateReadingsFiled = "duplicate-readings-filed" ["RFA-DEV-009"]
        "files a device's reading again when it is resent under a new identifier";
    MessagesWithoutSentTime = "messages-without-sent-time" ["RFA-COM-001"]
        "accepts a message but does not stamp the time it was sent";
    MessagesUnchecked = "messages-unchecked" ["RFA-COM-002"]
        "accepts a message from any sender, to no one or to practitioners not held here, with no text";
    InboxMissesCopies = "inbox-misses-copies" ["RFA-COM-003"]
        "an inbox holds only the messages whose first recipient it belongs to";
    MessagesVisibleToAll = "messages-visible-to-all" ["RFA-COM-004", "RFA-COM-006"]
        "any practitioner can search any inbox and read any message";
    AcknowledgementNotKept = "acknowledgement-not-kept" ["RFA-COM-005"]
        "answers an acknowledgement with a completed message but does not keep it";
    AnyoneAcknowledges = "anyone-acknowledges" ["RFA-COM-006"]
        "lets the sender, or anyone who can name the message, acknowledge it for its addressee";
    MessagesAboutAnyone = "messages-about-anyone" ["RFA-COM-007"]
        "accepts a message about a patient not registered here";
    CareSettingsRefused = "care-settings-refused" ["RFA-XCS-001", "RFA-XCS-003", "RFA-XCS-004"]
        "refuses other care settings' sharing agreements: their reads are refused as if they had none";
    CareSettingsReadEverything = "care-settings-read-everything" ["RFA-XCS-002"]
        "gives another care setting every part of the structured record it asks for, whatever its sharing agreement covers";
    AuditMisnamesCareSettings = "audit-misnames-care-settings" ["RFA-XCS-004"]
        "audits another care setting's reads under the practice's own ODS code";
    CareSettingsWrite = "care-settings-write" ["RFA-XCS-005"]
        "lets another care setting with a read-only sharing agreement record and amend entries";
    FiledWithoutUrl = "filed-without-url" ["RFA-COM-008", "RFA-COM-009", "RFA-COM-011"]
        "files a document but answers its DocumentReference without a url to its content";
    FiledDocumentsNotListed = "filed-documents-not-listed" ["RFA-COM-009"]
        "files documents that the patient's document search never finds";
    AnyContentType = "any-content-type" ["RFA-COM-010"]
        "files a document of any content type, executables and web pages included";
    NoDocumentSizeLimit = "no-document-size-limit" ["RFA-COM-011"]
        "files documents of any size";
    DocumentSizeUnchecked = "document-size-unchecked" ["RFA-COM-012"]
        "files a document whose declared size is not the size of its content";
    DocumentsUnchecked = "documents-unchecked" ["RFA-COM-013"]
        "files a document for a patient not registered here, with no type, or with no content";
    ConsumerSkipsPdsTrace = "consumer-skips-pds-trace" ["RFA-REC-046", "RFA-REC-047", "RFA-REC-048", "RFA-REC-049", "RFA-REC-050", "RFA-REC-051", "RFA-REC-052", "RFA-REC-053"]
        "registers a new patient with the details as typed, without tracing them on PDS";
    ReusesPdsRequestId = "reuses-pds-request-id" ["RFA-REC-047"]
        "sends every PDS request with the same X-Request-ID";
    RegistersAmbiguousTrace = "registers-ambiguous-trace" ["RFA-REC-048"]
        "registers the first of several PDS matches instead of refusing an ambiguous trace";
    RegistersOnTooManyMatches = "registers-on-too-many-matches" ["RFA-REC-048"]
        "reads PDS's TOO_MANY_MATCHES (a 200 with no Bundle) as no answer and registers the patient untraced, as typed";
    RegistersRestrictedAsOrdinary = "registers-restricted-as-ordinary" ["RFA-REC-053"]
        "registers a patient PDS restricts as an ordinary patient, so its GP Connect API finds them";
    RefusesRestrictedTrace = "refuses-restricted-trace" ["RFA-REC-053"]
        "refuses to register a patient because PDS restricts them (restriction hides where they live; it does not bar registration)";
    PdsUnknownParameter = "pds-unknown-parameter" ["RFA-REC-046", "RFA-REC-050", "RFA-REC-053"]
        "traces on PDS with `sex` for gender, a parameter PDS does not know and refuses";
    RegistersWhenPdsFails = "registers-when-pds-fails" ["RFA-REC-049"]
        "registers the patient untraced, as typed, when PDS answers an error";
    KeepsTypedDemographics = "keeps-typed-demographics" ["RFA-REC-050"]
        "registers a traced patient with the name as typed rather than PDS's";
    KeepsSupersededNhsNumber = "keeps-superseded-nhs-number" ["RFA-REC-051"]
        "registers a patient under the NHS number asked for even when PDS answers with the record's current one";
    RegistersDeceasedTrace = "registers-deceased-trace" ["RFA-REC-052"]
        "registers a patient PDS records as deceased";
    EpsOrderWithoutDmdCode = "eps-order-without-dmd-code" ["RFA-EPS-033"]
        "sends the medicine to EPS as text only, without its dm+d code";
    EpsBadCheckCharacter = "eps-bad-check-character" ["RFA-EPS-034"]
        "gives prescription IDs a wrong check character";
    EpsMissingSessionUrid = "eps-missing-session-urid" ["RFA-EPS-035"]
        "sends EPS requests without the NHSD-Session-URID header";
    EpsMissingPrescriberId = "eps-missing-prescriber-id" ["RFA-EPS-036"]
        "names the prescriber in EPS messages without their SDS user id";
    EpsUnsigned = "eps-unsigned" ["RFA-EPS-037"]
        "sends prescription orders to EPS without the prescriber's signature (Provenance)";
    EpsNoRetry = "eps-no-retry" ["RFA-EPS-038", "RFA-EPS-039"]
        "gives up on a submission at EPS's first 503 and holds the prescription";
    EpsRetryNewIdentifiers = "eps-retry-new-identifiers" ["RFA-EPS-039"]
        "retries an EPS submission as a new message: new message identifier, prescription ID and X-Request-ID";
    EpsRetriesRejections = "eps-retries-rejections" ["RFA-EPS-040"]
        "retries an EPS submission that EPS rejected as invalid (400)";
    EpsRetriesForever = "eps-retries-forever" ["RFA-EPS-041"]
        "tries an EPS submission twelve times before holding it";
    EpsCancelWrongPrescription = "eps-cancel-wrong-prescription" ["RFA-EPS-042"]
        "sends a cancellation to EPS under a new prescription ID rather than the cancelled one's";
    EpsResubmitsCancelled = "eps-resubmits-cancelled" ["RFA-EPS-043"]
        "sends held prescriptions to EPS even when they were cancelled while held";
    ConsumerSkipsSds = "consumer-skips-sds" ["RFA-INF-067", "RFA-INF-068", "RFA-INF-069", "RFA-INF-072", "RFA-INF-074"]
        "calls a provider at an address it builds itself, without looking the endpoint up in SDS";
    ConsumerSkipsSdsDevice = "consumer-skips-sds-device" ["RFA-INF-068"]
        "sends in Ssp-To an ASID it holds for the provider, without looking the provider's Device up in SDS";
    ConsumerWrongSspTo = "consumer-wrong-ssp-to" ["RFA-INF-068"]
        "sends its own ASID in Ssp-To when retrieving a record, not the provider's from SDS";
    ConsumerWrongJwtAudience = "consumer-wrong-jwt-audience" ["RFA-INF-069"]
        "sends a JWT whose aud is a fixed authorisation URL, not the provider's endpoint";
    ConsumerJwtWithoutUser = "consumer-jwt-without-user" ["RFA-INF-070"]
        "sends a JWT whose requesting_practitioner has no SDS user id";
    ConsumerWrongNhsSystem = "consumer-wrong-nhs-system" ["RFA-INF-071"]
        "asks for a structured record with the NHS number under the retired DSTU2 identifier system";
    ConsumerDoesNotFile = "consumer-does-not-file" ["RFA-INF-072"]
        "retrieves another practice's record but files nothing";
    ConsumerFilesErrors = "consumer-files-errors" ["RFA-INF-073"]
        "files the provider's error answer into the patient's documents as if it were the record";
    ConsumerGuessesEndpoint = "consumer-guesses-endpoint" ["RFA-INF-074"]
        "calls an address it builds itself when SDS lists no endpoint";
    MeshWrongFrom = "mesh-wrong-from" ["RFA-COM-014"]
        "sends MESH messages with the recipient's mailbox in Mex-From";
    MeshReusesNonce = "mesh-reuses-nonce" ["RFA-COM-015", "RFA-COM-016", "RFA-COM-017"]
        "uses the same NHSMESH nonce for every MESH request";
    MeshNoAcknowledge = "mesh-no-acknowledge" ["RFA-COM-016"]
        "downloads MESH messages but never acknowledges them";
    MeshAcksUndownloaded = "mesh-acks-undownloaded" ["RFA-COM-017"]
        "acknowledges MESH messages whose download failed";
}

impl Defect {
    pub fn from_name(name: &str) -> Option<Self> {
        ALL.iter().copied().find(|d| d.name() == name)
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The defects one reference instance runs with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefectSet(BTreeSet<Defect>);

impl DefectSet {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn has(&self, d: Defect) -> bool {
        self.0.contains(&d)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Defect> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Defect> for DefectSet {
    fn from_iter<I: IntoIterator<Item = Defect>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// Parses a `--defect` value, listing the known names when it is unknown.
pub fn parse(name: &str) -> Result<Defect, String> {
    Defect::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = ALL.iter().map(|d| d.name()).collect();
        format!("unknown defect `{name}`; known defects: {}", known.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names = BTreeSet::new();
        for d in ALL {
            assert!(names.insert(d.name()), "duplicate {}", d.name());
            assert_eq!(Defect::from_name(d.name()), Some(*d));
            assert!(!d.targets().is_empty());
        }
        assert!(parse("no-such-defect").unwrap_err().contains("accepts-expired-jwt"));
    }
}
