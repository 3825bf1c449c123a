Feature: Finding and reading practitioners
  A consumer finds a practitioner by SDS user id, then reads them by logical
  id. Search answers a searchset Bundle whose entries are conformant and
  addressable; read returns that practitioner; an unknown id is a clean 404.
  (GP Connect: Find a practitioner, Read a practitioner; provider test suite
  PractitionerSearch.feature and PractitionerRead.feature.)

  @RFA-INF-017 @lot1 @must
  Rule: A search by SDS user id returns that practitioner in a searchset Bundle, conformant to CareConnect-GPC-Practitioner-1, each entry with its fullUrl

    Scenario Outline: finding <practitioner>
      Given a Practitioner search for the identifier of "<practitioner>"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Practitioner in the Bundle has the identifier of "<practitioner>"
      And every Practitioner in the Bundle conforms to the "practitioner" schema
      And every Bundle entry has a fullUrl naming its resource

      Examples:
        | practitioner  |
        | practitioner1 |
        | practitioner2 |
        | practitioner3 |

    Scenario: an SDS user id the system does not hold
      Given a Practitioner search for the identifier of "practitionerNotInSystem"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

  @RFA-INF-018 @lot1 @must
  Rule: A practitioner search by an identifier system other than the SDS user id system is refused with 400 INVALID_IDENTIFIER_SYSTEM

    Scenario Outline: the identifier system <system>
      Given a Practitioner search with the query "identifier=<system>%7C{sds:practitioner1}"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

      Examples:
        | system                                         |
        | https://fhir.nhs.uk/Id/sds-role-profile-id     |
        | https://fhir.nhs.uk/Id/ods-organization-code   |

  @RFA-INF-019 @lot1 @must
  Rule: Reading a practitioner returns them, conformant; a logical id the system does not hold is refused with 404 PRACTITIONER_NOT_FOUND

    Scenario Outline: reading <practitioner>
      Given a Practitioner read of "<practitioner>"
      When the request is sent
      Then the response is the Practitioner "<practitioner>" with the requested id
      And the response conforms to the "practitioner" schema
      And the response has an ETag for the version it returned

      Examples:
        | practitioner  |
        | practitioner1 |
        | practitioner2 |

    Scenario Outline: the logical id <id>
      Given a Practitioner read of the logical id "<id>"
      When the request is sent
      Then the request is refused with 404 "PRACTITIONER_NOT_FOUND"

      Examples:
        | id                                   |
        | 00000000-0000-4000-8000-000000000000 |
        | 11dd4.45-23                          |
