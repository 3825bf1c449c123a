Feature: HTTP and FHIR conventions of the API
  The candidate speaks FHIR STU3 JSON over HTTP the way GP Connect providers
  do: responses are labelled application/fhir+json in UTF-8, nothing is
  cached, errors are GP Connect OperationOutcomes whose Spine code, issue type
  and HTTP status agree, and requests for paths or methods the API does not
  offer are refused rather than guessed at.
  (GP Connect: general API guidance; FHIR API guidance, error handling; provider test suite Http.feature and FHIR.feature.)

  @RFA-ACC-014 @lot1 @must @route-national
  Rule: Responses are FHIR JSON: Content-Type application/fhir+json in UTF-8

    Scenario: the CapabilityStatement
      Given a metadata request
      When the request is sent
      Then the response is FHIR JSON

    Scenario: a patient search
      Given a patient search for the NHS number of "patient1"
      When the request is sent
      Then the response is FHIR JSON

    Scenario: a patient read
      Given a patient read of "patient1"
      When the request is sent
      Then the response is FHIR JSON

    Scenario: a request without an Accept header
      Given a metadata request
      And the "Accept" header is removed
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

    Scenario Outline: the format asked for with _format=<format>
      Given a metadata request
      And the query parameter "_format" is added with the value "<format>"
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | format                |
        | application/fhir+json |
        | json                  |

    Scenario Outline: <request> with _format JSON and no Accept header
      Given <request>
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

      Examples:
        | request                       |
        | a metadata request            |

    Scenario Outline: a patient <kind> with _format JSON <where>
      Given a patient <kind> "patient2"
      And the "Accept" header is "application/fhir+json"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200

      Examples:
        | kind                        | where                  |
        | search for the NHS number of | after the identifier   |
        | read of                     | on the read            |

    Scenario: a patient search with _format JSON before the identifier
      Given a patient search with the query "_format=application/fhir%2Bjson&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a searchset Bundle with 1 entry

    Scenario Outline: <request> with <how>
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200
      And <check>

      Examples:
        | request                                                     | how                                                                           | check                                                                  |
        | an Organization search for the identifier of "ORG1"         | the "Accept" header is "application/fhir+json"                                | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization search for the identifier of "ORG1"         | the query parameter "_format" is added with the value "application/fhir+json" | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization read of "ORG1"                              | the "Accept" header is "application/fhir+json"                                | the response is the Organization "ORG1" with the requested id          |
        | an Organization read of "ORG1"                              | the query parameter "_format" is added with the value "application/fhir+json" | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner search for the identifier of "practitioner2" | the "Accept" header is "application/fhir+json"                                | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner search for the identifier of "practitioner2" | the query parameter "_format" is added with the value "application/fhir+json" | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner read of "practitioner1"                      | the "Accept" header is "application/fhir+json"                                | the response is the Practitioner "practitioner1" with the requested id |
        | a Practitioner read of "practitioner1"                      | the query parameter "_format" is added with the value "application/fhir+json" | the response is the Practitioner "practitioner1" with the requested id |
        | a Location read of "location1"                              | the "Accept" header is "application/fhir+json"                                | the response is the Location "location1" with the requested id         |
        | a Location read of "location1"                              | the query parameter "_format" is added with the value "application/fhir+json" | the response is the Location "location1" with the requested id         |

    Scenario Outline: <request> with _format JSON and no Accept header
      Given <request>
      And the "Accept" header is removed
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200
      And <check>

      Examples:
        | request                                             | check                                                                  |
        | an Organization search for the identifier of "ORG1" | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization read of "ORG1"                      | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner read of "practitioner1"              | the response is the Practitioner "practitioner1" with the requested id |
        | a Location read of "location1"                      | the response is the Location "location1" with the requested id         |

    Scenario Outline: <request> with Accept JSON and _format JSON
      Given <request>
      And the "Accept" header is "application/fhir+json"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200
      And <check>

      Examples:
        | request                                                     | check                                                                  |
        | an Organization search for the identifier of "ORG1"         | every Organization in the Bundle has the identifier of "ORG1"          |
        | an Organization read of "ORG1"                              | the response is the Organization "ORG1" with the requested id          |
        | a Practitioner search for the identifier of "practitioner2" | every Practitioner in the Bundle has the identifier of "practitioner2" |
        | a Practitioner read of "practitioner2"                      | the response is the Practitioner "practitioner2" with the requested id |
        | a Location read of "location2"                              | the response is the Location "location2" with the requested id         |

    Scenario Outline: <kind> search with _format JSON before the identifier
      Given <kind> search with the query "_format=application/fhir%2Bjson&identifier=<system>%7C{<key>}"
      When the request is sent
      Then the response is FHIR JSON
      And the response is a searchset Bundle with 1 entry
      And <check>

      Examples:
        | kind            | system                                       | key               | check                                                                  |
        | an Organization | https://fhir.nhs.uk/Id/ods-organization-code | ods:ORG1          | every Organization in the Bundle has the identifier of "ORG1"          |
        | a Practitioner  | https://fhir.nhs.uk/Id/sds-user-id           | sds:practitioner2 | every Practitioner in the Bundle has the identifier of "practitioner2" |

    Scenario: an error response
      Given a patient search for the NHS number "9990000175"
      When the request is sent
      Then the response is FHIR JSON

  # Profile decision: neither GP Connect nor its official suite asks a
  # provider to take FHIR DSTU2's media type, and GP Connect lets a provider
  # refuse a format it does not support (415). Serving it as FHIR JSON, as
  # FHIR STU3 servers commonly do for older consumers, is a recommendation.
  @RFA-ACC-042 @lot1 @should @profile-decision @route-national
  Rule: The DSTU2 media type in Accept (application/json+fhir) is answered as FHIR JSON

    Scenario: the DSTU2 media type in Accept
      Given a metadata request
      And the "Accept" header is "application/json+fhir"
      When the request is sent
      Then the response status is 200
      And the response is FHIR JSON
      And the response is a "CapabilityStatement" resource

  @RFA-ACC-015 @lot1 @must @route-national
  Rule: Every response, success or error, carries Cache-Control no-store

    Scenario: the CapabilityStatement
      Given a metadata request
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a patient search
      Given a patient search for the NHS number of "patient2"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a patient read
      Given a patient read of "patient2"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a refused request
      Given a metadata request
      And the "Ssp-TraceID" header is removed
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a patient that is not found
      Given a patient read of the logical id "00000000-0000-4000-8000-000000000000"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a patient search refused for its parameter
      Given a patient search with the query "Identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And the response header "Cache-Control" includes "no-store"

    Scenario Outline: <request>
      Given <request>
      When the request is sent
      Then the response status is 200
      And the response header "Cache-Control" includes "no-store"

      Examples:
        | request                                                     |
        | an Organization search for the identifier of "ORG1"         |
        | an Organization read of "ORG1"                              |
        | a Practitioner search for the identifier of "practitioner1" |
        | a Practitioner read of "practitioner1"                      |
        | a Location read of "location1"                              |

    Scenario Outline: <request> with another interaction's Ssp-InteractionID
      Given <request>
      And the "Ssp-InteractionID" header is "<interaction>"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

      Examples:
        | request                                                     | interaction                                                     |
        | an Organization search for the identifier of "ORG1"         | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | an Organization read of "ORG1"                              | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | a Practitioner search for the identifier of "practitioner2" | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |
        | a Practitioner read of "practitioner1"                      | urn:nhs:names:services:gpconnect:fhir:rest:read:location-1      |
        | a Location read of "location1"                              | urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1  |

  @RFA-ACC-016 @lot1 @must @route-national
  Rule: Errors are GPConnect-OperationOutcome-1 resources whose Spine code, issue type and HTTP status agree

    Each request here is wrong in more than one way, so it is refused whichever
    check a candidate makes first; what is judged is the form of the refusal.

    Scenario: a request refused for its Spine headers
      Given a metadata request
      And the "Ssp-TraceID" header is removed
      And the "Ssp-From" header is removed
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: an NHS number that is too short
      Given a patient search for the NHS number "999000010"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: an unknown identifier system with a malformed value
      Given a patient search with the query "identifier=https://fhir.nhs.uk/Id/local-patient-identifier|999000010"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: an identifier with neither system nor value
      Given a patient search with the query "identifier=|"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: a patient that is not found
      Given a patient read of the logical id "00000000-0000-4000-8000-000000000000"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: claims that are wrong in several ways
      Given a metadata request
      And the JWT claim "requesting_device" has the field "resourceType" set to "Patient"
      And the JWT claim "requested_scope" is set to "patient/*.write"
      When the request is sent
      Then the response is a valid GP Connect OperationOutcome

    Scenario: control: a conformant request is served, not refused
      Given a metadata request
      When the request is sent
      Then the response status is 200
      And the response is a "CapabilityStatement" resource

  @RFA-ACC-017 @lot1 @must @route-national
  Rule: Requests for paths the API does not offer, including wrongly cased ones, are refused with an OperationOutcome

    Scenario Outline: the path <path>
      Given a metadata request
      And the request path is "<path>"
      When the request is sent
      Then the request is refused with an OperationOutcome

      Examples:
        | path      |
        | Metadata  |
        | METADATA  |
        | metadatas |

    Scenario Outline: <method> to a path the API does not offer
      Given a metadata request
      And the request path is "metadatas"
      And the request method is <method>
      When the request is sent
      Then the request is refused with an OperationOutcome
      And the response is FHIR JSON

      Examples:
        | method |
        | POST   |
        | PUT    |

    Scenario: a patient search on a wrongly cased resource type
      Given a patient search for the NHS number of "patient1"
      And the request path is "patient"
      When the request is sent
      Then the request is refused with an OperationOutcome

    Scenario Outline: a registration sent to <path>
      Given a registration of "pool72"
      And the request path is "<path>"
      When the request is sent
      Then the request is refused with an OperationOutcome

      Examples:
        | path                          |
        | Patient/$gpc.registerpatien   |
        | Patient/$gpc.registerpati#ent |
        | patient/$gpc.registerpatient  |

    Scenario: control: the path the API offers is served
      Given a metadata request
      When the request is sent
      Then the response status is 200
      And the response is a "CapabilityStatement" resource

  @RFA-ACC-018 @lot1 @must @route-national
  Rule: Methods a read-only endpoint does not support are refused with an OperationOutcome

    Scenario Outline: <method> on the CapabilityStatement
      Given a metadata request
      And the request method is <method>
      When the request is sent
      Then the request is refused with an OperationOutcome

      Examples:
        | method  |
        | PUT     |
        | POST    |
        | PATCH   |
        | DELETE  |
        | OPTIONS |

    Scenario: DELETE on a patient
      Given a patient read of "patient3"
      And the request method is DELETE
      When the request is sent
      Then the request is refused with an OperationOutcome
