//! The ways the reference can break the record (entries, audit, registration, PDS trace): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    RecDefect {
        StoresDateOnly = "stores-date-only" ["RFA-KNW-002", "RFA-REC-001", "RFA-REC-003", "RFA-REC-004", "RFA-REC-005", "RFA-REC-006", "RFA-REC-008", "RFA-REC-009", "RFA-REC-010", "RFA-REC-011", "RFA-REC-013", "RFA-REC-017", "RFA-REC-018", "RFA-REC-019", "RFA-REC-020", "RFA-REC-021", "RFA-REC-023", "RFA-REC-029", "RFA-REC-031", "RFA-REC-033", "RFA-REC-034", "RFA-XCS-005"]
            "keeps only the date of an entry's time, dropping the time of day";
        ProvenanceFromAuthor = "provenance-from-author" ["RFA-REC-004"]
            "records the entry's author as its recorder instead of the practitioner who made the request";
        ProvenanceDateOnly = "provenance-date-only" ["RFA-REC-004"]
            "records when an entry was recorded to the day, not the second";
        ProvenanceOmitsOrganization = "provenance-omits-organization" ["RFA-REC-004"]
            "does not record the organisation an entry was recorded for";
        AcceptsUnknownReferences = "accepts-unknown-references" ["RFA-REC-006"]
            "records entries for patients or by practitioners it does not hold";
        SnomedCheckDigitIgnored = "snomed-check-digit-ignored" ["RFA-REC-008"]
            "accepts SNOMED CT concept ids with a wrong Verhoeff check digit";
        AcceptsAnyCodeSystem = "accepts-any-code-system" ["RFA-REC-009"]
            "records entries coded only in another code system than SNOMED CT";
        AcceptsInvalidUcum = "accepts-invalid-ucum" ["RFA-REC-010"]
            "records quantities whose unit is not UCUM";
        AcceptsUnitMismatch = "accepts-unit-mismatch" ["RFA-REC-010", "RFA-DEV-004"]
            "records a reading in a unit that measures something else (a body weight in cm)";
        AcceptsFutureTime = "accepts-future-time" ["RFA-REC-011"]
            "records entries dated in the future";
        AcceptsDuplicates = "accepts-duplicates" ["RFA-DEV-009"]
            "records a second entry with an identifier already in use";
        UpdateNotStored = "update-not-stored" ["RFA-REC-013", "RFA-REC-016", "RFA-REC-017", "RFA-REC-020"]
            "answers an amendment as made but keeps the entry as it was";
        KeepsRefusedEntry = "keeps-refused-entry" ["RFA-DEV-004", "RFA-DEV-009", "RFA-REC-005", "RFA-REC-006", "RFA-REC-008", "RFA-REC-009", "RFA-REC-010", "RFA-REC-011"]
            "writes an entry before checking it, and keeps it when the check refuses it";
        KeepsRefusedRegistration = "keeps-refused-registration" ["RFA-REC-043", "RFA-REC-045", "RFA-REC-054", "RFA-REC-055", "RFA-REC-056"]
            "writes a registration before checking it, and keeps the patient registered when the check refuses it";
        IgnoresIfMatch = "ignores-if-match" ["RFA-REC-016"]
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
            "shows entries marked entered-in-error, in searches and in the structured record";
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
        SearchIgnoresIdentifier = "search-ignores-identifier" ["RFA-REC-028"]
            "ignores the identifier search parameter";
        IgnoresRelationship = "ignores-relationship" ["RFA-REC-032"]
            "serves and records entries for an organisation with no relationship to the practice";
        UnitMustBeExpected = "unit-must-be-expected" ["RFA-DEV-004", "RFA-REC-010"]
            "takes only the very unit a measurement is usually recorded in (kg for a body weight), refusing other UCUM units of the same kind such as [lb_av]";
        CodeSearchNeedsSystem = "code-search-needs-system" ["RFA-REC-022"]
            "finds nothing for a code search token without its system (a bare code)";
        CodeSearchSystemUnsupported = "code-search-system-unsupported" ["RFA-REC-022"]
            "compares a code search token whole with the entry's code, so system|code finds nothing";
        DateSearchEqExactInstant = "date-search-eq-exact-instant" ["RFA-REC-023"]
            "reads a date search value without a prefix as one instant (midnight) instead of the day, month or year it names";
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
        AuditTrailEditable = "audit-trail-editable" ["RFA-REC-039"]
            "deletes audit records on DELETE";
        AuditSkipsAuditReads = "audit-skips-audit-reads" ["RFA-REC-040"]
            "does not audit reads of the audit trail";
        RegisterSkipsPdsTrace = "register-skips-pds-trace" ["RFA-REC-043", "RFA-REC-054"]
            "registers a patient without tracing them on PDS";
        RegisterAllowsDuplicates = "register-allows-duplicates" ["RFA-REC-042"]
            "registers a patient who is already registered";
        RegisterAsRegular = "register-as-regular" ["RFA-REC-041", "RFA-REC-058"]
            "registers patients through the API as regular (GMS) patients instead of temporary residents";
        RegisterBranchUnknown = "register-branch-unknown" ["RFA-REC-041", "RFA-REC-058"]
            "gives a registered patient a preferred branch surgery, a Location the practice does not have";
        RegisterCacheable = "register-cacheable" ["RFA-REC-041"]
            "answers a registration with Cache-Control max-age=3600 instead of no-store";
        RegisterSetsRegistrationStatus = "register-sets-registration-status" ["RFA-REC-041", "RFA-REC-058"]
            "answers a registration with a registrationStatus (active) in registrationDetails, which the official suite says a registration does not carry";
        RegisterAcceptsInvalidNhsNumber = "register-accepts-invalid-nhs-number" ["RFA-REC-044"]
            "registers a patient under an NHS number that fails Modulus 11 or that PDS retired, or without one, tracing whatever it was given";
        RegisterAcceptsIncompletePatient = "register-accepts-incomplete-patient" ["RFA-REC-045"]
            "registers a patient without a birth date or an official family name, or with an identifier that has no system, and reads the first parameter whatever its name, or the first of two";
        RegisterRequiresGender = "register-requires-gender" ["RFA-REC-045"]
            "refuses a registration that leaves the gender out, though GP Connect asks for it only where known";
        RegisterMatchesBirthDateOnly = "register-matches-birth-date-only" ["RFA-REC-054"]
            "traces on NHS number and birth date only, registering a patient whose family name or gender differ from PDS's";
        RegisterAcceptsForbiddenElements = "register-accepts-forbidden-elements" ["RFA-REC-055"]
            "registers a Patient carrying elements a consumer may not send (active, deceased, contact, an unknown element ...), ignoring them, and reads the body and parameter without looking at their resource types";
        RegisterRequiresTempContacts = "register-requires-temp-contacts" ["RFA-REC-056", "RFA-REC-057"]
            "refuses an address or telecom of any use but temp, as an early GP Connect draft had it";
        RegisterAcceptsRepeatedContacts = "register-accepts-repeated-contacts" ["RFA-REC-056"]
            "registers a patient sent with two addresses or two telecoms of one use, a work or old address, or two nhsCommunication extensions";
        RegisterDropsNhsCommunication = "register-drops-nhs-communication" ["RFA-REC-056"]
            "registers the patient without the nhsCommunication extension sent (language, interpreter)";
        RegisterDropsContactDetails = "register-drops-contact-details" ["RFA-REC-057"]
            "registers the patient without the address and telecom sent, keeping only the demographics";
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
        ClaimsRestrictedHeld = "claims-restricted-held" ["RFA-REC-053"]
            "answers 409 DUPLICATE_REJECTED for a patient PDS restricts, as if an earlier run had registered them, and registers no one";
        TriggerRefusesWith500 = "trigger-refuses-with-500" ["RFA-ARR-003", "RFA-ARR-004", "RFA-ARR-005", "RFA-ARR-007", "RFA-ARR-010", "RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015", "RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-012", "RFA-EPS-013", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-021", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-040", "RFA-INF-073", "RFA-INF-074", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018", "RFA-REC-005", "RFA-REC-006", "RFA-REC-008", "RFA-REC-009", "RFA-REC-010", "RFA-REC-011", "RFA-REC-048", "RFA-REC-049", "RFA-REC-052"]
            "answers every action it will not carry out with 500 INTERNAL_SERVER_ERROR, so a refusal reads as a crash";
    }
}
