//! The ways the reference can break information for clinicians (Patient search and read, the directory, Access Record Structured, Access Document, retrieving a record): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    InfDefect {
        SearchRefusesPaging = "search-refuses-paging" ["RFA-INF-001"]
            "refuses a patient search that carries _count or _sort with 400, instead of ignoring them";
        SearchIncludesOrganization = "search-includes-organization" ["RFA-ACC-009", "RFA-ACC-012", "RFA-ACC-013", "RFA-ACC-014", "RFA-ACC-035", "RFA-ACC-036", "RFA-ACC-039", "RFA-ACC-040", "RFA-INF-001", "RFA-INF-008", "RFA-INF-022", "RFA-ACC-044", "RFA-ACC-045"]
            "puts the practice's Organization into every patient search Bundle beside the Patient, as if _include=Patient:generalPractitioner had been asked for";
        UnknownPatient404 = "unknown-patient-404" ["RFA-INF-002", "RFA-INF-059", "RFA-REC-029", "RFA-REC-043", "RFA-REC-045", "RFA-REC-054", "RFA-REC-055", "RFA-REC-056"]
            "answers a search for an NHS number it does not hold with 404 instead of an empty Bundle (so the read-back that a refused registration left no patient is refused too)";
        NoModulus11Check = "no-modulus-11-check" ["RFA-INF-003"]
            "checks that an NHS number has ten digits but not its Modulus 11 check digit";
        AcceptsAnyIdentifierSystem = "accepts-any-identifier-system" ["RFA-INF-004", "RFA-INF-105"]
            "searches by the identifier value whatever identifier system is given";
        LenientIdentifierParameter = "lenient-identifier-parameter" ["RFA-INF-005", "RFA-INF-059"]
            "takes an identifier without a system (or with a blank part) as an NHS number";
        SearchWithoutIdentifierListsAll = "search-without-identifier-lists-all" ["RFA-INF-006", "RFA-INF-059"]
            "answers a patient search with no identifier by listing every patient";
        SearchReturnsInactive = "search-returns-inactive" ["RFA-INF-007"]
            "returns deceased and inactive patients from patient search";
        SearchExposesWithheldFields = "search-exposes-withheld-fields" ["RFA-INF-008", "RFA-INF-059"]
            "patient search returns stored fields GP Connect forbids (maritalStatus, multipleBirth)";
        ReadOmitsId = "read-omits-id" ["RFA-INF-009", "RFA-ACC-044", "RFA-ACC-045"]
            "returns the Patient from a read without its logical id";
        ReadUnknown500 = "read-unknown-500" ["RFA-INF-010", "RFA-ACC-047"]
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
        PractitionerSearchAnySystem = "practitioner-search-any-system" ["RFA-INF-018", "RFA-INF-106"]
            "searches Practitioners by the identifier value whatever identifier system is given";
        PractitionerReadUnknown500 = "practitioner-read-unknown-500" ["RFA-INF-019"]
            "fails with 500 when asked to read a Practitioner id it does not hold";
        LocationEtagIgnoresVersion = "location-etag-ignores-version" ["RFA-INF-020"]
            "sends ETag W/\"1\" on every Location read, whatever the version";
        LocationNotFoundPatientCode = "location-not-found-patient-code" ["RFA-INF-021"]
            "answers a read of an unknown Location with PATIENT_NOT_FOUND (a copied handler)";
        PractitionerIdentifierLenient = "practitioner-identifier-lenient" ["RFA-INF-075", "RFA-INF-106"]
            "takes a Practitioner search identifier without a system (or with a blank one) as an SDS user id";
        PractitionerSearchFirstIdentifier = "practitioner-search-first-identifier" ["RFA-INF-076"]
            "answers a Practitioner search by the first identifier parameter, whatever its case and however many there are";
        UnknownPractitioner404 = "unknown-practitioner-404" ["RFA-INF-017"]
            "answers a Practitioner search for an SDS user id it does not hold with 404 PRACTITIONER_NOT_FOUND instead of an empty Bundle";
        LocationReadBySiteCode = "location-read-by-site-code" ["RFA-ACC-014", "RFA-ACC-015", "RFA-INF-008", "RFA-INF-009", "RFA-INF-020", "RFA-INF-021", "RFA-INF-059", "RFA-ONL-044", "RFA-REC-041", "RFA-ACC-043", "RFA-ACC-044", "RFA-ACC-045", "RFA-REC-058"]
            "looks a Location read up by its ODS site code instead of its logical id, so a read by logical id finds nothing (and the branch surgeries and appointment locations other answers point at do not read back)";
        OrganizationSearchIncludesLocations = "organization-search-includes-locations" ["RFA-ACC-014", "RFA-INF-012", "RFA-INF-077", "RFA-ACC-045"]
            "puts the organisation's Locations into its search Bundle unasked, as if _revinclude=Location:organization had been given";
        OrganizationSearchListsAll = "organization-search-lists-all" ["RFA-INF-077"]
            "answers an Organization search with no identifier by listing every organisation";
        DirectorySearchRefusesPaging = "directory-search-refuses-paging" ["RFA-INF-012", "RFA-INF-017"]
            "refuses Organization and Practitioner searches carrying _count or _sort with 400 BAD_REQUEST";
        OrganizationSecondOdsCode = "organization-second-ods-code" ["RFA-INF-012", "RFA-INF-015"]
            "gives each Organization a second ODS code identifier (a predecessor code)";
        OrganizationForeignExtension = "organization-foreign-extension" ["RFA-INF-012", "RFA-INF-015"]
            "puts a local extension GP Connect does not define on Organizations";
        OrganizationContactPopulated = "organization-contact-populated" ["RFA-INF-012", "RFA-INF-015"]
            "populates Organization.contact and endpoint, which GP Connect does not use";
        OrganizationPartOfDangling = "organization-part-of-dangling" ["RFA-INF-015"]
            "points Organization.partOf at an organisation it does not serve";
        DirectoryTelecomInvalid = "directory-telecom-invalid" ["RFA-INF-012", "RFA-INF-015", "RFA-INF-020"]
            "gives Organization and Location telecoms a use outside the FHIR ContactPointUse codes (`business`)";
        PractitionerRoleProfilesDropped = "practitioner-role-profiles-dropped" ["RFA-INF-017", "RFA-INF-019"]
            "leaves the SDS role profile identifiers off Practitioners";
        PractitionerNotInUsePopulated = "practitioner-not-in-use-populated" ["RFA-INF-017", "RFA-INF-019"]
            "populates Practitioner telecom, address and birthDate, which GP Connect does not use";
        PractitionerLocalIdentifier = "practitioner-local-identifier" ["RFA-INF-017", "RFA-INF-019"]
            "adds a local staff-number identifier to Practitioners";
        PractitionerMalformed = "practitioner-malformed" ["RFA-INF-017", "RFA-INF-019"]
            "gives Practitioners a second name and a communication language with two codings";
        LocationCodingsWithoutDisplay = "location-codings-without-display" ["RFA-INF-020"]
            "sends Location type and physicalType codings without their display";
        LocationPartOfOrganization = "location-part-of-organization" ["RFA-INF-020"]
            "puts the managing Organization in Location.partOf, which must name a Location";
        LocationManagingOrgDangling = "location-managing-org-dangling" ["RFA-INF-020"]
            "points Location.managingOrganization at an organisation it does not serve";
        LocationWrongSiteCode = "location-wrong-site-code" ["RFA-INF-020", "RFA-ACC-014", "RFA-ACC-044", "RFA-ACC-045"]
            "answers a Location read with another site's ODS site code";
        DirectoryCacheable = "directory-cacheable" ["RFA-ACC-015"]
            "lets organisation, practitioner and location answers be cached (Cache-Control: max-age=3600)";
        SearchReturnsHidden = "search-returns-hidden" ["RFA-INF-022", "RFA-REC-053"]
            "returns sensitive and unverified patients from patient search";
        SearchHidesTemporary = "search-hides-temporary" ["RFA-INF-022", "RFA-INF-062"]
            "leaves temporary residents out of patient search, as if they were not active";
        PatientNoBranchSurgery = "patient-no-branch-surgery" ["RFA-INF-008", "RFA-INF-009", "RFA-INF-059"]
            "shows patients without their registration details and preferred branch surgery";
        PatientDanglingReferences = "patient-dangling-references" ["RFA-INF-008", "RFA-INF-009", "RFA-INF-059"]
            "points patients' managingOrganization at an Organization it does not serve";
        PatientTelecomWithoutUse = "patient-telecom-without-use" ["RFA-INF-008", "RFA-INF-009", "RFA-INF-059"]
            "shows patients' telecoms without their use";
        StructuredBundleIdNotTraceId = "structured-bundle-id-not-trace-id" ["RFA-INF-023"]
            "gives the structured record Bundle a fresh id instead of the request's Ssp-TraceID";
        StructuredOmitsUsualGp = "structured-omits-usual-gp" ["RFA-INF-024", "RFA-INF-086", "RFA-REC-004"]
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
        UnknownPartsSilent = "unknown-parts-silent" ["RFA-INF-029"]
            "ignores an unrecognised part parameter silently, warning only about unrecognised top-level parameters";
        StructuredRequiresClinicalArea = "structured-requires-clinical-area" ["RFA-INF-023", "RFA-INF-024", "RFA-INF-029", "RFA-INF-098", "RFA-REC-053"]
            "refuses with 422 INVALID_PARAMETER a structured request that names no clinical area, though GP Connect then returns the patient and their GP alone";
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
        AllergiesListIncludesResolved = "allergies-list-includes-resolved" ["RFA-INF-035", "RFA-INF-037", "RFA-REC-003"]
            "puts ended allergies in the active allergies list";
        AllergyClinicalStatusOmitted = "allergy-clinical-status-omitted" [
            "RFA-INF-023", "RFA-INF-029", "RFA-INF-035", "RFA-INF-044", "RFA-INF-045", "RFA-INF-066", "RFA-INF-085", "RFA-INF-086",
            "RFA-INF-088", "RFA-INF-089", "RFA-INF-094", "RFA-INF-095", "RFA-ONL-030", "RFA-REC-001", "RFA-REC-004", "RFA-REC-008",
            "RFA-KNW-002", "RFA-REC-013", "RFA-REC-020", "RFA-REC-021", "RFA-REC-033", "RFA-XCS-001"
        ]
            "sends current allergies without their clinicalStatus (optional in FHIR, but GP Connect requires it)";
        NoKnownAllergyDropped = "no-known-allergy-dropped" ["RFA-INF-037", "RFA-KNW-002"]
            "takes a coded \"no known allergy\" (716186003) for no record and answers an empty allergies list";
        EndedAllergiesIgnoreFlag = "ended-allergies-ignore-flag" ["RFA-INF-036", "RFA-INF-095"]
            "returns the Ended allergies list even when includeResolvedAllergies is false";
        EmptyListWithoutReason = "empty-list-without-reason" ["RFA-INF-037"]
            "returns empty clinical lists without emptyReason and note";
        ConfidentialItemsLeaked = "confidential-items-leaked" ["RFA-INF-035", "RFA-INF-038", "RFA-INF-040", "RFA-INF-041", "RFA-INF-042", "RFA-INF-087", "RFA-REC-033"]
            "returns items marked confidential in the structured record";
        ConfidentialWarningMissing = "confidential-warning-missing" ["RFA-INF-038", "RFA-INF-087", "RFA-REC-033"]
            "withholds confidential items without the confidential-items warning on their list";
        ResolvedAllergiesPartOptional = "resolved-allergies-part-optional" ["RFA-INF-039"]
            "treats a missing includeResolvedAllergies part as false instead of refusing";
        MedicationOmitsMedicationResource = "medication-omits-medication-resource" ["RFA-INF-024", "RFA-INF-040", "RFA-INF-086", "RFA-INF-088", "RFA-INF-095"]
            "leaves the Medication resources out of the structured record";
        PrescriptionIssuesAlwaysIncluded = "prescription-issues-always-included" ["RFA-INF-041"]
            "returns prescription issues even when includePrescriptionIssues is false";
        IssuesOfEndedPlansDropped = "issues-of-ended-plans-dropped" ["RFA-INF-041"]
            "returns only the prescription issues of plans still active, leaving out those of stopped and completed plans";
        MedicationFromDateCurrentOnly = "medication-from-date-current-only" ["RFA-INF-042"]
            "takes medicationSearchFromDate as a request for current medication: returns only the medications still active, not those that ended after the date";
        MedicationSearchDateIgnored = "medication-search-date-ignored" ["RFA-INF-042"]
            "ignores medicationSearchFromDate";
        MedicationFutureDateAccepted = "medication-future-date-accepted" ["RFA-INF-043"]
            "accepts a medicationSearchFromDate after today";
        ProblemLinkedItemsOmitted = "problem-linked-items-omitted" ["RFA-INF-024", "RFA-INF-044"]
            "leaves the items a problem is linked to out of the structured record";
        ProblemFilterStatusIgnored = "problem-filter-status-ignored" ["RFA-INF-045"]
            "ignores the problems filterStatus part parameter";
        ProblemFilterStatusAnyValue = "problem-filter-status-any-value" ["RFA-INF-046"]
            "treats an unknown filterStatus value as no filter instead of refusing";
        ProblemsRepeatRefused = "problems-repeat-refused" ["RFA-INF-045", "RFA-INF-085"]
            "refuses includeProblems given more than once, though GP Connect repeats it for several filter pairs";
        ProblemFilterSignificanceAnyValue = "problem-filter-significance-any-value" ["RFA-INF-085"]
            "ignores a filterSignificance other than major or minor instead of refusing it";
        FilterSignificanceUnsupported = "filter-significance-unsupported" ["RFA-INF-085"]
            "does not know filterSignificance (as a GP Connect 1.6.2 provider): ignores it with an unknown-parameter warning instead of filtering by it or refusing a bad value";
        ParameterCombinationsUnchecked = "parameter-combinations-unchecked" ["RFA-INF-047"]
            "accepts part parameters GP Connect forbids alongside includeConsultations or includeProblems";
        ImmunisationsNotGivenAlways = "immunisations-not-given-always" ["RFA-INF-048"]
            "returns immunisations that were not given even when includeNotGiven is false";
        IncludeNotGivenIgnored = "include-not-given-ignored" ["RFA-INF-048"]
            "never returns immunisations that were not given, even when includeNotGiven is true";
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
        PeriodEndingTodayRefused = "period-ending-today-refused" ["RFA-INF-053", "RFA-XCS-002"]
            "refuses a search period that reaches today (an off-by-one: only periods ending before today are taken as not in the future), so a care setting asking for today's investigations hears 422, not 403 NO_RELATIONSHIP";
        UncategorisedUndatedDropped = "uncategorised-undated-dropped" ["RFA-INF-056"]
            "leaves undated observations out of Uncategorised data, as if an item without a date could match no search";
        SearchBoundsCompareDatetimes = "search-bounds-compare-datetimes" ["RFA-INF-054", "RFA-INF-055", "RFA-INF-057"]
            "compares an item's dateTime with a search period's or diary date's bounds as strings, so an item on the last day (after midnight) falls outside";
        DiaryDateIgnored = "diary-date-ignored" ["RFA-INF-057"]
            "ignores diaryEntriesSearchDate and returns every diary entry";
        DiaryPastDateAccepted = "diary-past-date-accepted" ["RFA-INF-057"]
            "accepts a diaryEntriesSearchDate before today";
        DataInTransitWarningMissing = "data-in-transit-warning-missing" ["RFA-INF-058"]
            "leaves the data-in-transit warning off the lists of a record still in transit";
        DocumentsSearchReturnsHidden = "documents-search-returns-hidden" ["RFA-INF-059"]
            "returns sensitive, deceased and inactive patients from the documents endpoint's patient search";
        DocumentsSearchIncludesOrganization = "documents-search-includes-organization" ["RFA-INF-059", "RFA-INF-100", "RFA-INF-102", "RFA-INF-109", "RFA-INF-110"]
            "puts the practice's Organization into every documents patient search Bundle beside the Patient, as the DocumentReference search's _include does";
        DocumentsPatientSearchCacheable = "documents-patient-search-cacheable" ["RFA-INF-101"]
            "lets the documents endpoint's patient search answers be cached (Cache-Control: max-age=3600)";
        DocumentsNone404 = "documents-none-404" ["RFA-INF-060", "RFA-INF-063", "RFA-INF-073"]
            "answers a DocumentReference search for a patient with no documents with 404 NO_RECORD_FOUND instead of an empty Bundle";
        DocumentsAuthorMatchesCustodian = "documents-author-matches-custodian" ["RFA-INF-063"]
            "matches the author search parameter against the document's custodian instead of its author";
        DocumentsOmitIncludedResources = "documents-omit-included-resources" ["RFA-INF-060"]
            "answers a DocumentReference search without the Patient and Organizations it was asked to include";
        DocumentsIncludesOptional = "documents-includes-optional" ["RFA-INF-061"]
            "accepts a DocumentReference search without the mandatory _include parameters";
        DocumentsUnknownPatientEmpty = "documents-unknown-patient-empty" ["RFA-INF-062"]
            "answers a DocumentReference search for a patient id it does not hold with an empty Bundle";
        DocumentsServeTemporaryResidents = "documents-serve-temporary-residents" ["RFA-INF-062"]
            "serves the documents of a temporary resident, who is not registered here as Regular/GMS";
        DocumentsCreatedFilterIgnored = "documents-created-filter-ignored" ["RFA-INF-063"]
            "ignores the created search parameter";
        BinaryContentTypeMismatch = "binary-content-type-mismatch" ["RFA-INF-064", "RFA-COM-009", "RFA-COM-011", "RFA-INF-094"]
            "serves every document as application/octet-stream whatever its DocumentReference says";
        LargeDocumentUrlListed = "large-document-url-listed" ["RFA-INF-065"]
            "lists a URL for a document over the 5 MB retrieval limit";
        StructuredIgnoresSspTo = "structured-ignores-ssp-to" ["RFA-INF-066"]
            "serves the structured record whatever provider ASID Ssp-To names";
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
        // Structured clinical areas as the official Structured*.feature files
        // check them (linked problems, duplicates, legacy allergy end reason).
        LinkedProblemsOmitted = "linked-problems-omitted" ["RFA-INF-036", "RFA-INF-040", "RFA-INF-095"]
            "leaves out the problems linked to the items of a non-problem area, and their secondary list";
        StructuredDuplicateResources = "structured-duplicate-resources" ["RFA-INF-023", "RFA-INF-040", "RFA-INF-086", "RFA-INF-094", "RFA-INF-095"]
            "puts the usual GP's Practitioner in the structured record twice";
        ReferralStatusActive = "referral-status-active" ["RFA-INF-023", "RFA-INF-055", "RFA-INF-086", "RFA-INF-088", "RFA-INF-089", "RFA-INF-094", "RFA-INF-095"]
            "sends outbound referrals with status active, where GP Connect fixes it to unknown";
        AllergyMetaVersioned = "allergy-meta-versioned" ["RFA-INF-023", "RFA-INF-035", "RFA-INF-036", "RFA-INF-086", "RFA-INF-088", "RFA-INF-089", "RFA-INF-094"]
            "gives the ended allergies a meta.versionId, which GP Connect does not use in the structured record";
        LegacyEndReasonDropped = "legacy-end-reason-dropped" ["RFA-INF-036"]
            "sends legacy ended allergies without the end reason \"No information available\"";

        // Migrating a patient's structured record (structured/migrate.rs).
        // A migration is assembled by the structured record's code and its
        // documents served by Access Document's, so the defects of those
        // (the usual GP, confidential items, the Medication, the Binary's
        // content type) fail the migration's requirements too.
        MigratePartialRecord = "migrate-partial-record" ["RFA-INF-086"]
            "migrates the record without its referrals and diary entries, as if they had to be asked for";
        MigrateLeaksConfidential = "migrate-leaks-confidential" ["RFA-INF-087"]
            "migrates confidential items although includeSensitiveInformation is false";
        MigrateWithholdsConfidential = "migrate-withholds-confidential" ["RFA-INF-088"]
            "leaves confidential items out of a migration that asks for sensitive information under conf/R";
        MigrateRequiresPractitioner = "migrate-requires-practitioner" ["RFA-INF-089"]
            "refuses a migration whose JWT names no requesting_practitioner";
        MigrateServesDeceased = "migrate-serves-deceased" ["RFA-INF-090"]
            "migrates the record of a deceased patient";
        MigrateWarnsUnknownParameters = "migrate-warns-unknown-parameters" ["RFA-INF-091"]
            "serves a migration that carries a clinical area parameter, as getstructuredrecord would";
        MigrateAnyReason = "migrate-any-reason" ["RFA-INF-092"]
            "migrates a record for a JWT whose reason_for_request is directcare";
        MigrateIgnoresConfidentialityScope = "migrate-ignores-confidentiality-scope" ["RFA-INF-093"]
            "migrates whatever confidentiality requested_scope names, whatever includeSensitiveInformation says";
        MigrateRequiresRestricted = "migrate-requires-restricted" [
            "RFA-INF-086", "RFA-INF-087", "RFA-INF-089", "RFA-INF-090", "RFA-INF-091", "RFA-INF-092", "RFA-INF-093", "RFA-INF-094"
        ]
            "refuses a migration whose requested_scope does not name conf/R, as if a migration always had to carry sensitive information";
        MigrateBinaryRefused = "migrate-binary-refused" ["RFA-INF-094"]
            "serves a document only to the read:binary interaction, not to migrate:binary";
    }
}
