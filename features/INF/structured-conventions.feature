Feature: HTTP and FHIR conventions of Access Record Structured
  The structured record endpoint keeps the conventions every GP Connect API
  keeps (ACC judges them on Foundations): FHIR JSON answers, GP Connect
  OperationOutcomes, and a CapabilityStatement naming its release and
  profiles. They are judged here, on the structured endpoint, so that a
  provider without Access Record Structured fails only structured
  requirements, and one with it is held to them there.
  (GP Connect: FHIR API guidance, error handling; Access Record Structured; provider test suite FHIR.feature, StructuredMultipleRequests.feature.)

  @RFA-INF-097 @lot1 @must @route-national
  Rule: Access Record Structured responses are FHIR JSON: Content-Type application/fhir+json in UTF-8

    Scenario Outline: <request> with _format JSON and no Accept header
      Given <request>
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | request                       |
        | a structured metadata request |

    Scenario Outline: <request> with Accept JSON and _format JSON
      Given <request>
      And the "Accept" header is "application/fhir+json"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | request                       |
        | a structured metadata request |

  @RFA-INF-098 @lot1 @must @route-national
  Rule: Access Record Structured errors are GPConnect-OperationOutcome-1 resources whose Spine code, issue type and HTTP status agree

    Each request here is wrong in more than one way, so it is refused whichever
    check a candidate makes first; what is judged is the form of the refusal.

    Scenario: a structured record request that names no patient and carries a bad part parameter
      Given a structured record request with the body:
        """
        {"resourceType": "Parameters", "parameter": [{"name": "includeProblems", "part": [{"name": "filterStatus", "valueCode": "off"}]}]}
        """
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: a structured record for a patient who may not be shared, with a reversed period
      Given a structured record request for "patient9"
      And the parameter "includeReferrals" with "referralSearchPeriod" = period "2020-01-01" to "2019-01-01"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: control: a conformant structured record request is served, not refused
      Given a structured record request for "patient2"
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

  @RFA-INF-099 @lot1 @must @route-national
  Rule: The Access Record Structured CapabilityStatement names the GP Connect release it implements and lists the structured profiles it serves, each exactly once, with their versions

    The official 1.6.0 suite expects the structured statement at release 1.6.0;
    the pack accepts any 1.6.x (a 1.6.2 structured provider is not failed).

    Scenario Outline: <request>: the release
      Given <request>
      When the request is sent
      Then the CapabilityStatement's version is a GP Connect <line>.x release

      Examples:
        | request                       | line |
        | a structured metadata request | 1.6  |

    Scenario Outline: the structured CapabilityStatement lists <profile>
      Given a structured metadata request
      When the request is sent
      Then the CapabilityStatement lists the profile "<base>/<profile>" once

      Examples:
        | base                                            | profile                                              |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Patient-1/_history/1.8               |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Organization-1/_history/1.4          |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Practitioner-1/_history/1.2          |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-PractitionerRole-1/_history/1.2      |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-AllergyIntolerance-1/_history/1.7    |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Medication-1/_history/1.2            |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-MedicationStatement-1/_history/1.7   |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-MedicationRequest-1/_history/1.6     |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-List-1/_history/1.7                  |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | GPConnect-StructuredRecord-Bundle-1/_history/1.3     |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | GPConnect-OperationOutcome-1/_history/1.2            |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Immunization-1/_history/1.5          |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-ProblemHeader-Condition-1/_history/1.7 |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Encounter-1/_history/1.5             |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Observation-1/_history/1.6           |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-DiagnosticReport-1/_history/1.3      |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-Specimen-1/_history/1.3              |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-ProcedureRequest-1/_history/1.3      |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-ReferralRequest-1/_history/1.2       |
        | https://fhir.nhs.uk/STU3/StructureDefinition    | CareConnect-GPC-DocumentReference-1/_history/1.3     |
        | https://fhir.hl7.org.uk/STU3/StructureDefinition | CareConnect-HealthcareService-1/_history/1.0        |

  @RFA-INF-107 @lot1 @must @route-national
  Rule: On the structured endpoint, _format overrides Accept, and FHIR XML asked for is served or refused with 415

    Scenario: the structured CapabilityStatement with Accept XML and _format JSON
      Given a structured metadata request
      And the "Accept" header is "application/fhir+xml"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

    Scenario Outline: the structured CapabilityStatement with <how>
      Given a structured metadata request
      And <how>
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

      Examples:
        | how                                                                          |
        | the "Accept" header is "application/fhir+xml"                                |
        | the query parameter "_format" is added with the value "application/fhir+xml" |

  # Profile decision: GP Connect says servers SHOULD support XML; the
  # official suite expects it of the structured CapabilityStatement.
  @RFA-INF-108 @lot1 @should @route-national
  Rule: The structured endpoint serves FHIR XML when asked for, and its CapabilityStatement lists it

    Scenario Outline: the structured CapabilityStatement with <how>
      Given a structured metadata request
      And <how>
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is a "CapabilityStatement" resource
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | how                                                                          |
        | the "Accept" header is "application/fhir+xml"                                |
        | the query parameter "_format" is added with the value "application/fhir+xml" |

    Scenario Outline: the structured CapabilityStatement with Accept <accept> and _format XML
      Given a structured metadata request
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is a "CapabilityStatement" resource

      Examples:
        | accept                |
        | application/fhir+xml  |
        | application/fhir+json |

    Scenario: the structured CapabilityStatement with _format XML and no Accept header
      Given a structured metadata request
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML

    Scenario: the structured CapabilityStatement's formats
      Given a structured metadata request
      When the request is sent
      Then the response status is 200
      And the CapabilityStatement lists the format "application/fhir+xml"
