Feature: Spine Security Proxy headers
  Every request to a GP Connect provider reaches it through the Spine Security
  Proxy and carries four Ssp-* headers. A provider checks all four and refuses
  a request whose headers are missing or wrong with 400 BAD_REQUEST, so that
  only traceable, correctly addressed requests are served.
  (GP Connect: API security guidance; error handling guidance.)

  @RFA-ACC-001 @lot1 @must @route-national
  Rule: A request without an Ssp-TraceID is refused with 400 BAD_REQUEST

    Scenario: a request with a fresh GUID trace id is served
      Given a metadata request
      And the Ssp-TraceID is a fresh upper-case GUID
      When the request is sent
      Then the response status is 200

    Scenario: the Ssp-TraceID header is missing
      Given a metadata request
      And the "Ssp-TraceID" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  # Profile decision: GP Connect has consumers send a trace id "for
  # example, a GUID/UUID" (general API guidance, SSP headers) and providers
  # check the header is present (API security guidance); it never tells
  # providers to refuse a trace id that is not a GUID (docs/profile.md).
  @RFA-ACC-036 @lot1 @should @profile-decision @route-national
  Rule: An Ssp-TraceID that is not a GUID is refused with 400 BAD_REQUEST

    Scenario: control: a request with a fresh GUID trace id is served
      Given a patient search for the NHS number of "patient1"
      And the Ssp-TraceID is a fresh upper-case GUID
      When the request is sent
      Then the response is a searchset Bundle with 1 entry

    Scenario Outline: the Ssp-TraceID header is not a GUID (<value>)
      Given a patient search for the NHS number of "patient1"
      And the "Ssp-TraceID" header is "<value>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | value                                |
        | not-a-guid                           |
        | 12345                                |
        | 0f3c2b8a-7e9d-4c1a-b2f5-8d4e6a1c3b2  |

  @RFA-ACC-002 @lot1 @must @route-national
  Rule: A request without the consumer's ASID in Ssp-From is refused with 400 BAD_REQUEST

    Scenario: the Ssp-From header is missing
      Given a metadata request
      And the "Ssp-From" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the Ssp-From header is missing from a patient search
      Given a patient search for the NHS number of "patient1"
      And the "Ssp-From" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  @RFA-ACC-003 @lot1 @must @route-national
  Rule: A request not addressed to the provider's own ASID in Ssp-To is refused with 400 BAD_REQUEST

    Scenario: the Ssp-To header is missing
      Given a metadata request
      And the "Ssp-To" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario Outline: the Ssp-To header names another system (<asid>)
      Given a patient search for the NHS number of "patient1"
      And the "Ssp-To" header is "<asid>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | asid         |
        | 999999999999 |
        | 200000000359 |

  @RFA-ACC-004 @lot1 @must @route-national
  Rule: A request whose Ssp-InteractionID is missing or does not match the endpoint is refused with 400 BAD_REQUEST

    Scenario: the Ssp-InteractionID header is missing
      Given a metadata request
      And the "Ssp-InteractionID" header is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: an unknown interaction ID
      Given a metadata request
      And the "Ssp-InteractionID" header is "urn:nhs:names:services:gpconnect:fhir:rest:read:nothing-1"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the patient read interaction ID sent to the metadata endpoint
      Given a metadata request
      And the "Ssp-InteractionID" header is "urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the metadata interaction ID sent to patient search
      Given a patient search for the NHS number of "patient1"
      And the "Ssp-InteractionID" header is "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario Outline: another interaction's ID sent to <request>
      Given <request>
      And the "Ssp-InteractionID" header is "<interaction>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | request                                                     | interaction                                                     |
        | an Organization search for the identifier of "ORG1"         | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | an Organization read of "ORG1"                              | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | a Practitioner search for the identifier of "practitioner2" | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | a Practitioner read of "practitioner1"                      | urn:nhs:names:services:gpconnect:fhir:rest:read:location-1      |
        | a Location read of "location1"                              | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |

    Scenario: the DSTU2 interaction ID (without the version suffix)
      Given a metadata request
      And the "Ssp-InteractionID" header is "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
