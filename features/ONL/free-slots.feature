Feature: Searching for free appointment slots
  A consumer — another practice, NHS 111, a patient-facing service — looks
  for free slots to book. The practice's slots roll with the date, so every
  search here is relative to today: the test data has free slots every day
  from tomorrow for 14 days. Every search sends `_include=Slot:schedule`,
  which GP Connect makes a provider refuse a search without. (GP Connect
  Appointment Management: Search for free slots; official provider test
  suite SearchForFreeSlots.feature.)

  @RFA-ONL-001 @lot1 @must @route-national
  Rule: A free slot search returns the slots within its window, start ge and end le, a date standing for the whole day; a window with no free slot returns an empty Bundle

    Scenario: the next seven days
      Given a free slot search for the next 7 days
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

    Scenario: one morning, to the minute
      Given a free slot search with "start=ge{today+2}T09:30:00Z&end=le{today+2}T10:30:00Z&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

    Scenario: the whole horizon
      Given a free slot search with "start=ge{today+1}&end=le{today+14}&status=free&_include=Slot:schedule&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

    Scenario Outline: start <start>, end <end>
      Given a free slot search with "start=ge<start>&end=le<end>&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds free slots

      Examples:
        | start                     | end                       |
        | {today+1}                 | {today+4}                 |
        | {today+1}T00:00:00+00:00  | {today+4}T00:00:00+00:00  |
        | {today+1}T00:00:00+00:00  | {today+4}                 |
        | {today+1}                 | {today+4}T00:00:00+00:00  |

    Scenario: a window with no free slot
      Given a free slot search with "start=ge{today+200}&end=le{today+201}&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds no resources

    Scenario: the CapabilityStatement declares free slot search and its includes
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the "search-type" interaction on "Slot"
      And the CapabilityStatement declares the search include "Slot:schedule" on "Slot"
      And the CapabilityStatement declares the search include "Location:managingOrganization" on "Slot"

  @RFA-ONL-002 @lot1 @must @route-national
  Rule: start (prefix ge) and end (prefix le) are both required; without them the search is refused with 400 BAD_REQUEST, with another prefix with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a free slot search with "<query>&status=free&_include=Slot:schedule"
      When the request is sent
      Then the request is refused with <status> "<code>"

      Examples:
        | why                 | query                              | status | code              |
        | no start or end     | _count=10                          | 400    | BAD_REQUEST       |
        | no start            | end=le{today+7}                    | 400    | BAD_REQUEST       |
        | no end              | start=ge{today+1}                  | 400    | BAD_REQUEST       |
        | start without ge    | start={today+1}&end=le{today+7}    | 422    | INVALID_PARAMETER |
        | start with gt       | start=gt{today+1}&end=le{today+7}  | 422    | INVALID_PARAMETER |
        | start with lt       | start=lt{today+1}&end=le{today+7}  | 422    | INVALID_PARAMETER |
        | start with eq       | start=eq{today+1}&end=le{today+7}  | 422    | INVALID_PARAMETER |
        | start with ne       | start=ne{today+1}&end=le{today+7}  | 422    | INVALID_PARAMETER |
        | end with lt         | start=ge{today+1}&end=lt{today+7}  | 422    | INVALID_PARAMETER |
        | end with ge         | start=ge{today+1}&end=ge{today+7}  | 422    | INVALID_PARAMETER |
        | end with gt         | start=ge{today+1}&end=gt{today+7}  | 422    | INVALID_PARAMETER |
        | end with ne         | start=ge{today+1}&end=ne{today+7}  | 422    | INVALID_PARAMETER |
        | both swapped        | start=le{today+1}&end=ge{today+7}  | 422    | INVALID_PARAMETER |

  @RFA-ONL-003 @lot1 @must @route-national
  Rule: start and end are full dates or date-times with a zone; a partial, zoneless or unreadable one is refused with 422 INVALID_PARAMETER

    Scenario Outline: start=<start>
      Given a free slot search with "start=<start>&end=le{today+7}&status=free&_include=Slot:schedule"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | start                  |
        | ge2027                 |
        | ge2027-01              |
        | ge{today+1}T09         |
        | ge{today+1}T09:00      |
        | ge{today+1}T09:00:00   |
        | geinvalidStartDate     |
        |                        |

    Scenario Outline: end=<end>
      Given a free slot search with "start=ge{today+1}&end=<end>&status=free&_include=Slot:schedule"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | end                    |
        | le2027                 |
        | le{today+4}T09:00:00   |
        | leinvalidEndDate       |
        |                        |

  @RFA-ONL-004 @lot1 @must @route-national
  Rule: A window may span up to 14 days, and start and end may be the same; one that ends before it starts, or spans more than 14 days, is refused with 422 INVALID_PARAMETER

    Scenario Outline: <why> is answered
      Given a free slot search with "start=ge<start>&end=le<end>&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds free slots

      Examples:
        | why                  | start                     | end                        |
        | exactly 14 days      | {today+10}T00:00:00+00:00 | {today+24}T00:00:00+00:00  |
        | start equal to end   | {today+2}                 | {today+2}                  |

    Scenario Outline: <why>
      Given a free slot search with "start=ge<start>&end=le<end>&status=free&_include=Slot:schedule"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why                  | start                     | end                        |
        | end before start     | {today+5}                 | {today+2}                  |
        | end a day early      | {today+2}T00:00:00+00:00  | {today+1}T00:00:00+00:00   |
        | fifteen days         | {today+1}T00:00:00+00:00  | {today+16}T00:00:00+00:00  |
        | fifteen whole days   | {today+1}                 | {today+16}                 |
        | thirty days          | {today+1}                 | {today+31}                 |

  @RFA-ONL-005 @lot1 @must @route-national
  Rule: status=free is required; without it the search is refused with 400 BAD_REQUEST, with another status with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a free slot search with "start=ge{today+1}&end=le{today+7}<status>&_include=Slot:schedule"
      When the request is sent
      Then the request is refused with <code>

      Examples:
        | why          | status       | code                      |
        | no status    |              | 400 "BAD_REQUEST"         |
        | status busy  | &status=busy | 422 "INVALID_PARAMETER"   |

  @RFA-ONL-006 @lot1 @must @route-national
  Rule: _include=Slot:schedule returns each Slot's Schedule; _include:recurse adds the Schedules' Practitioners and Locations and the Locations' managing Organization, each only when asked for, and Practitioners without the details GP Connect leaves out

    Scenario: the schedules
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot's Schedule is in the Bundle

    Scenario Outline: the schedules' <actor>s, and not their <other>s
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:<actor>"
      When the request is sent
      Then every Slot's Schedule is in the Bundle
      And every Schedule's <actor> is in the Bundle
      And the Bundle holds no <other>

      Examples:
        | actor        | other        |
        | Practitioner | Location     |
        | Location     | Practitioner |

    Scenario: the locations' managing organisations
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:Practitioner&_include:recurse=Schedule:actor:Location&_include:recurse=Location:managingOrganization"
      When the request is sent
      Then every Schedule's Practitioner is in the Bundle
      And every Schedule's Location is in the Bundle
      And every Location in the Bundle has its managing Organization in the Bundle

    Scenario: practitioners without telecom, address, birthDate, photo or qualification
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:Practitioner"
      When the request is sent
      Then every Schedule's Practitioner is in the Bundle
      And no Practitioner in the Bundle has telecom, address, birthDate, photo or qualification

  @RFA-ONL-007 @lot1 @must @route-national
  Rule: A search for free slots never returns a busy one

    Scenario Outline: <days> days
      Given a free slot search for the next <days> days
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is free

      Examples:
        | days |
        | 1    |
        | 14   |

  @RFA-ONL-008 @lot1 @must @route-national
  Rule: Slots kept for one type of organisation are offered only to a consumer that names that type in searchFilter; a searchFilter the candidate does not understand is ignored, never refused

    Scenario: urgent care sees its slots
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code|{ods:ORG1}&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care"
      When the request is sent
      Then the Bundle holds slots that the same search without the organisation type does not

    # Official SearchForFreeSlots "org type", "org code" and "org type and
    # code searchFilter": the consumer's ODS code is any organisation's.
    Scenario Outline: <why> is answered
      Given a free slot search with "start=ge{today+1}&end=le{today+7}&status=free&_include=Slot:schedule&searchFilter=<filter>"
      When the request is sent
      Then the Bundle holds free slots

      Examples:
        | why                          | filter                                                                 |
        | a GP practice                | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|gp-practice |
        | a filter of another system   | https://example.org/colour\|blue                                       |
        | a filter with no system      | TypeCategory\|OtherTypeCategory                                        |
        | another organisation's code  | https://fhir.nhs.uk/Id/ods-organization-code\|RNR01                    |
        | an unlisted organisation type| https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|oncology |
        | the organisation A20047     | https://fhir.nhs.uk/Id/ods-organization-code\|A20047                   |
        | the organisation B81016     | https://fhir.nhs.uk/Id/ods-organization-code\|B81016                   |
        | the organisation M85015     | https://fhir.nhs.uk/Id/ods-organization-code\|M85015                   |
        | urgent-care A20047             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|urgent-care&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|A20047 |
        | urgent-care B81016             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|urgent-care&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|B81016 |
        | urgent-care M85015             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|urgent-care&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|M85015 |
        | urgent-care RNR01             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|urgent-care&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|RNR01 |
        | gp-practice A20047             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|gp-practice&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|A20047 |
        | gp-practice B81016             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|gp-practice&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|B81016 |
        | gp-practice M85015             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|gp-practice&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|M85015 |
        | gp-practice RNR01             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|gp-practice&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|RNR01 |
        | oncology A20047             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|oncology&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|A20047 |
        | oncology B81016             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|oncology&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|B81016 |
        | oncology M85015             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|oncology&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|M85015 |
        | oncology RNR01             | https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1\|oncology&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code\|RNR01 |

    Scenario: GP Connect's filters among others
      Given a free slot search with "start=ge{today+1}&end=le{today+3}&status=free&_include=Slot:schedule&searchFilter=FilterCategory-7|OtherConsumerCategory&searchFilter=https://fhir.nhs.uk/Id/otherIdentifier|otherID&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code|{ods:ORG1}&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care&searchFilter=TypeCategory|OtherTypeCategory"
      When the request is sent
      Then the Bundle holds free slots

  @RFA-ONL-043 @lot1 @should @route-national
  Rule: Schedules name the service they are for (serviceCategory) and their slots the type of service (serviceType)

    The official suite checks both on its test data, which GP Connect's
    test-data pack asks for "if supported": a @should here.

    Scenario: a Schedule's service category
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:Location"
      When the request is sent
      Then a Schedule in the Bundle names its service category

    Scenario: a Slot's service type
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:Location"
      When the request is sent
      Then a Slot in the Bundle names its service type
