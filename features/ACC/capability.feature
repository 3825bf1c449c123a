Feature: The CapabilityStatement
  GET [base]/metadata returns the provider's CapabilityStatement, which tells
  a consumer what the endpoint is and what it supports before it asks for
  any patient data.
  (GP Connect: Get the FHIR capability statement; provider test suite FHIR.feature.)

  @RFA-ACC-019 @lot1 @must @route-national
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

  @RFA-ACC-020 @lot1 @must @route-national
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

  @RFA-ACC-021 @lot1 @must @route-national
  Rule: The CapabilityStatement declares Organization and Practitioner read and search, and Location read (Appointment's interactions are RFA-ONL-049's)

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

  @RFA-ACC-022 @lot1 @must @route-national
  Rule: The Access Record Structured CapabilityStatement declares the structured record operation (the documents one is INF-103's)

    Scenario: the structured record operation is declared
      Given a structured metadata request
      When the request is sent
      Then the response conforms to the "capability-statement" schema
      And the CapabilityStatement declares the operation "gpc.getstructuredrecord" defined by "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16"

  @RFA-ACC-033 @lot1 @must @route-national
  Rule: The Foundations CapabilityStatement names the GP Connect release it implements and lists the GP Connect profiles it serves, each exactly once (the structured and documents statements are INF-099's and INF-104's)

    The official 1.6.0 suite compares the version with the release it is
    configured for (Foundations and Appointments 1.5.0 by default); GP
    Connect's own CapabilityStatement example says 1.6.2 on the 1.6.2
    branch, as "the GP Connect specification version which the FHIR server
    implements". The pack accepts any release of the 1.5 and 1.6 lines.

    Scenario: the release
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement's version is a GP Connect 1.5.x or 1.6.x release

    Scenario Outline: the Foundations CapabilityStatement lists <profile>
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement lists the profile "https://fhir.nhs.uk/STU3/StructureDefinition/<profile>" once

      Examples:
        | profile                                 |
        | CareConnect-GPC-Patient-1               |
        | CareConnect-GPC-Organization-1          |
        | CareConnect-GPC-Practitioner-1          |
        | CareConnect-GPC-PractitionerRole-1      |
        | CareConnect-GPC-Location-1              |
        | GPConnect-OperationOutcome-1            |
        | GPConnect-Appointment-1                 |
        | GPConnect-Schedule-1                    |
        | GPConnect-Slot-1                        |
        | CareConnect-GPC-AllergyIntolerance-1    |
        | CareConnect-GPC-Medication-1            |
        | CareConnect-GPC-MedicationStatement-1   |
        | CareConnect-GPC-MedicationRequest-1     |
        | CareConnect-GPC-List-1                  |
        | GPConnect-StructuredRecord-Bundle-1     |
        | CareConnect-GPC-Immunization-1          |
        | CareConnect-GPC-ProblemHeader-Condition-1 |
        | CareConnect-GPC-Encounter-1             |
        | CareConnect-GPC-Observation-1           |
        | CareConnect-GPC-DiagnosticReport-1      |
        | CareConnect-GPC-Specimen-1              |
        | CareConnect-GPC-ProcedureRequest-1      |
        | CareConnect-GPC-ReferralRequest-1       |

  @RFA-ACC-034 @lot1 @must @route-national
  Rule: The Foundations CapabilityStatement declares the operations GP Connect 1.6 puts there: gpc.registerpatient, and gpc.getstructuredrecord defined by its OperationDefinition

    Scenario: registering a patient
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the operation "gpc.registerpatient"

    Scenario: the structured record operation and its definition
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the operation "gpc.getstructuredrecord" defined by "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.15"

  @RFA-ACC-035 @lot1 @must @route-national
  Rule: A consumer that sends Accept-Encoding gzip gets the answer gzip-compressed

    Scenario: the CapabilityStatement, gzipped
      Given a metadata request
      And the "Accept-Encoding" header is "gzip"
      When the request is sent
      Then the response status is 200
      And the response is gzip-compressed
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

    Scenario: a patient search, gzipped
      Given a patient search for the NHS number of "patient2"
      And the "Accept-Encoding" header is "gzip"
      When the request is sent
      Then the response is gzip-compressed
      And the response is a searchset Bundle with 1 entry
