Feature: Problems in the structured record
  includeProblems answers with the "Problems" list of problem headers and
  brings every item a listed problem is linked to; a problem linked to a
  listed one but outside the filter comes in the "linked problems" list.
  filterStatus keeps active or inactive problems; any other value is an
  error. Some part parameters make no sense with a problem or consultation
  query and are refused.
  (GP Connect Access Record Structured 1.6: Problems; provider test suite
  StructuredProblems.feature and StructuredMultipleRequests.feature.)

  @RFA-INF-044 @lot1 @must @route-national
  Rule: The "Problems" list (SNOMED 717711000000103) holds conformant problem headers, and every item they are linked to is in the Bundle

    Scenario Outline: <patient>'s problems
      Given a structured record request for "<patient>"
      And the parameter "includeProblems"
      When the request is sent
      Then the response is a structured record Bundle for "<patient>"
      And the "Problems" list has the code 717711000000103
      And the "Problems" list has <count> entries
      And every item of the "Problems" list is a Condition that conforms to the "problem" schema
      And every item linked to a problem in the "Problems" list is in the Bundle

      Examples:
        | patient  | count |
        | patient2 | 2     |
        | patient8 | 3     |

    Scenario: a problem linked to a medication brings the medication
      Given a structured record request for "patient8"
      And the parameter "includeProblems" with "filterStatus" = code "active"
      When the request is sent
      Then the Bundle holds 1 MedicationStatement resource

  @RFA-INF-045 @lot1 @must @route-national
  Rule: filterStatus keeps only the problems with that clinical status; problems linked to them come in the linked problems list

    Scenario Outline: <patient>'s <status> problems
      Given a structured record request for "<patient>"
      And the parameter "includeProblems" with "filterStatus" = code "<status>"
      When the request is sent
      Then the "Problems" list has <count> entries
      And every item of the "Problems" list has "clinicalStatus" = "<status>"

      Examples:
        | patient  | status   | count |
        | patient2 | active   | 1     |
        | patient2 | inactive | 1     |
        | patient8 | active   | 2     |
        | patient8 | inactive | 1     |

    Scenario: includeProblems repeated, once per status
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "active"
      And a second "includeProblems" parameter
      And the parameter "includeProblems" with "filterStatus" = code "inactive"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome

  @RFA-INF-046 @lot1 @must @route-national
  Rule: A filterStatus other than active or inactive is refused with 422 INVALID_PARAMETER

    Scenario Outline: filterStatus "<status>"
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "<status>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | status     |
        | resolved   |
        | recurrence |
        | remission  |
        | off        |
        | null       |

    Scenario Outline: filterStatus "<status>" with filterSignificance "<significance>"
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "<status>"
      And the parameter "includeProblems" with "filterSignificance" = code "<significance>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | status   | significance |
        | invalid  | invalid      |
        | resolved | major        |

  @RFA-INF-047 @lot1 @must @route-national
  Rule: Part parameters GP Connect does not permit alongside includeProblems or includeConsultations are refused with 422 INVALID_PARAMETER

    Scenario Outline: <with> and <parameter>.<part>
      Given a structured record request for "patient2"
      And the parameter "<with>"
      And the parameter "<parameter>" with "<part>" = <value>
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | with                 | parameter                | part                          | value                                  |
        | includeProblems      | includeMedication        | medicationSearchFromDate      | date "2020-01-01"                      |
        | includeProblems      | includeReferrals         | referralSearchPeriod          | period "2014-01-01" to "2016-01-01"    |
        | includeProblems      | includeImmunisations     | includeStatus                 | true                                   |
        | includeConsultations | includeMedication        | medicationSearchFromDate      | date "2020-01-01"                      |
        | includeConsultations | includeUncategorisedData | uncategorisedDataSearchPeriod | period "2014-01-01" to "2015-01-01"    |
        | includeConsultations | includeProblems          | filterStatus                  | code "active"                          |
        | includeConsultations | includeDiaryEntries      | diaryEntriesSearchDate        | date "{today+10}"                      |
        | includeConsultations | includeReferrals         | referralSearchPeriod          | period "2014-01-01" to "2016-01-01"    |
        | includeConsultations | includeImmunisations     | includeStatus                 | true                                   |
        | includeProblems      | includeUncategorisedData | uncategorisedDataSearchPeriod | period "2014-01-01" to "2015-01-01"    |
        | includeProblems      | includeDiaryEntries      | diaryEntriesSearchDate        | date "{today+10}"                      |

  @RFA-INF-085 @lot1 @should @route-national
  Rule: filterSignificance (GP Connect 1.6.0) selects major or minor problems, alone, with a status, or in repeated includeProblems pairs; another value is refused with 422 INVALID_PARAMETER

    The official 1.6.0 suite requires it; GP Connect 1.6.2 removed the
    part, so a 1.6.2 provider warns about it instead: a @should here.

    Scenario: a major problem with a linked minor one
      Given a structured record request for "patient8"
      And the parameter "includeProblems" with "filterSignificance" = code "major"
      When the request is sent
      Then the "Problems" list has 1 entry
      And the Bundle's clinical lists are "Problems" and "Problems - linked problems not relating to the primary query"

    Scenario Outline: patient2's problems of <significance> significance
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterSignificance" = code "<significance>"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome

      Examples:
        | significance |
        | major        |
        | minor        |

    Scenario Outline: patient2's active problems of <significance> significance
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "active"
      And the parameter "includeProblems" with "filterSignificance" = code "<significance>"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome

      Examples:
        | significance |
        | major        |
        | minor        |

    Scenario: repeated includeProblems, each a status and significance pair
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "active"
      And the parameter "includeProblems" with "filterSignificance" = code "minor"
      And a second "includeProblems" parameter
      And the parameter "includeProblems" with "filterStatus" = code "inactive"
      And the parameter "includeProblems" with "filterSignificance" = code "major"
      And the parameter "includeMedication" with "includePrescriptionIssues" = true
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome

    Scenario Outline: filterSignificance "<significance>"
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterSignificance" = code "<significance>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | significance |
        | HIGH         |
        | null         |
        | off          |

    Scenario: filterStatus "active" with filterSignificance "low"
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "filterStatus" = code "active"
      And the parameter "includeProblems" with "filterSignificance" = code "low"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
