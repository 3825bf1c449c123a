Feature: The CapabilityStatement
  GET [base]/metadata returns the provider's CapabilityStatement, which tells
  a consumer what the endpoint is and what it supports before it asks for
  any patient data.
  (GP Connect: Get the FHIR capability statement; provider test suite FHIR.feature.)

  @RFA-ACC-019 @lot1 @must
  Rule: The CapabilityStatement is a conformant FHIR 3.0.1 instance statement served as FHIR JSON

    Scenario: reading the CapabilityStatement
      Given a metadata request
      When the request is sent
      Then the response status is 200
      And the response is a "CapabilityStatement" resource
      And the response conforms to the "capability-statement" schema

    Scenario: reading it with organisation scope and no patient context
      Given a metadata request
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the response conforms to the "capability-statement" schema

  @RFA-ACC-020 @lot1 @must
  Rule: The CapabilityStatement declares Patient read and Patient search by identifier

    Scenario: Patient interactions are declared
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the "read" interaction on "Patient"
      And the CapabilityStatement declares the "search-type" interaction on "Patient"

    Scenario: the identifier search parameter is declared
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the "identifier" search parameter on "Patient"

  @RFA-ACC-021 @lot1 @must
  Rule: The CapabilityStatement declares Organization and Practitioner read and search, Location read, and Appointment read, update and search

    Scenario Outline: <resource> <interaction> is declared
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the "<interaction>" interaction on "<resource>"

      Examples:
        | resource     | interaction |
        | Organization | read        |
        | Organization | search-type |
        | Practitioner | read        |
        | Practitioner | search-type |
        | Location     | read        |
        | Appointment  | read        |
        | Appointment  | update      |
        | Appointment  | search-type |

  @RFA-ACC-022 @lot1 @must
  Rule: The Access Record Structured and Access Document CapabilityStatements declare what those endpoints serve

    Scenario: the structured record operation is declared
      Given a structured metadata request
      When the request is sent
      Then the response conforms to the "capability-statement" schema
      And the CapabilityStatement declares the operation "gpc.getstructuredrecord"

    Scenario Outline: <resource> <interaction> is declared on the documents endpoint
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement declares the "<interaction>" interaction on "<resource>"

      Examples:
        | resource          | interaction |
        | DocumentReference | search-type |
        | Binary            | read        |
