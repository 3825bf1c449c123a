//! The ways the reference can break remote access (the Spine Security Proxy headers and JWT, methods, response headers, CapabilityStatements, TLS): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    AccDefect {
        IgnoresMissingTraceId = "ignores-missing-trace-id" ["RFA-ACC-001", "RFA-ACC-036"]
            "accepts requests without an Ssp-TraceID header, or with one that is not a GUID";
        TraceIdAnyValue = "trace-id-any-value" ["RFA-ACC-036"]
            "requires an Ssp-TraceID header but accepts any value in it, GUID or not";
        TraceIdLowerCaseOnly = "trace-id-lower-case-only" ["RFA-ACC-001", "RFA-ACC-036"]
            "takes only a lower-case GUID (the form its own GUID library prints) as an Ssp-TraceID, refusing an upper-case one";
        IgnoresMissingFrom = "ignores-missing-from" ["RFA-ACC-002"]
            "accepts requests without an Ssp-From header";
        AcceptsAnyToAsid = "accepts-any-to-asid" ["RFA-ACC-003", "RFA-INF-066"]
            "accepts requests whose Ssp-To names another system's ASID";
        IgnoresInteractionMismatch = "ignores-interaction-mismatch" ["RFA-ACC-004", "RFA-ONL-048"]
            "accepts any Ssp-InteractionID, even one that does not match the endpoint called";
        AcceptsMissingAuthorization = "accepts-missing-authorization" ["RFA-ACC-005"]
            "treats a request without a Bearer Authorization header as anonymous and serves it";
        Auth401WithoutChallenge = "auth-401-without-challenge" ["RFA-ACC-005"]
            "answers a request without an Authorization header with 401 but no WWW-Authenticate challenge (RFC 6750 needs one)";
        AcceptsJwtWithoutTrailingDot = "accepts-jwt-without-trailing-dot" ["RFA-ACC-006"]
            "accepts an unsigned JWT whose trailing '.' (empty signature) is missing";
        AcceptsExpiredJwt = "accepts-expired-jwt" ["RFA-ACC-007"]
            "does not check whether the JWT has expired";
        AcceptsAnyJwtLifetime = "accepts-any-jwt-lifetime" ["RFA-ACC-008"]
            "does not check that exp is exactly iat + 300 seconds";
        JwtLifetimeFromReceipt = "jwt-lifetime-from-receipt" ["RFA-ACC-007", "RFA-ACC-008", "RFA-ACC-009"]
            "checks that exp is 300 seconds (give or take 5) after the moment it receives the token instead of after iat, so a token issued a while ago, or a little in the future, is refused";
        JwtLifetimeTruncated = "jwt-lifetime-truncated" ["RFA-ACC-008"]
            "keeps exp - iat in a 32-bit integer, so a token living 300 s plus a multiple of 2^32 s passes as 300 s";
        JwtSubUnchecked = "jwt-sub-unchecked" ["RFA-ACC-037"]
            "does not check that the JWT's sub is requesting_practitioner.id";
        JwtSubPinned = "jwt-sub-pinned" ["RFA-ACC-037", "RFA-COM-001", "RFA-COM-002", "RFA-COM-003", "RFA-COM-004", "RFA-COM-005", "RFA-COM-006", "RFA-COM-007", "RFA-REC-036"]
            "serves only the practitioner it was set up with: refuses a token whose sub is another user, even when requesting_practitioner.id names that user too";
        JwtClaimTypesLenient = "jwt-claim-types-lenient" ["RFA-ACC-038"]
            "reads iat and exp written as strings or decimals as the instant they spell, takes iss, sub and aud of any JSON type, and a JSON array of scopes";
        MigrationReasonForDirectCare = "migration-reason-for-direct-care" ["RFA-ACC-039", "RFA-REC-031"]
            "serves direct-care interactions to a token whose reason_for_request is migration";
        RejectsFutureIat = "rejects-future-iat" ["RFA-ACC-009"]
            "refuses JWTs issued slightly in the future, although consumer clocks drift";
        IgnoresMissingClaims = "ignores-missing-claims" ["RFA-ACC-010"]
            "does not require the iss, sub and aud claims";
        JwtUnknownClaimsRefused = "jwt-unknown-claims-refused" ["RFA-ACC-010"]
            "validates the JWT against a closed claim list and refuses a token carrying a claim it does not know (jti), though RFC 7519 has claims that are not understood ignored";
        OrganizationFirstIdentifierOnly = "organization-first-identifier-only" ["RFA-ACC-040"]
            "looks for requesting_organization's ODS code in its first identifier only, refusing an organisation that lists another identifier first";
        SkipsClaimResourceValidation = "skips-claim-resource-validation" ["RFA-ACC-011", "RFA-ACC-040"]
            "does not check that requesting_device/organization/practitioner are the right FHIR resources";
        ClaimOtherType422 = "claim-other-type-422" ["RFA-ACC-011"]
            "answers a JWT claim resource of another FHIR type (a Patient as requesting_device) with 422 INVALID_RESOURCE, where GP Connect's error table says 400 BAD_REQUEST";
        RefusesUnkSdsIds = "refuses-unk-sds-ids" ["RFA-ACC-011"]
            "refuses a requesting_practitioner whose SDS user id is UNK (GP Connect tells consumers to send UNK when it is unknown)";
        RequiresSdsRoleProfile = "requires-sds-role-profile" ["RFA-ACC-011"]
            "refuses a requesting_practitioner without an SDS role profile id (GP Connect allows it: official suite \"Missing sdsRoleProfile and guid\")";
        ClaimIdentifiersUnchecked = "claim-identifiers-unchecked" ["RFA-ACC-040"]
            "checks the claim resources' types and elements but not that the device has an identifier and the organisation an ODS code";
        AcceptsAnyReasonForRequest = "accepts-any-reason-for-request" ["RFA-ACC-012", "RFA-ACC-039", "RFA-REC-031"]
            "serves direct-care interactions whatever reason_for_request says";
        IgnoresRequestedScope = "ignores-requested-scope" ["RFA-ACC-013", "RFA-ACC-041", "RFA-ACC-038", "RFA-REC-029", "RFA-REC-030", "RFA-REC-038", "RFA-ONL-048"]
            "serves a request whatever requested_scope it carries";
        ScopeSuffixRefused = "scope-suffix-refused" ["RFA-ACC-013"]
            "refuses a requested_scope with the conf/N confidentiality suffix on anything but a migration";
        JsonContentType = "json-content-type" ["RFA-ACC-014", "RFA-ACC-042", "RFA-ACC-017", "RFA-ACC-035", "RFA-INF-076", "RFA-INF-077", "RFA-REC-041", "RFA-INF-097", "RFA-INF-100", "RFA-ONL-046", "RFA-ACC-043", "RFA-ACC-044", "RFA-ACC-045", "RFA-ACC-047", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-050", "RFA-ONL-051", "RFA-REC-058"]
            "labels FHIR responses application/json instead of application/fhir+json";
        CacheableErrors = "cacheable-errors" ["RFA-ACC-015", "RFA-INF-101", "RFA-ONL-047", "RFA-REC-044"]
            "omits Cache-Control: no-store on error responses";
        OutcomeWithoutProfile = "outcome-without-profile" ["RFA-ACC-016", "RFA-INF-098", "RFA-INF-102", "@every-refusal"]
            "sends OperationOutcomes without the GPConnect-OperationOutcome-1 profile in meta";
        OutcomeValueSetAsSystem = "outcome-valueset-as-system" ["@every-refusal"]
            "names the Spine-ErrorOrWarningCode-1 ValueSet's URL as its error codes' system, instead of the CodeSystem's";
        OutcomeIssueProcessing = "outcome-issue-processing" ["@every-refusal", "-RFA-ONL-023", "-RFA-REC-016"]
            "gives every OperationOutcome issue the type `processing`, whatever its Spine code (GP Connect's error table pairs no type with FHIR_CONSTRAINT_VIOLATION, the only refusal of ONL-023 and REC-015)";
        MetadataUnserved = "metadata-unserved" ["RFA-ACC-001", "RFA-ACC-007", "RFA-ACC-008", "RFA-ACC-009", "RFA-ACC-010", "RFA-ACC-011", "RFA-ACC-014", "RFA-ACC-016", "RFA-ACC-017", "RFA-ACC-019", "RFA-ACC-020", "RFA-ACC-021", "RFA-ACC-023", "RFA-ACC-027", "RFA-ACC-031", "RFA-ACC-032", "RFA-ACC-033", "RFA-ACC-034", "RFA-ACC-035", "RFA-ACC-037", "RFA-ACC-038", "RFA-ACC-042", "RFA-ONL-001", "RFA-ONL-049", "RFA-REC-034", "RFA-REC-038", "RFA-REC-039", "RFA-REC-040", "RFA-ACC-043", "RFA-ACC-044", "RFA-ACC-045", "RFA-ACC-046"]
            "does not serve its CapabilityStatement: GET /metadata answers 404 NO_RECORD_FOUND, as for a path it does not offer";
        Dstu2AcceptRefused = "dstu2-accept-refused" ["RFA-ACC-042"]
            "refuses a request whose Accept is FHIR DSTU2's application/json+fhir with 415 (GP Connect allows it; the pack recommends serving JSON)";
        XmlIgnoresFormat = "xml-ignores-format" ["RFA-ACC-043", "RFA-ACC-044", "RFA-ACC-045", "RFA-ACC-047", "RFA-ACC-048", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-046", "RFA-ONL-050", "RFA-ONL-051", "RFA-REC-041", "RFA-REC-058"]
            "negotiates the format from Accept alone, ignoring the _format parameter GP Connect says overrides it";
        XmlIgnoresAccept = "xml-ignores-accept" ["RFA-ACC-043", "RFA-ACC-045", "RFA-ACC-047", "RFA-ACC-048", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-050", "RFA-ONL-051"]
            "negotiates the format from _format alone, answering FHIR JSON to Accept: application/fhir+xml";
        XmlServedAsJson = "xml-served-as-json" ["RFA-ACC-043", "RFA-ACC-045", "RFA-ACC-047", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-050", "RFA-ONL-051", "RFA-REC-058"]
            "answers a request for FHIR XML with 200 and FHIR JSON, neither serving XML nor refusing it with 415";
        XmlRefused = "xml-refused" ["RFA-ACC-045", "RFA-ACC-046", "RFA-ACC-047", "RFA-INF-108", "RFA-INF-110", "RFA-ONL-051", "RFA-REC-058"]
            "serves FHIR JSON only, as GP Connect allows: refuses a request for FHIR XML, or a FHIR XML body, with 415 and lists only JSON in its CapabilityStatements";
        XmlNoNamespace = "xml-no-namespace" ["RFA-ACC-043", "RFA-ACC-045", "RFA-ACC-047", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-050", "RFA-ONL-051", "RFA-REC-058"]
            "writes its FHIR XML without the http://hl7.org/fhir namespace";
        XmlOutOfOrder = "xml-out-of-order" ["RFA-ACC-043", "RFA-ACC-045", "RFA-ACC-047", "RFA-INF-107", "RFA-INF-108", "RFA-INF-109", "RFA-INF-110", "RFA-ONL-050", "RFA-ONL-051", "RFA-REC-058"]
            "writes each resource's XML elements in reverse, not in the order FHIR defines";
        XmlDropsExtensions = "xml-drops-extensions" ["RFA-ACC-045", "RFA-INF-110", "RFA-ONL-051", "RFA-REC-058"]
            "leaves every extension out of its FHIR XML answers, so an XML answer says less than its JSON twin";
        XmlErrorsAsJson = "xml-errors-as-json" ["RFA-ACC-047"]
            "answers errors in FHIR JSON even when FHIR XML was asked for";
        UnsupportedFormatServed = "unsupported-format-served" ["RFA-ACC-048"]
            "answers a request for a format it does not serve (_format=application/fhir+turtle, Accept: text/html) with FHIR JSON instead of 415";
        XmlBodiesRefused = "xml-bodies-refused" ["RFA-ONL-051", "RFA-REC-058"]
            "answers in FHIR XML but refuses a FHIR XML request body (a booking, a cancellation, a registration) with 415";
        CapabilityOmitsXml = "capability-omits-xml" ["RFA-ACC-046", "RFA-INF-108", "RFA-INF-110"]
            "serves FHIR XML but lists only application/fhir+json in its CapabilityStatements' format";
        CaseInsensitiveRoutes = "case-insensitive-routes" ["RFA-ACC-017"]
            "serves /Metadata and /patient as if they were /metadata and /Patient";
        AcceptsAnyMethod = "accepts-any-method" ["RFA-ACC-018"]
            "answers PUT, POST, PATCH and DELETE on read-only endpoints as if they were GET";
        CapabilityWrongFhirVersion = "capability-wrong-fhir-version" ["RFA-ACC-019"]
            "declares fhirVersion 4.0.1 in its CapabilityStatement";
        CapabilityOmitsPatientSearch = "capability-omits-patient-search" ["RFA-ACC-020"]
            "leaves the Patient search interaction, and with it the identifier search parameter, out of its CapabilityStatement";
        CapabilityOmitsStructuredOperation = "capability-omits-structured-operation" ["RFA-ACC-022"]
            "leaves gpc.getstructuredrecord out of the structured CapabilityStatement";
        CapabilityOmitsAppointment = "capability-omits-appointment" ["RFA-ONL-049"]
            "leaves Appointment and its read, update and search out of the CapabilityStatement";
        CapabilityOmitsDirectory = "capability-omits-directory" ["RFA-ACC-021"]
            "leaves Organization, Practitioner and Location out of its CapabilityStatement";
        CapabilityProfilesUnversioned = "capability-profiles-unversioned" ["RFA-INF-099", "RFA-INF-104"]
            "lists its structured and documents profiles without their GP Connect versions";
        CapabilityOmitsSlot = "capability-omits-slot" ["RFA-ONL-001"]
            "leaves free slot search (Slot) out of its CapabilityStatement";
        CapabilityOperationDefinitionWrong = "capability-operation-definition-wrong" ["RFA-ACC-034", "RFA-ACC-022"]
            "names the structured record operation by an unversioned OperationDefinition, on the Foundations and the structured statements";
        CapabilityReleaseWrong = "capability-release-wrong" ["RFA-ACC-033", "RFA-INF-099", "RFA-INF-104"]
            "gives the wrong release: the Foundations CapabilityStatement says 3.0.1 (the FHIR version), the structured and documents ones 1.5.0 (their line is 1.6)";
        DocumentsCapabilityUnfinished = "documents-capability-unfinished" ["RFA-INF-103"]
            "publishes the Access Document CapabilityStatement unfinished: status draft, declaring Patient only (no DocumentReference search, no Binary read)";
        CapabilityDocumentsShort = "capability-documents-short" ["RFA-INF-103"]
            "declares Access Document without Patient read, two of its includes, and author as a reference parameter";
        NoGzip = "no-gzip" ["RFA-ACC-035"]
            "answers uncompressed when the consumer asks for gzip";
        WritesWithReadScope = "writes-with-read-scope" ["RFA-REC-029"]
            "records and amends entries for a token scoped patient/*.read";
        OrganizationScopeReadsEntries = "organization-scope-reads-entries" ["RFA-REC-030"]
            "serves clinical entries to a token scoped organization/*.read";
        WritesForAnyReason = "writes-for-any-reason" ["RFA-REC-031"]
            "records entries whatever reason_for_request says";
        AuditReadableWithPatientScope = "audit-readable-with-patient-scope" ["RFA-REC-038"]
            "lets any patient/*.read token read the audit trail";
        PatientSeesOtherPatients = "patient-sees-other-patients" ["RFA-ONL-028", "RFA-ONL-029", "RFA-ONL-038"]
            "serves a patient-scoped token another patient's appointments, bookings and record";
        PatientTokenServesEverything = "patient-token-serves-everything" ["RFA-COM-007", "RFA-DSP-014", "RFA-EPS-032", "RFA-FIN-008", "RFA-ONL-032"]
            "lets a patient-scoped token record entries, read the audit trail, find and register patients";
        PatientTokenUnchecked = "patient-token-unchecked" ["RFA-ONL-033"]
            "accepts a patient-scoped token without P9 identity proofing or the patient's NHS number";
        PatientTokenRefused = "patient-token-refused" [
            "RFA-ONL-026", "RFA-ONL-027", "RFA-ONL-028", "RFA-ONL-030", "RFA-ONL-032", "RFA-ONL-033", "RFA-ONL-034",
            "RFA-ONL-035", "RFA-ONL-036", "RFA-ONL-037"
        ]
            "refuses every patient-scoped token: patients online cannot book, read or ask for anything";
        PatientsCanPrescribe = "patients-can-prescribe" ["RFA-EPS-032"]
            "lets a patient-scoped token issue prescriptions";
        PatientsCanDispense = "patients-can-dispense" ["RFA-DSP-014"]
            "lets a patient-scoped token record dispenses";
        PatientsCanClaim = "patients-can-claim" ["RFA-FIN-008"]
            "lets a patient-scoped token make finance claims";
        Tls12Refused = "tls12-refused" ["RFA-ACC-023", "RFA-ACC-025"]
            "serves its TLS endpoint over TLS 1.3 only, so a TLS 1.2 client (as GP Connect requires) cannot connect";
        OldTlsAccepted = "old-tls-accepted" ["RFA-ACC-024"]
            "its TLS endpoint (OpenSSL at security level 0) also agrees to TLS 1.0 and TLS 1.1";
        WeakCiphersAccepted = "weak-ciphers-accepted" ["RFA-ACC-025"]
            "under TLS 1.2 its TLS endpoint agrees to any cipher suite OpenSSL has, not only the approved AES-GCM and AES-256 ephemeral-key ones";
        DevelopmentTlsSettings = "development-tls-settings" ["RFA-ACC-025", "RFA-ACC-027"]
            "its TLS endpoint runs on development settings: every cipher suite OpenSSL has, anonymous key exchange included, and client certificates asked for but not required";
        ApprovedSuitesPartlyRefused = "approved-suites-partly-refused" ["RFA-ACC-025"]
            "under TLS 1.2 agrees only to ECDHE with AES-GCM, refusing the approved DHE and AES-256-CBC suites the official suite connects with";
        PlainHttpServed = "plain-http-served" ["RFA-ACC-026"]
            "its TLS port sniffs the first byte and serves plain HTTP to a client that does not start a TLS handshake";
        PlainHttpRedirectWithoutHsts = "plain-http-redirect-without-hsts" ["RFA-ACC-026"]
            "answers plain HTTP on its TLS port with a redirect to HTTPS that carries no Strict-Transport-Security header";
        ClientCertificateOptional = "client-certificate-optional" ["RFA-ACC-027"]
            "asks for a client certificate but serves a client that presents none";
        AnyClientAuthority = "any-client-authority" ["RFA-ACC-028"]
            "accepts a client certificate whoever issued it, self-signed included";
        ClientValidityUnchecked = "client-validity-unchecked" ["RFA-ACC-029"]
            "accepts a client certificate outside its validity period (expired, or not yet valid)";
        ClientNameUnchecked = "client-name-unchecked" ["RFA-ACC-030"]
            "accepts a client certificate from the right authority whatever name it was issued to";
        ClientNamePinnedToSpine = "client-name-pinned-to-spine" ["RFA-ACC-023", "RFA-ACC-027", "RFA-ACC-031"]
            "accepts a client certificate only if it is issued to the live Spine Security Proxy's host name, refusing the accreditation harness's properly issued one";
        ServerCertificateWrongName = "server-certificate-wrong-name" ["RFA-ACC-031"]
            "its TLS endpoint presents a certificate issued to another host name";
        ServerCertificateExpired = "server-certificate-expired" ["RFA-ACC-031"]
            "its TLS endpoint presents a certificate that expired yesterday";
        CorsOpen = "cors-open" ["RFA-ACC-032"]
            "answers any Origin with Access-Control-Allow-Origin echoing it, credentials allowed, preflights included";
        CapabilityOmitsProfiles = "capability-omits-profiles" ["RFA-ACC-033"]
            "leaves the top-level profile list out of the Foundations CapabilityStatement (FHIR makes it optional; GP Connect's statement lists its profiles there)";
        CapabilityOmitsRegisterOperation = "capability-omits-register-operation" ["RFA-ACC-034"]
            "serves gpc.registerpatient but leaves the operation out of the Foundations CapabilityStatement";
        CacheableSuccesses = "cacheable-successes" ["RFA-ACC-015", "RFA-INF-101", "RFA-ONL-047", "RFA-REC-041"]
            "puts Cache-Control: no-store on error responses only, leaving successful answers without it";
        CapabilityOmitsMigrateOperation = "capability-omits-migrate-operation" ["RFA-INF-096"]
            "its structured CapabilityStatement declares gpc.getstructuredrecord but not gpc.migratestructuredrecord";
        NhsLoginSignatureUnchecked = "nhs-login-signature-unchecked" ["RFA-ONL-033"]
            "reads a patient's NHS login ID token without checking its signature against the keys NHS login publishes";
        NhsLoginUnsignedTokenAccepted = "nhs-login-unsigned-accepted" ["RFA-ONL-033"]
            "accepts an ID token naming NHS login as its issuer with alg none and no signature";
        NhsLoginIssuerUnchecked = "nhs-login-issuer-unchecked" ["RFA-ONL-033"]
            "accepts a signed ID token from any issuer, not only the NHS login it trusts";
        NhsLoginAudienceUnchecked = "nhs-login-audience-unchecked" ["RFA-ONL-033"]
            "accepts an ID token issued to another NHS login client";
        NhsLoginExpiryUnchecked = "nhs-login-expiry-unchecked" ["RFA-ONL-033"]
            "accepts an expired ID token";
        NhsLoginAlgorithmConfusion = "nhs-login-algorithm-confusion" ["RFA-ONL-033"]
            "believes an ID token's alg: an HS512 token whose HMAC secret is NHS login's published public key verifies";
        NhsLoginKeysFetchedOnce = "nhs-login-keys-fetched-once" ["RFA-ONL-033"]
            "fetches NHS login's keys once and never again, so a token signed by the key NHS login rotates to is refused";
    }
}
