Feature: Finding a patient by NHS number
  Before a clinician sees anything about a patient, their system finds the
  patient's record at the practice by NHS number. The search must find
  exactly the right patient, say plainly when there is none, refuse numbers
  and identifiers that cannot be right, and never expose patients or fields
  it should not.
  (GP Connect: Find a patient; provider test suite PatientSearch.feature.)

  @RFA-INF-001 @lot1 @must @route-national
  Rule: A search by NHS number returns exactly that patient in a searchset Bundle, each entry with its fullUrl

    Scenario Outline: finding <patient>
      Given a patient search for the NHS number of "<patient>"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "<patient>"
      And every Bundle entry has a fullUrl naming its resource

      Examples:
        | patient  |
        | patient1 |
        | patient2 |
        | patient3 |

    Scenario: paging and sorting parameters do not change the answer
      Given a patient search for the NHS number of "patient2"
      And the query parameter "_count" is added with the value "1"
      And the query parameter "_sort" is added with the value "status"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
      And every Patient in the Bundle has the NHS number of "patient2"

  @RFA-INF-002 @lot1 @must @route-national
  Rule: A search for a valid NHS number the system does not hold returns an empty searchset Bundle, not an error

    Scenario: the fixture patient who is not in the system
      Given a patient search for the NHS number of "patientNotInSystem"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

    Scenario: another valid number nobody holds
      Given a patient search for the NHS number "9990001014"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

  @RFA-INF-003 @lot1 @must @route-national
  Rule: An NHS number that fails validation is refused with 400 INVALID_NHS_NUMBER

    Scenario Outline: <why>
      Given a patient search for the NHS number "<number>"
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"

      Examples:
        | number      | why                                             |
        | 9990000175  | the Modulus 11 check digit is wrong             |
        | 9990000310  | no check digit can be right (check value 10)    |
        | 999000010   | nine digits                                     |
        | 99900001070 | eleven digits                                   |
        | 99900001O7  | a letter O instead of a zero                    |

  @RFA-INF-004 @lot1 @must @route-national
  Rule: An identifier system other than the NHS number system is refused with 400 INVALID_IDENTIFIER_SYSTEM

    Scenario Outline: the identifier system <system>
      Given a patient search with the query "identifier=<system>|{nhs:patient1}"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

      Examples:
        | system                                             |
        | https://fhir.nhs.uk/Id/local-patient-identifier    |
        | http://fhir.nhs.net/Id/nhs-number                  |
        | https://fhir.nhs.uk/Id/NHS-Number                  |

  @RFA-INF-005 @lot1 @must @route-national
  Rule: An identifier parameter without both a system and a value is refused with 422 INVALID_PARAMETER

    Scenario Outline: the identifier <shape>
      Given a patient search with the query "identifier=<value>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | value                                | shape                         |
        | {nhs:patient1}                       | has no system                 |
        | \|{nhs:patient1}                     | has a blank system            |
        | https://fhir.nhs.uk/Id/nhs-number\|  | has a blank value             |

  @RFA-INF-006 @lot1 @must @route-national
  Rule: A patient search without exactly one identifier parameter is refused with 400 BAD_REQUEST

    Scenario: no parameters at all
      Given a patient search with no parameters
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: the parameter name in the wrong case
      Given a patient search with the query "Identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs:patient2}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario Outline: two identifier parameters (<first> and <second>)
      Given a patient search with the query "identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs:<first>}&identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs:<second>}"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | first    | second   |
        | patient2 | patient2 |
        | patient1 | patient2 |

  @RFA-INF-007 @lot1 @must @route-national
  Rule: Patient search returns only active patients: not deceased, not inactive

    Scenario: a deceased patient
      Given a patient search for the NHS number of "patient18"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

    Scenario: a patient whose registration has ended
      Given a patient search for the NHS number of "patient21"
      When the request is sent
      Then the response is a searchset Bundle with 0 entries

  @RFA-INF-008 @lot1 @must @route-national
  Rule: Patients found by search conform to CareConnect-GPC-Patient-1 and carry no field GP Connect withholds

    Scenario Outline: the Patient resource of <patient>
      Given a patient search for the NHS number of "<patient>"
      When the request is sent
      Then every Patient in the Bundle conforms to the "patient" schema

      Examples:
        | patient  |
        | patient1 |
        | patient2 |
        | patient3 |
