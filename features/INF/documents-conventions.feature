Feature: HTTP and FHIR conventions of Access Document
  The documents endpoint keeps the conventions every GP Connect API keeps
  (ACC judges them on Foundations): FHIR JSON answers, no caching, GP
  Connect OperationOutcomes, and a CapabilityStatement that declares what
  the endpoint serves and names its release. They are judged here, on the
  documents endpoint, so that a provider without Access Document fails only
  documents requirements, and one with it is held to them there.
  (GP Connect: FHIR API guidance, error handling; Access Document; provider test suite FHIR.feature, StructuredDocuments.feature.)

  @RFA-INF-100 @lot1 @must @route-national
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

  @RFA-INF-101 @lot1 @must @route-national
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

  @RFA-INF-102 @lot1 @must @route-national
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

  @RFA-INF-103 @lot1 @must @route-national
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

  @RFA-INF-104 @lot1 @must @route-national
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

  @RFA-INF-109 @lot1 @must @route-national
  Rule: On the documents endpoint, _format overrides Accept, and FHIR XML asked for is served or refused with 415

    Scenario: the documents CapabilityStatement with Accept XML and _format JSON
      Given a documents metadata request
      And the "Accept" header is "application/fhir+xml"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

    Scenario Outline: a documents patient search with Accept XML and _format JSON <where> the identifier
      Given a documents patient search with the query "<query>"
      And the "Accept" header is "application/fhir+xml"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "patient2"

      Examples:
        | where  | query                                                                                          |
        | after  | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}&_format=application/fhir%2Bjson |
        | before | _format=application/fhir%2Bjson&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2} |

    Scenario Outline: <request> with <how>
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

      Examples:
        | request                                                     | how                                                                          |
        | a documents metadata request                                | the "Accept" header is "application/fhir+xml"                                |
        | a documents patient search for the NHS number of "patient2" | the query parameter "_format" is added with the value "application/fhir+xml" |

  # Profile decision: GP Connect says servers SHOULD support XML; the
  # official suite expects it of the documents CapabilityStatement and
  # patient search.
  @RFA-INF-110 @lot1 @should @route-national
  Rule: The documents endpoint serves FHIR XML when asked for, and its CapabilityStatement lists it

    Scenario Outline: the documents CapabilityStatement with <how>
      Given a documents metadata request
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

    Scenario Outline: the documents CapabilityStatement with Accept <accept> and _format XML
      Given a documents metadata request
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

    Scenario: the documents CapabilityStatement with _format XML and no Accept header
      Given a documents metadata request
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML

    Scenario Outline: a documents patient search for <patient> with Accept XML
      Given a documents patient search for the NHS number of "<patient>"
      And the "Accept" header is "application/fhir+xml"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "<patient>"
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | patient  |
        | patient1 |
        | patient2 |
        | patient3 |

    Scenario Outline: a documents patient search with <how>
      Given a documents patient search with the query "<query>"
      And the "Accept" header is "<accept>"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "patient2"

      Examples:
        | how                                      | accept                | query                                                                                         |
        | _format XML after identifier             | application/fhir+json | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}&_format=application/fhir%2Bxml |
        | _format XML after identifier, Accept XML | application/fhir+xml  | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}&_format=application/fhir%2Bxml |
        | _format XML before identifier            | application/fhir+json | _format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2} |
        | _format XML before identifier, Accept XML | application/fhir+xml | _format=application/fhir%2Bxml&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2} |

    Scenario: the documents CapabilityStatement's formats
      Given a documents metadata request
      When the request is sent
      Then the response status is 200
      And the CapabilityStatement lists the format "application/fhir+xml"
