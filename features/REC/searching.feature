Feature: Searching clinical entries
  A clinician finds entries within one patient's record: by code, by date
  with the FHIR prefixes, by status, by identifier, a page at a time, with
  the authors included. The harness records its own entries first and
  checks that they are found or left out as the parameters say, and that
  every result meets the filter. Each search also names the scenario's own
  entries by identifier (comma = or), so it stays small and exact on a
  system that already holds thousands of entries from earlier runs. Invalid parameters are refused, never
  ignored. These searches are the profile's own; that a patient's record
  shows their entries and no one else's is read back through Access Record
  Structured, as the candidate records them itself (RFA-REC-021).
  (Profile: docs/profile.md, "Searching clinical entries"; FHIR STU3
  search, GP Connect's 422 INVALID_PARAMETER.)

  @RFA-REC-021 @lot1 @must @route-readback
  Rule: A patient's record shows the patient's entries and only that patient's

    Scenario Outline: a <type> of another patient
      Given a <type> to record for "patient10"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient10" shows the entry as entered
      And the structured record of "patient20" does not show the entry

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

  @RFA-REC-022 @lot1 @must @route-extension
  Rule: A search by code returns only entries with that code, written as system|code or as the code alone

    Scenario Outline: Conditions with the code <code>
      Given a Condition "asthma" recorded for "patient20"
      And a Condition search for "patient20" with "identifier={identifier:asthma}&code=<token>"
      When the search is sent, following next links
      Then the search results include "asthma"
      And every search result has the code 195967001

      Examples:
        | code      | token                             |
        | 195967001 | http://snomed.info/sct\|195967001 |
        | 195967001 | 195967001                         |

    Scenario: a code the entry does not have
      Given a Condition "asthma" recorded for "patient20"
      And a Condition search for "patient20" with "identifier={identifier:asthma}"
      When the search is sent, following next links
      Then the search results include "asthma"
      Given a Condition search for "patient20" with "identifier={identifier:asthma}&code=http://snomed.info/sct|38341003"
      When the search is sent, following next links
      Then the search results do not include "asthma"

  @RFA-REC-023 @lot1 @must @route-extension
  Rule: Date searches honour the prefixes eq, gt, lt, ge and le at the precision of the value

    Scenario Outline: <type> dated <query>
      Given a <type> "february" recorded for "patient20" at "2003-02-01T09:00:00Z"
      And a <type> "june" recorded for "patient20" at "2003-06-15T09:00:00Z"
      And a <type> "october" recorded for "patient20" at "2003-10-01T09:00:00Z"
      And a <type> search for "patient20" with "identifier={identifier:february},{identifier:june},{identifier:october}&<query>"
      When the search is sent, following next links
      Then the search results include <found>
      And the search results do not include <not found>

      Examples:
        | type               | query                                            | found                 | not found             |
        | Condition          | asserted-date=2003-06-15                         | "june"                | "february", "october" |
        | Condition          | asserted-date=ge2003-06-15                       | "june", "october"     | "february"            |
        | Observation        | date=gt2003-06-15                                | "october"             | "february", "june"    |
        | Observation        | date=le2003-06                                   | "february", "june"    | "october"             |
        | AllergyIntolerance | date=lt2003-06-15                                | "february"            | "june", "october"     |
        | Encounter          | date=ge2003-03-01&date=le2003-09-30              | "june"                | "february", "october" |
        | Encounter          | date=gt2003-06-15T08:59:59Z&date=lt2003-06-15T09:00:01Z | "june"         | "february", "october" |

  @RFA-REC-024 @lot1 @must @route-extension
  Rule: A search by status returns only entries with that status

    Scenario: resolved Conditions
      Given a Condition "current" recorded for "patient20" with clinical status "active"
      And a Condition "past" recorded for "patient20" with clinical status "resolved"
      And a Condition search for "patient20" with "identifier={identifier:current},{identifier:past}&clinical-status=resolved"
      When the search is sent, following next links
      Then the search results include "past"
      And the search results do not include "current"
      And every search result has the status "resolved"

    Scenario: finished Encounters
      Given an Encounter "done" recorded for "patient20" with status "finished"
      And an Encounter "booked" recorded for "patient20" with status "planned"
      And an Encounter search for "patient20" with "identifier={identifier:done},{identifier:booked}&status=finished"
      When the search is sent, following next links
      Then the search results include "done"
      And the search results do not include "booked"
      And every search result has the status "finished"

  @RFA-REC-025 @lot1 @must @route-extension
  Rule: _count pages a search; following next links returns every match exactly once

    # The search names the three entries by identifier, so entries other
    # scenarios or earlier runs write cannot shift the pages under it.
    Scenario Outline: <type> two at a time
      Given a <type> "one" recorded for "patient10" at "2004-01-01T09:00:00Z"
      And a <type> "two" recorded for "patient10" at "2004-02-01T09:00:00Z"
      And a <type> "three" recorded for "patient10" at "2004-03-01T09:00:00Z"
      And a <type> search for "patient10" with "identifier={identifier:one},{identifier:two},{identifier:three}&_count=2"
      When the search is sent, following next links
      Then every page of the search has at most 2 entries and no entry appears twice
      And the search results include "one", "two" and "three"

      Examples:
        | type        |
        | Condition   |
        | Observation |

  @RFA-REC-026 @lot1 @must @route-extension
  Rule: _include of the author returns the author's Practitioner with the entries

    Scenario Outline: <type> with <include>
      Given a <type> "entry" recorded for "patient20"
      And a <type> search for "patient20" with "identifier={identifier:entry}&_include=<include>"
      When the search is sent, following next links
      Then the search results include "entry"
      And the search includes the author of "entry"

      Examples:
        | type        | include               |
        | Condition   | Condition:asserter    |
        | Observation | Observation:performer |

  @RFA-REC-027 @lot1 @must @route-extension
  Rule: An unknown parameter, an unparseable date or prefix, a bad _count, an unsupported _include or a search without a patient is refused with 422 INVALID_PARAMETER

    Scenario Outline: <why>
      Given a Condition search for "patient20" with "<query>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why                     | query                         |
        | an unknown parameter    | colour=blue                   |
        | an unparseable date     | asserted-date=15/06/2003      |
        | an unsupported prefix   | asserted-date=sa2003-06-15    |
        | an impossible date      | asserted-date=2003-02-30      |
        | a _count of zero        | _count=0                      |
        | a _count that is text   | _count=some                   |
        | an unsupported _include | _include=Condition:subject    |

    Scenario: no patient
      Given a Condition search with the query "code=195967001"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

  @RFA-REC-028 @lot1 @must @route-extension
  Rule: A search by identifier returns exactly the entry with that identifier

    Scenario Outline: a <type> by identifier
      Given a <type> "wanted" recorded for "patient20"
      And a <type> "other" recorded for "patient20"
      And a <type> search for "patient20" with "identifier={identifier:wanted}"
      When the search is sent, following next links
      Then the search results include "wanted"
      And the search results do not include "other"

      Examples:
        | type               |
        | AllergyIntolerance |
        | Encounter          |
