Feature: FHIR JSON and FHIR XML: content negotiation on Foundations
  GP Connect servers SHALL serve FHIR JSON and SHOULD serve FHIR XML. The
  `_format` parameter SHALL override the Accept header; with neither, a
  request body's Content-Type decides, and with nothing at all the answer
  is JSON. A request for a format the server does not serve SHALL be
  refused with 415. So a provider that serves only JSON is right by GP
  Connect if it refuses XML with 415: serving XML is a recommendation here,
  negotiating honestly is a must. An XML answer is judged by every check its
  JSON twin is, and must say the same thing.
  (GP Connect: general API guidance, content types and wire formats; provider test suite FHIR.feature, PatientSearch, PatientRead, OrganizationSearch, OrganizationRead, PractitionerSearch, PractitionerRead and LocationRead.)

  @RFA-ACC-043 @lot1 @must @route-national
  Rule: A request for FHIR XML, by Accept or by _format, is answered in FHIR XML or refused with 415

    Scenario Outline: <request> with <how>
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

      Examples:
        | request                                                     | how                                                                          |
        | a metadata request                                          | the "Accept" header is "application/fhir+xml"                                |
        | a patient search for the NHS number of "patient1"           | the "Accept" header is "application/fhir+xml"                                |
        | a patient search for the NHS number of "patient1"           | the query parameter "_format" is added with the value "application/fhir+xml" |
        | a patient read of "patient1"                                | the query parameter "_format" is added with the value "application/fhir+xml" |
        | an Organization search for the identifier of "ORG1"         | the "Accept" header is "application/fhir+xml"                                |
        | a Practitioner read of "practitioner1"                      | the "Accept" header is "application/fhir+xml"                                |
        | a Location read of "location1"                              | the query parameter "_format" is added with the value "application/fhir+xml" |

    Scenario: the CapabilityStatement with _format XML and no Accept header
      Given a metadata request
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

  @RFA-ACC-044 @lot1 @must @route-national
  Rule: _format overrides Accept: Accept XML with _format JSON is answered in FHIR JSON

    Scenario Outline: <request> with Accept XML and _format JSON
      Given <request>
      And the "Accept" header is "application/fhir+xml"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And <check>

      Examples:
        | request                                                     | check                                                                  |
        | a metadata request                                          | the response is a "CapabilityStatement" resource                       |
        | a patient search for the NHS number of "patient1"           | every Patient in the Bundle has the NHS number of "patient1"           |
        | a patient read of "patient1"                                | the response is the Patient "patient1" with the requested id           |
        | an Organization read of "ORG1"                              | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner search for the identifier of "practitioner2" | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner read of "practitioner2"                      | the response is the Practitioner "practitioner2" with the requested id |
        | a Location read of "location2"                              | the response is the Location "location2" with the requested id         |

    Scenario: a patient search with _format JSON before the identifier and Accept XML
      Given a patient search with the query "_format=application/fhir%2Bjson&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient1}"
      And the "Accept" header is "application/fhir+xml"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "patient1"

  # Profile decision: GP Connect says servers SHOULD support XML; the
  # official suite expects it of every Foundations interaction.
  @RFA-ACC-045 @lot1 @should @route-national
  Rule: FHIR XML is served when asked for, by Accept or by _format, and says what the JSON answer says

    Scenario Outline: <request> with <how>
      Given <request>
      And <how>
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And <check>
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | request                                                     | how                                                                          | check                                                                  |
        | a metadata request                                          | the "Accept" header is "application/fhir+xml"                                | the response is a "CapabilityStatement" resource                       |
        | a patient search for the NHS number of "patient1"           | the "Accept" header is "application/fhir+xml"                                | every Patient in the Bundle has the NHS number of "patient1"           |
        | a patient search for the NHS number of "patient2"           | the "Accept" header is "application/fhir+xml"                                | every Patient in the Bundle has the NHS number of "patient2"           |
        | a patient search for the NHS number of "patient3"           | the "Accept" header is "application/fhir+xml"                                | every Patient in the Bundle has the NHS number of "patient3"           |
        | a patient search for the NHS number of "patient1"           | the query parameter "_format" is added with the value "application/fhir+xml" | every Patient in the Bundle has the NHS number of "patient1"           |
        | a patient read of "patient1"                                | the "Accept" header is "application/fhir+xml"                                | the response is the Patient "patient1" with the requested id           |
        | a patient read of "patient1"                                | the query parameter "_format" is added with the value "application/fhir+xml" | the response is the Patient "patient1" with the requested id           |
        | an Organization search for the identifier of "ORG1"         | the "Accept" header is "application/fhir+xml"                                | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization search for the identifier of "ORG1"         | the query parameter "_format" is added with the value "application/fhir+xml" | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization read of "ORG1"                              | the "Accept" header is "application/fhir+xml"                                | the response is the Organization "ORG1" with the requested id          |
        | an Organization read of "ORG1"                              | the query parameter "_format" is added with the value "application/fhir+xml" | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner search for the identifier of "practitioner2" | the "Accept" header is "application/fhir+xml"                                | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner read of "practitioner1"                      | the "Accept" header is "application/fhir+xml"                                | the response is the Practitioner "practitioner1" with the requested id |
        | a Practitioner read of "practitioner1"                      | the query parameter "_format" is added with the value "application/fhir+xml" | the response is the Practitioner "practitioner1" with the requested id |
        | a Location read of "location1"                              | the query parameter "_format" is added with the value "application/fhir+xml" | the response is the Location "location1" with the requested id         |
        | a Location read of "location2"                              | the "Accept" header is "application/fhir+xml"                                | the response is the Location "location2" with the requested id         |

    Scenario Outline: <request> with Accept <accept> and _format XML
      Given <request>
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And <check>
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | request                                                     | accept                | check                                                                  |
        | a metadata request                                          | application/fhir+xml  | the response is a "CapabilityStatement" resource                       |
        | a metadata request                                          | application/fhir+json | the response is a "CapabilityStatement" resource                       |
        | a patient search for the NHS number of "patient1"           | application/fhir+xml  | every Patient in the Bundle has the NHS number of "patient1"           |
        | a patient search for the NHS number of "patient1"           | application/fhir+json | every Patient in the Bundle has the NHS number of "patient1"           |
        | a patient read of "patient1"                                | application/fhir+json | the response is the Patient "patient1" with the requested id           |
        | a patient read of "patient1"                                | application/fhir+xml  | the response is the Patient "patient1" with the requested id           |
        | an Organization search for the identifier of "ORG1"         | application/fhir+json | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization read of "ORG1"                              | application/fhir+json | the response is the Organization "ORG1" with the requested id          |
        | an Organization read of "ORG1"                              | application/fhir+xml  | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner search for the identifier of "practitioner2" | application/fhir+json | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner search for the identifier of "practitioner2" | application/fhir+xml  | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner read of "practitioner2"                      | application/fhir+json | the response is the Practitioner "practitioner2" with the requested id |
        | a Practitioner read of "practitioner2"                      | application/fhir+xml  | the response is the Practitioner "practitioner2" with the requested id |
        | a Location read of "location2"                              | application/fhir+json | the response is the Location "location2" with the requested id         |
        | a Location read of "location2"                              | application/fhir+xml  | the response is the Location "location2" with the requested id         |

    Scenario Outline: <request> with _format XML and no Accept header
      Given <request>
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And <check>
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | request                                             | check                                                         |
        | a metadata request                                  | the response is a "CapabilityStatement" resource              |
        | an Organization search for the identifier of "ORG1" | every Organization in the Bundle has the identifier of "ORG1" |

    Scenario Outline: <kind> search with _format XML <where> the identifier
      Given <kind> search with the query "<query>"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is a searchset Bundle with 1 entry
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | kind            | where  | query                                                                                                  |
        | a patient       | before | _format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient1}            |
        | a patient       | after  | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient1}&_format=application/fhir%2Bxml            |
        | an Organization | before | _format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/ods-organization-code%7C{ods:ORG1}     |
        | an Organization | after  | identifier=https://fhir.nhs.uk/Id/ods-organization-code%7C{ods:ORG1}&_format=application/fhir%2Bxml     |
        | a Practitioner  | before | _format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:practitioner2}       |
        | a Practitioner  | after  | identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:practitioner2}&_format=application/fhir%2Bxml       |

    Scenario: a patient search with _format XML before the identifier and Accept XML
      Given a patient search with the query "_format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient1}"
      And the "Accept" header is "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And every Patient in the Bundle has the NHS number of "patient1"
      And the XML answer has the content of the FHIR JSON answer to the same request

  # Profile decision: the official suite asserts it of all three
  # CapabilityStatements; GP Connect's examples list both formats.
  @RFA-ACC-046 @lot1 @should @route-national
  Rule: The CapabilityStatement lists application/fhir+xml among its formats

    Scenario: the Foundations CapabilityStatement
      Given a metadata request
      When the request is sent
      Then the response status is 200
      And the CapabilityStatement lists the format "application/fhir+json"
      And the CapabilityStatement lists the format "application/fhir+xml"

  # Profile decision: GP Connect gives errors no format rule of their own,
  # so the content-type rules apply to them; the official suite asks none.
  @RFA-ACC-047 @lot1 @should @profile-decision @route-national
  Rule: An error answering a request for FHIR XML is a GP Connect OperationOutcome in FHIR XML

    Scenario Outline: <what> with <how>
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR XML
      And the request is refused with <status> "<code>"

      Examples:
        | what                   | request                                                                   | how                                                                          | status | code               |
        | an unknown logical id  | a patient read of the logical id "00000000-0000-4000-8000-000000000000"   | the "Accept" header is "application/fhir+xml"                                | 404    | PATIENT_NOT_FOUND  |
        | an unknown logical id  | a patient read of the logical id "00000000-0000-4000-8000-000000000000"   | the query parameter "_format" is added with the value "application/fhir+xml" | 404    | PATIENT_NOT_FOUND  |
        | a misspelt parameter   | a patient search with the query "Identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}" | the "Accept" header is "application/fhir+xml" | 400    | BAD_REQUEST        |

  @RFA-ACC-048 @lot1 @must @route-national
  Rule: A request for a format the candidate does not serve is refused with 415

    Scenario Outline: the CapabilityStatement with <how>
      Given a metadata request
      And <how>
      When the request is sent
      Then the request is refused with 415 and an OperationOutcome

      Examples:
        | how                                                                            |
        | the query parameter "_format" is added with the value "application/fhir+turtle" |
        | the "Accept" header is "application/fhir+turtle"                                |
