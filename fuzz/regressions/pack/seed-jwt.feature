Feature: The audit JWT of every request
  Each request carries an unsigned JSON Web Token (alg "none", an empty
  signature and a mandatory trailing dot) in `Authorization: Bearer`. Its
  claims say who asks, from which organisation and device, why, and for what
  scope, and it lives exactly 300 seconds. A provider refuses tokens that are
  missing, malformed, expired or incomplete, and claim resources of the wrong
  kind, but tolerates consumer clock drift.
  (GP Connect: cross-organisation audit and provenance; provider test suite JWT.feature.)

  @RFA-ACC-005 @lot1 @must @route-national
  Rule: A request without a Bearer token is refused with 400 BAD_REQUEST

    Scenario: the Authorization header is missing
      Given a metadata request
      And the "Authorization" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: Basic credentials instead of a Bearer token
      Given a patient search for the NHS number of "patient1"
      And the Authorization header carries Basic credentials
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: an empty Bearer token
      Given a metadata request
      And the "Authorization" header is "Bearer "
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

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

  @RFA-ACC-011 @lot1 @must @route-national
  Rule: Claim resources of the wrong kind are refused with 422 INVALID_RESOURCE; valid variants are accepted

    Scenario: requesting_device is not a Device
      Given a metadata request
      And the JWT claim "requesting_device" has the field "resourceType" set to "Patient"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: requesting_device has no identifier
      Given a metadata request
      And the JWT claim "requesting_device" has the field "identifier" removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: requesting_organization is not an Organization
      Given a metadata request
      And the JWT claim "requesting_organization" has the field "resourceType" set to "Practitioner"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: requesting_organization has no ODS code
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requesting_organization" has the field "identifier" set to [{"system": "https://example.org/local-id", "value": "X1"}]
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: requesting_practitioner is not a Practitioner
      Given a metadata request
      And the JWT claim "requesting_practitioner" has the field "resourceType" set to "Organization"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: a practitioner whose SDS identifiers are unknown (UNK) is accepted
      Given a metadata request
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

    Scenario: an organisation identified with the DSTU2 ODS system is accepted
      Given a metadata request
      And the JWT claim "requesting_organization" has the field "identifier" set to [{"system": "http://fhir.nhs.net/Id/ods-organization-code", "value": "RFAH01"}]
      When the request is sent
      Then the response status is 200

  @RFA-ACC-012 @lot1 @must @route-national
  Rule: Direct-care interactions are refused with 400 BAD_REQUEST unless reason_for_request is directcare

    Scenario Outline: reason_for_request is <reason>
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "reason_for_request" is set to <reason>
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | reason      |
        | "migration" |
        | "research"  |
        | ""          |

  @RFA-ACC-013 @lot1 @must @route-national
  Rule: A requested_scope that does not cover the interaction is refused with 400 BAD_REQUEST

    Scenario: a patient scope for the organisation-level CapabilityStatement
      Given a metadata request
      And the JWT claim "requested_scope" is set to "patient/*.read"
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

    Scenario: a patient read scope with the conf/N confidentiality suffix is accepted
      Given a patient search for the NHS number of "patient1"
      And the JWT claim "requested_scope" is set to "patient/*.read conf/N"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
