Feature: Finding and reading organisations
  A consumer finds an organisation by its ODS code, then reads it by logical
  id. Search returns every organisation holding the code in a searchset
  Bundle (none is not an error); each is conformant, versioned and
  addressable; read returns that organisation with an ETag naming its version.
  (GP Connect: Find an organisation, Read an organisation; provider test suite
  OrganizationSearch.feature and OrganizationRead.feature.)

  @RFA-INF-012 @lot1 @must @route-national
  Rule: A search by ODS code returns that organisation in a searchset Bundle, conformant to CareConnect-GPC-Organization-1 as GP Connect uses it; paging and sorting parameters do not change the answer

    Conformant as the official suite checks it: exactly one ODS code, every
    identifier with a system and a value, a name, telecom and address with
    FHIR codes, only the MainLocation and organization-period extensions,
    partOf a relative Organization reference, no contact and no endpoint.

    Scenario Outline: finding <organisation>
      Given an Organization search for the identifier of "<organisation>"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Organization in the Bundle has the identifier of "<organisation>"
      And every Organization in the Bundle conforms to the "organization" schema

      Examples:
        | organisation |
        | ORG1         |
        | ORG2         |

    Scenario: paging and sorting parameters do not change the answer
      Given an Organization search for the identifier of "ORG1"
      And the query parameter "_count" is added with the value "1"
      And the query parameter "_sort" is added with the value "name"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Organization in the Bundle has the identifier of "ORG1"

  @RFA-INF-013 @lot1 @must @route-national
  Rule: A search for a well-formed ODS code the system does not hold returns an empty searchset Bundle, not an error

    Scenario: the fixture organisation that is not in the system
      Given an Organization search for the identifier of "orgNotInSystem"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

  @RFA-INF-014 @lot1 @must @route-national
  Rule: An organisation search by an identifier system other than the ODS code system is refused with 400 INVALID_IDENTIFIER_SYSTEM

    Scenario Outline: the identifier system <system>
      Given an Organization search with the query "identifier=<system>%7C{ods:ORG1}"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

      Examples:
        | system                                 |
        | https://fhir.nhs.uk/Id/sds-user-id     |
        | https://fhir.nhs.uk/Id/nhs-number      |
        | https://example.org/Id/ods-code        |

  @RFA-INF-015 @lot1 @must @route-national
  Rule: Reading an organisation by logical id returns it, conformant, with a weak ETag naming its version; an organisation it is part of reads back

    Scenario Outline: reading <organisation>
      Given an Organization read of "<organisation>"
      When the request is sent
      Then the response is the Organization "<organisation>" with the requested id
      And the response conforms to the "organization" schema
      And the response has an ETag for the version it returned
      And the Organization's partOf if present reads back

      Examples:
        | organisation |
        | ORG1         |
        | ORG2         |

  @RFA-INF-016 @lot1 @must @route-national
  Rule: Reading a logical id the system does not hold is refused with 404 ORGANISATION_NOT_FOUND

    Scenario Outline: the logical id <id>
      Given an Organization read of the logical id "<id>"
      When the request is sent
      Then the request is refused with 404 "ORGANISATION_NOT_FOUND"

      Examples:
        | id                                   |
        | 00000000-0000-4000-8000-000000000000 |
        | a-tm.mss..s                          |

  @RFA-INF-077 @lot1 @must @route-national
  Rule: An organisation search without an identifier parameter is refused with an OperationOutcome

    Scenario: no parameters at all
      Given an Organization search with no parameters
      When the request is sent
      Then the request is refused with an OperationOutcome
      And the response is FHIR JSON

    Scenario: control: a search with the identifier is answered
      Given an Organization search for the identifier of "ORG1"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
