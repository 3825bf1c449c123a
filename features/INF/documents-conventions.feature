Feature: HTTP and FHIR conventions of Access Document
  The documents endpoint keeps the conventions every GP Connect API keeps
  (ACC judges them on Foundations): FHIR JSON answers, no caching, GP
  Connect OperationOutcomes, and a CapabilityStatement that declares what
  the endpoint serves and names its release. They are judged here, on the
  documents endpoint, so that a provider without Access Document fails only
  documents requirements, and one with it is held to them there.
  (GP Connect: FHIR API guidance, error handling; Access Document; provider test suite FHIR.feature, StructuredDocuments.feature.)

  @RFA-INF-100 @lot1 @must
  Rule: Access Document responses are FHIR JSON: Content-Type application/fhir+json in UTF-8

    Scenario Outline: <request> with _format JSON and no Accept header
      Given <request>
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | request                       |
        | a documents metadata request  |

    Scenario Outline: a documents patient search with <how>
      Given a documents patient search with the query "<query>"
      And the "Accept" header is "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a searchset Bundle with 1 entry

      Examples:
        | how                            | query                                                                                   |
        | Accept JSON                    | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}                            |
        | _format JSON after identifier  | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}&_format=application/fhir%2Bjson |
        | _format JSON before identifier | _format=application/fhir%2Bjson&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2} |

    Scenario Outline: <request> with Accept JSON and _format JSON
      Given <request>
      And the "Accept" header is "application/fhir+json"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | request                       |
        | a documents metadata request  |

  @RFA-INF-101 @lot1 @must
  Rule: Every Access Document response, success or error, carries Cache-Control no-store

    Scenario Outline: a documents patient search for <patient>
      Given a documents patient search for the NHS number of "<patient>"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

      Examples:
        | patient   |
        | patient2  |
        | patient15 |

    Scenario: a documents patient search refused for its parameter
      Given a documents patient search with the query "Identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And the response header "Cache-Control" includes "no-store"

  @RFA-INF-102 @lot1 @must
  Rule: Access Document errors are GPConnect-OperationOutcome-1 resources whose Spine code, issue type and HTTP status agree

    Each request here is wrong in more than one way, so it is refused whichever
    check a candidate makes first; what is judged is the form of the refusal.

    Scenario: a document search without its includes, for a patient not held
      Given a document search for the patient id "no-such-patient"
      And the query parameter "BadParameter" is added with the value "1"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: control: a conformant documents patient search is served, not refused
      Given a documents patient search for the NHS number of "patient2"
      When the request is sent
      Then the response status is 200
      And the response is a searchset Bundle with 1 entry

  @RFA-INF-103 @lot1 @must
  Rule: The Access Document CapabilityStatement declares what the documents endpoint serves: Patient, DocumentReference search with its includes and parameters, Binary read

    Scenario Outline: <resource> <interaction> is declared on the documents endpoint
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement declares the "<interaction>" interaction on "<resource>"

      Examples:
        | resource          | interaction |
        | DocumentReference | search-type |
        | Binary            | read        |

    Scenario: the documents CapabilityStatement is conformant
      Given a documents metadata request
      When the request is sent
      Then the response conforms to the "capability-statement" schema

    Scenario: Patient read and search on the documents endpoint
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement declares the "read" interaction on "Patient"
      And the CapabilityStatement declares the "search-type" interaction on "Patient"

    Scenario Outline: the DocumentReference include <include>
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement declares the search include "<include>" on "DocumentReference"

      Examples:
        | include                                  |
        | DocumentReference:subject:Patient        |
        | DocumentReference:custodian:Organization |
        | DocumentReference:author:Organization    |
        | DocumentReference:author:Practitioner    |

    Scenario Outline: the DocumentReference search parameter <name>
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement declares the "<name>" search parameter of type "<type>" on "DocumentReference"

      Examples:
        | name        | type   |
        | created     | date   |
        | author      | token  |
        | description | string |

  @RFA-INF-104 @lot1 @must
  Rule: The Access Document CapabilityStatement names the GP Connect release it implements and lists the documents profiles it serves, each exactly once, with their versions

    The official 1.6.0 suite expects the documents statement at release 1.6.0;
    the pack accepts any 1.6.x.

    Scenario Outline: <request>: the release
      Given <request>
      When the request is sent
      Then the CapabilityStatement's version is a GP Connect <line>.x release

      Examples:
        | request                       | line |
        | a documents metadata request  | 1.6  |

    Scenario Outline: the documents CapabilityStatement lists <profile>
      Given a documents metadata request
      When the request is sent
      Then the CapabilityStatement lists the profile "https://fhir.nhs.uk/STU3/StructureDefinition/<profile>" once

      Examples:
        | profile                                          |
        | CareConnect-GPC-Patient-1/_history/1.8           |
        | CareConnect-GPC-Organization-1/_history/1.4      |
        | CareConnect-GPC-Practitioner-1/_history/1.2      |
        | CareConnect-GPC-PractitionerRole-1/_history/1.2  |
        | GPConnect-OperationOutcome-1/_history/1.2        |
        | CareConnect-GPC-DocumentReference-1/_history/1.3 |
        | GPConnect-Searchset-Bundle-1/_history/1.3        |
