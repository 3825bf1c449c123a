Feature: Medications in the structured record
  includeMedication answers with the "Medications and medical devices" list
  of MedicationStatements. Each statement rests on its authorisation (a
  MedicationRequest with intent plan) and names its Medication; issues
  (MedicationRequests with intent order) come too unless
  includePrescriptionIssues is false. medicationSearchFromDate keeps the
  medications current on or after that date.
  (GP Connect Access Record Structured 1.6: Medications; provider test
  suite StructuredMedications.feature.)

  @RFA-INF-040 @lot1 @must @route-national
  Rule: The "Medications and medical devices" list (SNOMED 933361000000108) holds conformant MedicationStatements, each with its plan and Medication in the Bundle

    Scenario Outline: <patient>'s medications
      Given a structured record request for "<patient>"
      And the parameter "includeMedication"
      When the request is sent
      Then the response is a structured record Bundle for "<patient>"
      And the "Medications and medical devices" list has the code 933361000000108
      And the "Medications and medical devices" list has <count> entries
      And every item of the "Medications and medical devices" list is a MedicationStatement that conforms to the "medication-statement" schema
      And every MedicationStatement in the Bundle has its plan and Medication in it

      Examples:
        | patient  | count |
        | patient2 | 2     |
        | patient7 | 4     |

    Scenario: a medication linked to a problem brings the problem
      Given a structured record request for "patient2"
      And the parameter "includeMedication"
      When the request is sent
      Then the Bundle's clinical lists are "Medications and medical devices" and "Problems - linked problems not relating to the primary query"

    Scenario: patient12's medication prescribed elsewhere
      Given a structured record request for "patient12"
      And the parameter "includeMedication" with "includePrescriptionIssues" = true
      When the request is sent
      Then the response is a structured record Bundle for "patient12"
      And the Bundle's clinical lists are "Medications and medical devices"
      And the "Medications and medical devices" list has 1 entry
      And every item of the "Medications and medical devices" list is a MedicationStatement that conforms to the "medication-statement" schema
      And every MedicationStatement in the Bundle has its plan and Medication in it
      And the Bundle holds no resource twice

  @RFA-INF-041 @lot1 @must @route-national
  Rule: Prescription issues are returned, each based on its plan, unless includePrescriptionIssues is false

    Scenario Outline: <patient> with issues
      Given a structured record request for "<patient>"
      And the parameter "includeMedication" with "includePrescriptionIssues" = true
      When the request is sent
      Then the Bundle holds <issues> MedicationRequest resources with "intent" = "order"
      And every prescription issue in the Bundle is based on a plan in it

      Examples:
        | patient  | issues |
        | patient2 | 4      |
        | patient7 | 7      |

    Scenario: issues are the default
      Given a structured record request for "patient7"
      And the parameter "includeMedication"
      When the request is sent
      Then the Bundle holds 7 MedicationRequest resources with "intent" = "order"

    Scenario Outline: <patient> without issues
      Given a structured record request for "<patient>"
      And the parameter "includeMedication" with "includePrescriptionIssues" = false
      When the request is sent
      Then the Bundle holds 0 MedicationRequest resources with "intent" = "order"
      And the Bundle holds <plans> MedicationRequest resources with "intent" = "plan"

      Examples:
        | patient  | plans |
        | patient2 | 2     |
        | patient7 | 4     |

  @RFA-INF-042 @lot1 @must @route-national
  Rule: medicationSearchFromDate returns the medications current on or after that date, and those prescribed elsewhere

    Scenario Outline: <patient>'s medications from <from>
      Given a structured record request for "<patient>"
      And the parameter "includeMedication" with "medicationSearchFromDate" = date "<from>"
      When the request is sent
      Then the "Medications and medical devices" list has <count> entries

      Examples:
        | patient  | from       | count |
        | patient2 | 2021-01-01 | 1     |
        | patient7 | 2022-01-01 | 3     |
        | patient7 | 2017-01-01 | 4     |

  @RFA-INF-043 @lot1 @must @route-national
  Rule: A medicationSearchFromDate after today, or not a whole date, is refused with 422 INVALID_PARAMETER

    Scenario Outline: medicationSearchFromDate "<date>"
      Given a structured record request for "patient2"
      And the parameter "includeMedication" with "medicationSearchFromDate" = date "<date>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | date                      |
        | {today+1}                 |
        | 2014                      |
        | 2014-02                   |
        | 2015-10-23T11:08:32       |
        | 2015-10-23T11:08:32+00:00 |
        | X2014-01-01               |
