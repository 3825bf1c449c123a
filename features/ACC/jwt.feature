Feature: The audit JWT of every request
  Each request carries an unsigned JSON Web Token (alg "none", an empty
  signature and a mandatory trailing dot) in `Authorization: Bearer`. Its
  claims say who asks, from which organisation and device, why, and for what
  scope, and it lives exactly 300 seconds. A provider refuses tokens that are
  missing, malformed, expired or incomplete, and claim resources of the wrong
  kind, but tolerates consumer clock drift.
  (GP Connect: cross-organisation audit and provenance; provider test suite JWT.feature.)

  @RFA-ACC-005 @lot1 @must @route-national
  Rule: A request without a Bearer token is refused with 400 BAD_REQUEST, or challenged with 401

    GP Connect's error table answers a missing or invalid header with 400
    BAD_REQUEST; its audit guidance says providers SHALL answer bearer-token
    errors as RFC 6750 section 3.1 does (401 with a WWW-Authenticate
    challenge). The official suite never leaves the token out. Either answer
    passes; a 401 must carry the Bearer challenge.

    Scenario: the Authorization header is missing
      Given a metadata request
      And the "Authorization" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST" or challenged with 401

    Scenario: Basic credentials instead of a Bearer token
      Given a patient search for the NHS number of "patient1"
      And the Authorization header carries Basic credentials
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST" or challenged with 401

    Scenario: an empty Bearer token
      Given a metadata request
      And the "Authorization" header is "Bearer "
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST" or challenged with 401

  @RFA-ACC-006 @lot1 @must @route-national
  Rule: A bearer token that is not a well-formed unsigned JWT is refused with 400 BAD_REQUEST

    Scenario: the token is not a JWT at all
      Given a metadata request
      And the bearer token is "not-a-jwt"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the payload is not base64url
      Given a metadata request
      And the bearer token is "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.%%%not base64%%%."
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the payload is base64url but not a JSON object
      Given a metadata request
      And the bearer token is "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.WzEsMiwzXQ."
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the trailing dot of the empty signature is missing
      Given a metadata request
      And the JWT has no trailing dot
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  @RFA-ACC-007 @lot1 @must @route-national
  Rule: An expired JWT is refused with 400 BAD_REQUEST

    Scenario: a token issued 600 seconds ago expired 300 seconds ago
      Given a metadata request
      And the JWT was issued 600 seconds ago
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: a token issued 301 seconds ago expired a second ago
      Given a patient search for the NHS number of "patient1"
      And the JWT was issued 301 seconds ago
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: a token issued 60 seconds ago is still valid
      Given a metadata request
      And the JWT was issued 60 seconds ago
      When the request is sent
      Then the response status is 200

  @RFA-ACC-008 @lot1 @must @route-national
  Rule: A JWT whose exp is not exactly iat + 300 seconds is refused with 400 BAD_REQUEST

    # Issued two minutes ago, so that the lifetime judged is exp - iat, not
    # exp - the moment the provider receives the token.
    Scenario: control: a token living exactly 300 seconds, issued two minutes ago, is served
      Given a metadata request
      And the JWT was issued 120 seconds ago
      And the JWT expires 300 seconds after it is issued
      When the request is sent
      Then the response status is 200

    Scenario Outline: the token lives <lifetime> seconds
      Given a metadata request
      And the JWT expires <lifetime> seconds after it is issued
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | lifetime |
        | 301      |
        | 299      |
        | 3600     |
        | 0        |
        | -1       |

    # A property, not a handful of values: every lifetime but 300 is
    # refused. The sample is fixed by its seed (boundaries, 2^31, 300 +/-
    # 2^32, and pseudo-random lifetimes near 300, within a day and within
    # decades, either sign); each exchange is evidence.
    Scenario: a seeded sample of lifetimes other than 300 seconds
      Given a metadata request
      When the request is sent once for each JWT lifetime of the seeded sample 20261206
      Then each of those requests is refused with 400 "BAD_REQUEST"

  @RFA-ACC-009 @lot1 @must @route-national
  Rule: A JWT issued slightly in the future is accepted, because consumer clocks drift

    Scenario: a token issued 200 seconds in the future reads the CapabilityStatement
      Given a metadata request
      And the JWT is issued 200 seconds in the future
      When the request is sent
      Then the response status is 200

    Scenario: a token issued 30 seconds in the future searches for a patient
      Given a patient search for the NHS number of "patient1"
      And the JWT is issued 30 seconds in the future
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

  @RFA-ACC-010 @lot1 @must @route-national
  Rule: A JWT missing any mandatory claim is refused with 400 BAD_REQUEST

    # With a registered claim GP Connect does not use: RFC 7519 (section 4)
    # has claims an implementation does not understand ignored.
    Scenario: control: a token with every claim is served
      Given a metadata request
      And the JWT claim "jti" is set to "rfa-token-0001"
      When the request is sent
      Then the response status is 200

    Scenario Outline: the <claim> claim is missing
      Given a metadata request
      And the JWT claim "<claim>" is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | claim                   |
        | iss                     |
        | sub                     |
        | aud                     |
        | exp                     |
        | iat                     |
        | reason_for_request      |
        | requested_scope         |
        | requesting_device       |
        | requesting_organization |
        | requesting_practitioner |

    # GP Connect's error handling guidance answers a null aud claim with
    # 400 BAD_REQUEST (its example "Malformed JSON claim in request").
    Scenario Outline: the <claim> claim is null
      Given a metadata request
      And the JWT claim "<claim>" is set to null
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | claim |
        | aud   |
        | iss   |

  @RFA-ACC-011 @lot1 @must @route-national
  Rule: Claim resources of the wrong kind are refused: another FHIR type with 400 BAD_REQUEST, a type or element FHIR does not define with 422 INVALID_RESOURCE; valid variants are accepted

    GP Connect's error table: "invalid FHIR resource in JWT claim (for
    example, patient resource when practitioner expected)" is BAD_REQUEST;
    a resource that fails to validate against its StructureDefinition in a
    JWT claim is INVALID_RESOURCE. The official suite sends the resource
    type "InvalidResourceType" and an undefined element and expects 422.

    Scenario Outline: <claim> has a resource type FHIR does not define
      Given a metadata request
      And the JWT claim "<claim>" has the field "resourceType" set to "InvalidResourceType"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

      Examples:
        | claim                   |
        | requesting_device       |
        | requesting_organization |
        | requesting_practitioner |

    Scenario Outline: <claim> is a <type>
      Given a metadata request
      And the JWT claim "<claim>" has the field "resourceType" set to "<type>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | claim                   | type         |
        | requesting_device       | Patient      |
        | requesting_organization | Practitioner |
        | requesting_practitioner | Organization |

    Scenario: a practitioner whose SDS identifiers are unknown (UNK) is accepted
      Given a metadata request
      And the JWT claim "sub" is set to "1"
      And the JWT claim "requesting_practitioner" is set to:
        """
        {
          "resourceType": "Practitioner",
          "id": "1",
          "identifier": [
            { "system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "UNK" },
            { "system": "https://fhir.nhs.uk/Id/sds-role-profile-id", "value": "UNK" }
          ],
          "name": [{ "family": "Assurance", "given": ["Tester"], "prefix": ["Dr"] }]
        }
        """
      When the request is sent
      Then the response status is 200

    Scenario: requesting_device carries an element FHIR does not define
      Given a metadata request
      And the JWT claim "requesting_device" has the field "invalidField" set to "Assurance Testing"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: a practitioner with only an SDS user id (no role profile, no user GUID) is accepted
      Given a metadata request
      And the JWT claim "sub" is set to "1"
      And the JWT claim "requesting_practitioner" is set to:
        """
        {
          "resourceType": "Practitioner",
          "id": "1",
          "identifier": [{ "system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "GCASDS0001" }],
          "name": [{ "family": "AssurancePractitioner", "given": ["AssuranceTest"], "prefix": ["Mr"] }]
        }
        """
      When the request is sent
      Then the response status is 200

  @RFA-ACC-012 @lot1 @must @route-national
  Rule: A reason_for_request GP Connect does not define is refused with 400 BAD_REQUEST

    Scenario: control: directcare for a patient search is served
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "reason_for_request" is set to "directcare"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

    Scenario Outline: reason_for_request is <reason>
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "reason_for_request" is set to <reason>
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | reason      |
        | "research"  |
        | ""          |
        | "DirectCare" |

  @RFA-ACC-013 @lot1 @must @route-national
  Rule: A requested_scope GP Connect does not define is refused with 400 BAD_REQUEST; a confidentiality suffix is accepted

    The official suite sends `badScope` to the CapabilityStatement (JWT
    "Requested Scope - Metadata - incorrect"). Which defined scope each
    interaction needs is RFA-ACC-041: GP Connect lets providers check scopes
    (a MAY), and its table has no row for the CapabilityStatement.

    Scenario: a scope GP Connect does not define, for the CapabilityStatement
      Given a metadata request
      And the JWT claim "requested_scope" is set to "badScope"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: a patient read scope with the conf/N confidentiality suffix is accepted
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requested_scope" is set to "patient/*.read conf/N"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

  # Profile decision: GP Connect's security guidance makes checking
  # requested_scope a MAY ("Provider systems MAY choose to use the value of
  # the requested_scope claim to authorise access"), with a table that has
  # no row for /metadata; the pack holds providers to that table and gives
  # the CapabilityStatement organization/*.read (docs/profile.md).
  @RFA-ACC-041 @lot1 @should @profile-decision @route-national
  Rule: A requested_scope that does not cover the interaction is refused with 400 BAD_REQUEST

    Scenario: a patient scope for the organisation-level CapabilityStatement
      Given a metadata request
      And the JWT claim "requested_scope" is set to "patient/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: a write scope for the CapabilityStatement
      Given a metadata request
      And the JWT claim "requested_scope" is set to "organization/*.write"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: an organisation scope for patient search
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: an organisation scope for a patient read
      Given a patient read of "patient1"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  # Profile decision: GP Connect knows two reasons, directcare and
  # migration, and does not tell providers to refuse migration on an
  # interaction that is not a migration (docs/profile.md).
  @RFA-ACC-039 @lot1 @should @profile-decision @route-national
  Rule: Direct-care interactions are refused with 400 BAD_REQUEST when reason_for_request is migration

    Scenario: control: a patient search for direct care is served
      Given a patient search for the NHS number of "patient1"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

    Scenario Outline: reason_for_request is migration for <request>
      Given <request>
      And the JWT claim "reason_for_request" is set to "migration"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | request                                      |
        | a patient search for the NHS number of "patient1" |
        | a patient read of "patient1"                 |

  # Profile decision: GP Connect tells consumers that
  # requesting_practitioner.id SHALL match sub (cross-organisation audit
  # and provenance, requesting_practitioner claim); no provider SHALL, and
  # the official suite dropped its check in 2017 (docs/profile.md).
  @RFA-ACC-037 @lot1 @should @profile-decision @route-national
  Rule: A JWT whose sub is not requesting_practitioner.id is refused with 400 BAD_REQUEST

    Scenario: control: sub and requesting_practitioner.id name the same other user
      Given a metadata request
      And the JWT claim "sub" is set to "rfa-user-2"
      And the JWT claim "requesting_practitioner" has the field "id" set to "rfa-user-2"
      When the request is sent
      Then the response status is 200

    Scenario: sub names another user
      Given a metadata request
      And the JWT claim "sub" is set to "rfa-someone-else"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: requesting_practitioner.id names another user
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requesting_practitioner" has the field "id" set to "rfa-someone-else"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  # Profile decision: GP Connect says iat and exp are integers and the
  # other claims strings to consumers; JWT libraries (which it recommends)
  # read a decimal NumericDate, and no provider SHALL refuse a claim for its
  # JSON type (docs/profile.md).
  @RFA-ACC-038 @lot1 @should @profile-decision @route-national
  Rule: JWT claims of the wrong JSON type are refused with 400 BAD_REQUEST

    Scenario: control: claims of the types GP Connect gives are served
      Given a metadata request
      When the request is sent
      Then the response status is 200

    Scenario Outline: <claim> sent as a <type>
      Given a metadata request
      And the JWT claim "<claim>" is sent as a <type>
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | claim | type    |
        | iat   | string  |
        | exp   | string  |

    Scenario: iat and exp sent as decimals
      Given a metadata request
      And the JWT claim "iat" is sent as a decimal
      And the JWT claim "exp" is sent as a decimal
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario Outline: <claim> is <value>
      Given a metadata request
      And the JWT claim "<claim>" is set to <value>
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | claim           | value                     |
        | iss             | 42                        |
        | aud             | {"url": "https://x.test"} |
        | requested_scope | ["organization/*.read"]   |

  # Profile decision: GP Connect has consumers populate these identifiers,
  # but the claim resources need only conform to base STU3, where they are
  # optional; the official suite refuses an invalid Device or a wrong
  # resource type, never a missing identifier (docs/profile.md).
  @RFA-ACC-040 @lot1 @should @profile-decision @route-national
  Rule: Claim resources without the identifiers GP Connect has consumers send are refused with 422 INVALID_RESOURCE

    # The organisation lists a local identifier before its ODS code: the
    # ODS code is judged wherever it is in the list.
    Scenario: control: a device and organisation with their identifiers are served
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requesting_organization" has the field "identifier" set to [{"system": "https://example.org/local-id", "value": "X1"}, {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RFAH01"}]
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

    Scenario: requesting_device has no identifier
      Given a metadata request
      And the JWT claim "requesting_device" has the field "identifier" removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: requesting_organization has no ODS code
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requesting_organization" has the field "identifier" set to [{"system": "https://example.org/local-id", "value": "X1"}]
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
