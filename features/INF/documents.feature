Feature: Patients' documents
  A consumer finds the patient on the documents endpoint, searches their
  documents with the resources GP Connect makes them include, and retrieves
  a document from the URL its DocumentReference gives. A document too large
  to retrieve is still listed, with its size and the reason.
  (GP Connect Access Document 1.6; provider test suite
  StructuredDocuments.feature.)

  @RFA-INF-059 @lot1 @must @route-national
  Rule: The documents endpoint finds a patient by NHS number as Foundations does — the same Patient, the same refusals, in a Bundle whose id is the Ssp-TraceID; sensitive, deceased and inactive patients are not returned, patients who dissented are

    Scenario Outline: <patient> (<why>)
      Given a documents patient search for the NHS number of "<patient>"
      When the request is sent
      Then the response is a searchset Bundle with <count> entries

      Examples:
        | patient   | why                  | count |
        | patient2  | active               | 1     |
        | patient15 | dissented            | 1     |
        | patient9  | sensitive            | 0     |
        | patient18 | deceased             | 0     |
        | patient21 | registration ended   | 0     |

    Scenario: a patient the practice does not hold
      Given a documents patient search for the NHS number of "patientNotInSystem"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries
      And the Bundle's id is the request's Ssp-TraceID

    Scenario: a deceased patient, in a Bundle named by the trace id
      Given a documents patient search for the NHS number of "patient18"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries
      And the Bundle's id is the request's Ssp-TraceID

    Scenario Outline: the Patient resource of <patient>
      Given a documents patient search for the NHS number of "<patient>"
      When the request is sent
      Then every Patient in the Bundle conforms to the "patient" schema
      And the Patient's managing organisation and usual GP read back

      Examples:
        | patient   |
        | patient2  |
        | patient15 |

    Scenario: the preferred branch surgery
      Given a documents patient search for the NHS number of "patient2"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And the Patient has its preferred branch surgery

    Scenario Outline: <why> is refused
      Given a documents patient search with the query "<query>"
      When the request is sent
      Then the request is refused with <status> "<code>"

      Examples:
        | why                       | query                                                                                   | status | code              |
        | an identifier with no system | identifier={nhs:patient2}                                                            | 422    | INVALID_PARAMETER |
        | a blank system            | identifier=%7C{nhs:patient2}                                                            | 422    | INVALID_PARAMETER |
        | no value                  | identifier=https://fhir.nhs.uk/Id/nhs-number%7C                                          | 422    | INVALID_PARAMETER |
        | no identifier             | _count=1                                                                                | 400    | BAD_REQUEST       |
        | Identifier, wrongly cased | Identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}                            | 400    | BAD_REQUEST       |
        | two identifiers           | identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient2}&identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs:patient1} | 400 | BAD_REQUEST |

  @RFA-INF-060 @lot1 @must @route-national
  Rule: A DocumentReference search returns the patient's documents, each a conformant CareConnect-GPC-DocumentReference-1, with the Patient and the organisations and practitioners they name

    Scenario Outline: <patient>'s documents
      Given a document search for "<patient>"
      When the request is sent
      Then the response is a document search Bundle with <count> DocumentReferences
      And the Bundle includes the Patient "<patient>" and every organisation and practitioner its documents name

      Examples:
        | patient  | count |
        | patient2 | 2     |
        | patient4 | 2     |

    Scenario: a patient with no documents
      Given a document search for "patient3"
      When the request is sent
      Then the response is a document search Bundle with 0 DocumentReferences

  @RFA-INF-061 @lot1 @must @route-national
  Rule: A DocumentReference search without its mandatory _include parameters, with an unknown parameter, or with an author that is not an ODS code, is refused with 422 INVALID_PARAMETER

    Scenario: no _include parameters
      Given a document search for "patient2" without the _include parameters
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: an unknown parameter
      Given a document search for "patient2"
      And the query parameter "BadParameter" is added with the value "BadParamValue"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: an author that is not an ODS code
      Given a document search for "patient2"
      And the query parameter "author" is added with the value "https://bad-identifier|GPC002"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

  @RFA-INF-062 @lot1 @must @route-national
  Rule: A DocumentReference search for a patient id the system does not hold, or for a patient not registered here as Regular/GMS, is refused with 404 PATIENT_NOT_FOUND

    Scenario Outline: the patient id <id>
      Given a document search for the patient id "<id>"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

      Examples:
        | id                                   |
        | 9999999999999                        |
        | 00000000-0000-4000-8000-000000000000 |

    Scenario: a temporary resident
      Given a document search for "patient14"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

  @RFA-INF-063 @lot1 @must @route-national
  Rule: created (ge, le) and author narrow a DocumentReference search

    Scenario Outline: created <created>
      Given a document search for "patient2"
      And the query parameter "created" is added with the value "<created>"
      When the request is sent
      Then the response is a document search Bundle with <count> DocumentReferences

      Examples:
        | created      | count |
        | ge2024-01-01 | 1     |
        | le2023-12-31 | 1     |
        | ge2025-01-01 | 0     |
        | le2023-01-01 | 0     |

    Scenario: created within a year
      Given a document search for "patient2"
      And the query parameter "created" is added with the value "ge2023-01-01"
      And the query parameter "created" is added with the value "le2023-12-31"
      When the request is sent
      Then the response is a document search Bundle with 1 DocumentReference

    Scenario: by the authoring organisation
      Given a document search for "patient2"
      And the query parameter "author" is added with the value "https://fhir.nhs.uk/Id/ods-organization-code|GPC002"
      When the request is sent
      Then the response is a document search Bundle with 2 DocumentReferences

  @RFA-INF-064 @lot1 @must @route-national
  Rule: A document is retrieved from its attachment.url as a Binary of the contentType and size its DocumentReference gives; an id the system does not hold is refused with 404 NO_RECORD_FOUND

    Scenario Outline: <patient>'s "<document>"
      Given a retrieval of the document described "<document>" of "<patient>"
      When the request is sent
      Then the response is that document as a Binary

      Examples:
        | patient  | document                   |
        | patient2 | Outpatient clinic letter   |
        | patient2 | Hospital discharge summary |
        | patient4 | Outpatient clinic letter   |

    Scenario: a Binary the system does not hold
      Given a retrieval of the Binary "no-such-document"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

  @RFA-INF-065 @lot1 @must @route-national
  Rule: A document over the 5 MB retrieval limit is listed with its size, without a url, and with a title saying why

    Scenario: patient4's scanned notes
      Given a document search for "patient4"
      When the request is sent
      Then the document described "Scanned hospital notes" is listed without a url, with a title saying why
