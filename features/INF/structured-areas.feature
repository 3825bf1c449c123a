Feature: Immunisations, consultations, investigations, referrals, uncategorised data and diary entries
  Each clinical area has its own list and its own part parameters: search
  periods that keep what happened within them (a date, inclusive, at either
  end), the most recent N consultations, immunisations not given, diary
  entries up to a date. A period that ends before it starts, or reaches past
  today, is an error; so is a diary date in the past.
  (GP Connect Access Record Structured 1.6; provider test suite
  StructuredImmunizations, StructuredConsultations, StructuredInvestigations,
  StructuredReferrals, StructuredUncategorised and StructuredDiary.)

  @RFA-INF-048 @lot1 @must @route-national
  Rule: The "Immunisations" list (SNOMED 1102181000000102) holds the immunisations given, and those not given only when includeNotGiven is true

    Scenario Outline: <patient>'s immunisations, not given ones <included>
      Given a structured record request for "<patient>"
      And the parameter "includeImmunisations" with "includeNotGiven" = <flag>
      When the request is sent
      Then the "Immunisations" list has the code 1102181000000102
      And the "Immunisations" list has <count> entries
      And every item of the "Immunisations" list is an Immunization that conforms to the "immunization" schema

      Examples:
        | patient  | flag  | included | count |
        | patient6 | false | left out | 2     |
        | patient6 | true  | included | 3     |
        | patient2 | false | left out | 1     |
        | patient2 | true  | included | 2     |

    Scenario: not given ones are left out by default
      Given a structured record request for "patient6"
      And the parameter "includeImmunisations"
      When the request is sent
      Then the "Immunisations" list has 2 entries
      And every item of the "Immunisations" list has "notGiven" = "false"

  @RFA-INF-049 @lot1 @must @route-national
  Rule: The "List of consultations" list (SNOMED 1149501000000101) references every Encounter returned, each with its Consultation and Topic lists

    Scenario Outline: <patient>'s consultations
      Given a structured record request for "<patient>"
      And the parameter "includeConsultations"
      When the request is sent
      Then the "List of consultations" list has the code 1149501000000101
      And the "List of consultations" list has <count> entries
      And every item of the "List of consultations" list is an Encounter that conforms to the "encounter" schema
      And every Encounter in the Bundle is in the "List of consultations" list with its consultation structure

      Examples:
        | patient  | count |
        | patient2 | 3     |
        | patient3 | 1     |

  @RFA-INF-050 @lot1 @must @route-national
  Rule: includeNumberOfMostRecent returns that many consultations, the most recent

    Scenario Outline: the <n> most recent
      Given a structured record request for "patient2"
      And the parameter "includeConsultations" with "includeNumberOfMostRecent" = <n>
      When the request is sent
      Then the "List of consultations" list has <n> entries
      And every item of the "List of consultations" list has "period.start" on or after "<since>"

      Examples:
        | n | since      |
        | 1 | 2024-02-15 |
        | 2 | 2022-03-01 |

  @RFA-INF-051 @lot1 @must @route-national
  Rule: consultationSearchPeriod returns the consultations that started within it

    Scenario Outline: consultations <period>
      Given a structured record request for "patient2"
      And the parameter "includeConsultations" with "consultationSearchPeriod" = <period>
      When the request is sent
      Then the "List of consultations" list has <count> entries

      Examples:
        | period                              | count |
        | period "2020-01-01" to "2023-12-31" | 1     |
        | period "2019-05-10" to "2022-03-01" | 2     |
        | period from "2022-01-01"            | 2     |
        | period to "2019-12-31"              | 1     |

  @RFA-INF-052 @lot1 @must @route-national
  Rule: consultationSearchPeriod and includeNumberOfMostRecent together are refused with 422 INVALID_RESOURCE

    Scenario: both part parameters
      Given a structured record request for "patient2"
      And the parameter "includeConsultations" with "consultationSearchPeriod" = period from "2020-01-01"
      And the parameter "includeConsultations" with "includeNumberOfMostRecent" = 3
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

  @RFA-INF-053 @lot1 @must @route-national
  Rule: A search period that ends before it starts, reaches past today, or is not made of whole dates, and a search date that is not a whole date, is refused with 422 INVALID_PARAMETER

    Scenario Outline: <parameter>.<part> = <period>
      Given a structured record request for "patient2"
      And the parameter "<parameter>" with "<part>" = <period>
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | parameter                | part                          | period                                     |
        | includeConsultations     | consultationSearchPeriod      | period "2020-01-01" to "2019-01-01"        |
        | includeInvestigations    | investigationSearchPeriod     | period "2021-06-01" to "2021-05-31"        |
        | includeReferrals         | referralSearchPeriod          | period "2018-02-02" to "2018-02-01"        |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | period "2019-01-01" to "2015-01-01"        |
        | includeConsultations     | consultationSearchPeriod      | period from "{today+1}"                    |
        | includeInvestigations    | investigationSearchPeriod     | period "2020-01-01" to "{today+1}"         |
        | includeReferrals         | referralSearchPeriod          | period "2014" to "2016-01-01"              |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | period "2014-02" to "2016-01-01"           |
        | includeInvestigations    | investigationSearchPeriod     | period "2015-10-23T11:08:32" to "2016-01-01" |
        | includeReferrals         | referralSearchPeriod          | period from "{today+1}"                    |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | period "2020-01-01" to "{today+1}"         |

    Scenario Outline: the official malformed periods: <parameter>.<part> from "<start>" to "<end>"
      Given a structured record request for "patient1"
      And the parameter "<parameter>" with "<part>" = period "<start>" to "<end>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | parameter | part | start | end |
        | includeConsultations | consultationSearchPeriod | StartDate | endDate |
        | includeConsultations | consultationSearchPeriod | X2014 | 2015-12-01 |
        | includeConsultations | consultationSearchPeriod | X2014-02 | 2015-12-01 |
        | includeConsultations | consultationSearchPeriod | X2015-10-23T11:08:32 | 2016-01-12 |
        | includeConsultations | consultationSearchPeriod | X2015-10-23T11:08:32+00:00 | 2015-10-30 |
        | includeConsultations | consultationSearchPeriod |  | 2019-01-01 |
        | includeConsultations | consultationSearchPeriod | 2014 | 2015-01-01 |
        | includeConsultations | consultationSearchPeriod | 2014-02 | 2016-01-30 |
        | includeConsultations | consultationSearchPeriod | null | 2019-11-11 |
        | includeConsultations | consultationSearchPeriod | null | null |
        | includeConsultations | consultationSearchPeriod |  |  |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 |  |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | X2016-02 |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32 |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32+00:00 |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | 2015 |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | 2016-02 |
        | includeConsultations | consultationSearchPeriod | 2015-12-01 | null |
        | includeConsultations | consultationSearchPeriod | 2018 | 2019 |
        | includeInvestigations | investigationSearchPeriod | StartDate | endDate |
        | includeInvestigations | investigationSearchPeriod | X2014 | 2015-12-01 |
        | includeInvestigations | investigationSearchPeriod | X2014-02 | 2015-12-01 |
        | includeInvestigations | investigationSearchPeriod | X2015-10-23T11:08:32 | 2016-01-12 |
        | includeInvestigations | investigationSearchPeriod | X2015-10-23T11:08:32+00:00 | 2015-10-30 |
        | includeInvestigations | investigationSearchPeriod |  | 2019-01-01 |
        | includeInvestigations | investigationSearchPeriod | 2014 | 2015-01-01 |
        | includeInvestigations | investigationSearchPeriod | 2014-02 | 2016-01-30 |
        | includeInvestigations | investigationSearchPeriod | null | 2019-11-11 |
        | includeInvestigations | investigationSearchPeriod | null | null |
        | includeInvestigations | investigationSearchPeriod |  |  |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 |  |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | X2016-02 |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32 |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32+00:00 |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | 2015 |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | 2016-02 |
        | includeInvestigations | investigationSearchPeriod | 2015-12-01 | null |
        | includeInvestigations | investigationSearchPeriod | 2018 | 2019 |
        | includeReferrals | referralSearchPeriod | StartDate | endDate |
        | includeReferrals | referralSearchPeriod | X2014 | 2015-12-01 |
        | includeReferrals | referralSearchPeriod | X2014-02 | 2015-12-01 |
        | includeReferrals | referralSearchPeriod | X2015-10-23T11:08:32 | 2016-01-12 |
        | includeReferrals | referralSearchPeriod | X2015-10-23T11:08:32+00:00 | 2015-10-30 |
        | includeReferrals | referralSearchPeriod |  | 2019-01-01 |
        | includeReferrals | referralSearchPeriod | 2014 | 2015-01-01 |
        | includeReferrals | referralSearchPeriod | 2014-02 | 2016-01-30 |
        | includeReferrals | referralSearchPeriod | null | 2019-11-11 |
        | includeReferrals | referralSearchPeriod | null | null |
        | includeReferrals | referralSearchPeriod |  |  |
        | includeReferrals | referralSearchPeriod | 2015-12-01 |  |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | X2016-02 |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32 |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32+00:00 |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | 2015 |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | 2016-02 |
        | includeReferrals | referralSearchPeriod | 2015-12-01 | null |
        | includeReferrals | referralSearchPeriod | 2018 | 2019 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | StartDate | endDate |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | X2014 | 2015-12-01 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | X2014-02 | 2015-12-01 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | X2015-10-23T11:08:32 | 2016-01-12 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | X2015-10-23T11:08:32+00:00 | 2015-10-30 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod |  | 2019-01-01 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2014 | 2015-01-01 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2014-02 | 2016-01-30 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | null | 2019-11-11 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | null | null |
        | includeUncategorisedData | uncategorisedDataSearchPeriod |  |  |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 |  |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | X2016-02 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | X2016-10-23T11:08:32+00:00 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | 2015 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | 2016-02 |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2015-12-01 | null |
        | includeUncategorisedData | uncategorisedDataSearchPeriod | 2018 | 2019 |

    Scenario Outline: the official malformed dates: <parameter>.<part> = "<date>"
      Given a structured record request for "patient1"
      And the parameter "<parameter>" with "<part>" = date "<date>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | parameter | part | date |
        | includeMedication | medicationSearchFromDate | X2014 |
        | includeMedication | medicationSearchFromDate | X2014-02 |
        | includeMedication | medicationSearchFromDate | X2015-10-23T11:08:32 |
        | includeMedication | medicationSearchFromDate | X2015-10-23T11:08:32+00:00 |
        | includeMedication | medicationSearchFromDate |  |
        | includeMedication | medicationSearchFromDate | 2014 |
        | includeMedication | medicationSearchFromDate | 2014-02 |
        | includeMedication | medicationSearchFromDate | null |
        | includeDiaryEntries | diaryEntriesSearchDate | X2014 |
        | includeDiaryEntries | diaryEntriesSearchDate | X2014-02 |
        | includeDiaryEntries | diaryEntriesSearchDate | X2015-10-23T11:08:32 |
        | includeDiaryEntries | diaryEntriesSearchDate | X2015-10-23T11:08:32+00:00 |
        | includeDiaryEntries | diaryEntriesSearchDate |  |
        | includeDiaryEntries | diaryEntriesSearchDate | 2014 |
        | includeDiaryEntries | diaryEntriesSearchDate | 2014-02 |
        | includeDiaryEntries | diaryEntriesSearchDate | null |

    Scenario Outline: a period of today alone is fine for <parameter>
      Given a structured record request for "patient2"
      And the parameter "<parameter>" with "<part>" = period "{today}" to "{today}"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome

      Examples:
        | parameter                | part                          |
        | includeInvestigations    | investigationSearchPeriod     |
        | includeReferrals         | referralSearchPeriod          |
        | includeUncategorisedData | uncategorisedDataSearchPeriod |
        | includeConsultations     | consultationSearchPeriod      |

  @RFA-INF-054 @lot1 @must @route-national
  Rule: The "Investigations and results" list (SNOMED 887191000000108) holds DiagnosticReports, those issued within investigationSearchPeriod when given

    Scenario Outline: investigations <period>
      Given a structured record request for "patient2"
      And the parameter "includeInvestigations" with "investigationSearchPeriod" = <period>
      When the request is sent
      Then the "Investigations and results" list has the code 887191000000108
      And the "Investigations and results" list has <count> entries
      And every item of the "Investigations and results" list is a DiagnosticReport that conforms to the "diagnostic-report" schema

      Examples:
        | period                              | count |
        | period from "2020-01-01"            | 1     |
        | period "2019-01-15" to "2023-06-01" | 2     |

    Scenario: no investigation in the period
      Given a structured record request for "patient2"
      And the parameter "includeInvestigations" with "investigationSearchPeriod" = period to "2018-12-31"
      When the request is sent
      Then the "Investigations and results" list has 0 entries

  @RFA-INF-055 @lot1 @must @route-national
  Rule: The "Outbound referral" list (SNOMED 792931000000107) holds ReferralRequests, those authored within referralSearchPeriod when given

    Scenario Outline: referrals <period>
      Given a structured record request for "patient2"
      And the parameter "includeReferrals" with "referralSearchPeriod" = <period>
      When the request is sent
      Then the "Outbound referral" list has the code 792931000000107
      And the "Outbound referral" list has <count> entries
      And every item of the "Outbound referral" list is a ReferralRequest that conforms to the "referral-request" schema

      Examples:
        | period                              | count |
        | period to "2022-12-31"              | 1     |
        | period "2021-07-01" to "2024-03-01" | 2     |

  @RFA-INF-056 @lot1 @must @route-national
  Rule: The "Uncategorised data" list (SNOMED 826501000000100) holds Observations, within uncategorisedDataSearchPeriod when given, undated ones always

    Scenario Outline: uncategorised data <period>
      Given a structured record request for "patient2"
      And the parameter "includeUncategorisedData" with "uncategorisedDataSearchPeriod" = <period>
      When the request is sent
      Then the "Uncategorised data" list has the code 826501000000100
      And the "Uncategorised data" list has <count> entries
      And every item of the "Uncategorised data" list is an Observation that conforms to the "observation" schema

      Examples:
        | period                              | count |
        | period "2022-01-01" to "2023-12-31" | 2     |
        | period from "2024-01-01"            | 2     |

    Scenario: every uncategorised item without a period
      Given a structured record request for "patient2"
      And the parameter "includeUncategorisedData"
      When the request is sent
      Then the "Uncategorised data" list has 4 entries

  @RFA-INF-057 @lot1 @must @route-national
  Rule: The "Patient recall administration" list (SNOMED 714311000000108) holds diary entries up to diaryEntriesSearchDate; a date before today is refused with 422 INVALID_PARAMETER

    Scenario Outline: diary entries up to <date>
      Given a structured record request for "patient2"
      And the parameter "includeDiaryEntries" with "diaryEntriesSearchDate" = date "<date>"
      When the request is sent
      Then the "Patient recall administration" list has the code 714311000000108
      And the "Patient recall administration" list has <count> entries
      And every item of the "Patient recall administration" list is a ProcedureRequest that conforms to the "procedure-request" schema

      Examples:
        | date       | count |
        | 2098-12-31 | 1     |
        | 2099-06-01 | 2     |

    Scenario: no diary entry due by today
      Given a structured record request for "patient2"
      And the parameter "includeDiaryEntries" with "diaryEntriesSearchDate" = date "{today}"
      When the request is sent
      Then the "Patient recall administration" list has 0 entries

    Scenario Outline: diaryEntriesSearchDate "<date>"
      Given a structured record request for "patient2"
      And the parameter "includeDiaryEntries" with "diaryEntriesSearchDate" = date "<date>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | date        |
        | {today-1}   |
        | {today-20}  |
        | 2098        |

  @RFA-INF-058 @lot1 @must @route-national
  Rule: Every clinical list of a record still arriving from a previous practice carries the data-in-transit warning and its note

    Scenario: allergies and medications of patient13
      Given a structured record request for "patient13"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      And the parameter "includeMedication"
      When the request is sent
      Then the Bundle's clinical lists are "Allergies and adverse reactions", "Ended allergies" and "Medications and medical devices"
      And every clinical list carries the warning "data-in-transit"

    Scenario: an empty list of patient13
      Given a structured record request for "patient13"
      And the parameter "includeImmunisations"
      When the request is sent
      Then the "Immunisations" list carries the warning "data-in-transit"

    Scenario: the referrals of patient13
      Given a structured record request for "patient13"
      And the parameter "includeReferrals"
      When the request is sent
      Then the Bundle's clinical lists are "Outbound referral"
      And the "Outbound referral" list carries the warning "data-in-transit"
