Feature: Finding and reading practitioners
  A consumer finds a practitioner by SDS user id, then reads them by logical
  id. Search answers a searchset Bundle whose entries are conformant and
  addressable; read returns that practitioner; an unknown id is a clean 404.
  (GP Connect: Find a practitioner, Read a practitioner; provider test suite
  PractitionerSearch.feature and PractitionerRead.feature.)

  @RFA-INF-017 @lot1 @must @route-national
  Rule: A search by SDS user id returns that practitioner in a searchset Bundle, conformant to CareConnect-GPC-Practitioner-1; paging and sorting parameters do not change the answer

    Conformant as the official suite checks it: exactly one SDS user id, no
    identifier but SDS user id, SDS role profile id or GMP number, one name
    with a family part, at most one coding per language, no photo,
    qualification, birthDate, telecom or address. The fixture practitioners
    carry 0, 1 and 2 SDS role profile ids.

    Scenario Outline: finding <practitioner>
      Given a Practitioner search for the identifier of "<practitioner>"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Practitioner in the Bundle has the identifier of "<practitioner>"
      And every Practitioner in the Bundle conforms to the "practitioner" schema
      And every Practitioner in the Bundle has <roles> SDS role profile identifiers

      Examples:
        | practitioner  | roles |
        | practitioner1 | 0     |
        | practitioner2 | 1     |
        | practitioner3 | 2     |

    Scenario: paging and sorting parameters do not change the answer
      Given a Practitioner search for the identifier of "practitioner1"
      And the query parameter "_sort" is added with the value "practitioner.coding"
      And the query parameter "_count" is added with the value "1"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Practitioner in the Bundle has the identifier of "practitioner1"

    Scenario: an SDS user id the system does not hold
      Given a Practitioner search for the identifier of "practitionerNotInSystem"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

    Scenario Outline: the format asked for <how>
      Given a Practitioner search with the query "<query>"
      And the "Accept" header is "application/fhir+json"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Practitioner in the Bundle has the identifier of "practitioner2"
      And every Practitioner in the Bundle conforms to the "practitioner" schema

      Examples:
        | how                                | query                                                                                               |
        | with _format before the identifier | _format=application/fhir%2Bjson&identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:practitioner2} |
        | with _format after the identifier  | identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:practitioner2}&_format=application/fhir%2Bjson |

  @RFA-INF-018 @lot1 @must @route-national
  Rule: A practitioner search by an identifier system other than the SDS user id system is refused with 400 INVALID_IDENTIFIER_SYSTEM

    Only a system no provider could support for a Practitioner is tried
    here (the ODS organisation code). The SDS role profile id, which GP
    Connect's Practitioners carry, is RFA-INF-106.

    Scenario Outline: the identifier system <system>
      Given a Practitioner search with the query "identifier=<system>%7C{sds:practitioner1}"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

      Examples:
        | system                                         |
        | https://fhir.nhs.uk/Id/ods-organization-code   |
        | https://fhir.nhs.uk/Id/nhs-number              |

  @RFA-INF-019 @lot1 @must @route-national
  Rule: Reading a practitioner returns them, conformant; a logical id the system does not hold is refused with 404 PRACTITIONER_NOT_FOUND

    Scenario Outline: reading <practitioner>
      Given a Practitioner read of "<practitioner>"
      When the request is sent
      Then the response is the Practitioner "<practitioner>" with the requested id
      And the response conforms to the "practitioner" schema
      And the response has an ETag for the version it returned
      And the Practitioner has <roles> SDS role profile identifiers

      Examples:
        | practitioner  | roles |
        | practitioner1 | 0     |
        | practitioner2 | 1     |
        | practitioner3 | 2     |

    Scenario Outline: the logical id <id>
      Given a Practitioner read of the logical id "<id>"
      When the request is sent
      Then the request is refused with 404 "PRACTITIONER_NOT_FOUND"

      Examples:
        | id                                   |
        | 00000000-0000-4000-8000-000000000000 |
        | 11dd4.45-23                          |

  @RFA-INF-075 @lot1 @must @route-national
  Rule: A practitioner search identifier without both a system and a value is refused with 422 INVALID_PARAMETER

    Scenario Outline: the identifier <shape>
      Given a Practitioner search with the query "identifier=<value>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | value                                    | shape              |
        | https://fhir.nhs.uk/Id/sds-user-id%7C    | has a blank value  |
        | %7C{sds:practitioner2}                   | has a blank system |

  # Profile decision: Find a practitioner guarantees only the SDS user id
  # system, and the official practitioner suite tries only `system|` and
  # `|value`. A provider may support the role profile id, and in FHIR a
  # token without `|` means any system. The pack refuses both, as the
  # official patient suite refuses a bare value (PatientSearch, 422).
  @RFA-INF-106 @lot1 @should @profile-decision @route-national
  Rule: A practitioner search by the SDS role profile id, or by a bare value without a system, is refused

    Scenario: the identifier system https://fhir.nhs.uk/Id/sds-role-profile-id
      Given a Practitioner search with the query "identifier=https://fhir.nhs.uk/Id/sds-role-profile-id%7C{sds:practitioner1}"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

    Scenario: the identifier has no system
      Given a Practitioner search with the query "identifier={sds:practitioner2}"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

  @RFA-INF-076 @lot1 @must @route-national
  Rule: A practitioner search without exactly one identifier parameter is refused: 400 BAD_REQUEST when it is misnamed or repeated, an OperationOutcome when there is none

    Scenario: no parameters at all
      Given a Practitioner search with no parameters
      When the request is sent
      Then the request is refused with an OperationOutcome
      And the response is FHIR JSON

    Scenario: the parameter name in the wrong case
      Given a Practitioner search with the query "Identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:practitioner2}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario Outline: two identifier parameters (<first> and <second>)
      Given a Practitioner search with the query "identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:<first>}&identifier=https://fhir.nhs.uk/Id/sds-user-id%7C{sds:<second>}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | first         | second        |
        | practitioner2 | practitioner2 |
        | practitioner1 | practitioner2 |
