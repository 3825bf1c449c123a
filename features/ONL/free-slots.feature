Feature: Searching for free appointment slots
  A consumer — another practice, NHS 111, a patient-facing service — looks
  for free slots to book. The practice's slots roll with the date, so every
  search here is relative to today: the test data has free slots every day
  from tomorrow for 14 days. (GP Connect Appointment Management: Search for
  free slots; provider test suite SearchForFreeSlots.feature.)

  @RFA-ONL-001 @lot1 @must
  Rule: A free slot search returns the slots within its window, start ge and end le, a date standing for the whole day

    Scenario: the next seven days
      Given a free slot search for the next 7 days
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

    Scenario: one morning, to the minute
      Given a free slot search with "start=ge{today+2}T09:30:00Z&end=le{today+2}T10:30:00Z&status=free"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

    Scenario: the whole horizon
      Given a free slot search with "start=ge{today+1}&end=le{today+14}&status=free&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot in the Bundle is within the search window

  @RFA-ONL-002 @lot1 @must
  Rule: start (prefix ge) and end (prefix le) are both required; without either, or with another prefix, the search is refused with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a free slot search with "<query>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why                 | query                                        |
        | no start            | end=le{today+7}&status=free                  |
        | no end              | start=ge{today+1}&status=free                |
        | start without ge    | start={today+1}&end=le{today+7}&status=free  |
        | start with gt       | start=gt{today+1}&end=le{today+7}&status=free |
        | end with lt         | start=ge{today+1}&end=lt{today+7}&status=free |
        | end with ge         | start=ge{today+1}&end=ge{today+7}&status=free |

  @RFA-ONL-003 @lot1 @must
  Rule: start and end are full dates or date-times with a zone; a partial one is refused with 422 INVALID_PARAMETER

    Scenario Outline: start=<start>
      Given a free slot search with "start=<start>&end=le{today+7}&status=free"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | start               |
        | ge2027              |
        | ge2027-01           |
        | ge{today+1}T09      |
        | ge{today+1}T09:00   |

  @RFA-ONL-004 @lot1 @must
  Rule: A window that ends before it starts, or spans more than 14 days, is refused with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a free slot search with "start=ge{today+<from>}&end=le{today+<to>}&status=free"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why              | from | to |
        | end before start | 5    | 2  |
        | fifteen days     | 1    | 15 |

  @RFA-ONL-005 @lot1 @must
  Rule: status=free is required; without it, or with another status, the search is refused with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a free slot search with "start=ge{today+1}&end=le{today+7}<status>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why          | status       |
        | no status    |              |
        | status busy  | &status=busy |

  @RFA-ONL-006 @lot1 @must
  Rule: _include=Slot:schedule returns each Slot's Schedule; _include:recurse adds the Schedules' Practitioners and Locations

    Scenario: the schedules
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot's Schedule is in the Bundle

    Scenario Outline: the schedules' <actor>s
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&_include:recurse=Schedule:actor:<actor>"
      When the request is sent
      Then every Slot's Schedule is in the Bundle
      And every Schedule's <actor> is in the Bundle

      Examples:
        | actor        |
        | Practitioner |
        | Location     |

  @RFA-ONL-007 @lot1 @must
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

  @RFA-ONL-008 @lot1 @must
  Rule: Slots kept for one type of organisation are offered only to a consumer that names that type in searchFilter

    Scenario: urgent care sees its slots
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&searchFilter=https://fhir.nhs.uk/Id/ods-organization-code|{ods:ORG1}&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care"
      When the request is sent
      Then the Bundle holds slots that the same search without the organisation type does not

    Scenario: an unknown filter
      Given a free slot search with "start=ge{today+1}&end=le{today+7}&status=free&searchFilter=https://example.org/colour|blue"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
