Feature: Allergies in the structured record
  includeAllergies answers with the "Allergies and adverse reactions" list of
  the patient's current allergies and, when includeResolvedAllergies is
  true, the "Ended allergies" list. A list with nothing in it says why; a
  recorded "no known allergy" is an allergy record, not an empty list; an
  item the patient or clinician made confidential is left out and its list
  says that something was.
  (GP Connect Access Record Structured 1.6: Allergies; provider test suite
  StructuredAllergies.feature.)

  @RFA-INF-035 @lot1 @must @route-national
  Rule: The "Allergies and adverse reactions" list (SNOMED 886921000000105) holds exactly the patient's current allergies, each a conformant CareConnect-GPC-AllergyIntolerance-1

    Scenario Outline: <patient>'s current allergies
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the response is a structured record Bundle for "<patient>"
      And the "Allergies and adverse reactions" list has the code 886921000000105
      And the "Allergies and adverse reactions" list has <count> entries
      And every item of the "Allergies and adverse reactions" list is an AllergyIntolerance that conforms to the "allergy-intolerance" schema
      And every item of the "Allergies and adverse reactions" list has "clinicalStatus" = "active"

      Examples:
        | patient   | count |
        | patient2  | 2     |
        | patient3  | 1     |
        | patient16 | 1     |

    Scenario: the current allergies when ended ones are asked for too
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the "Allergies and adverse reactions" list has 2 entries
      And every item of the "Allergies and adverse reactions" list is an AllergyIntolerance that conforms to the "allergy-intolerance" schema
      And every item of the "Allergies and adverse reactions" list has "clinicalStatus" = "active"
      And every item of the "Ended allergies" list is an AllergyIntolerance that conforms to the "allergy-intolerance" schema

  @RFA-INF-036 @lot1 @must @route-national
  Rule: The "Ended allergies" list (SNOMED 1103671000000101) is returned exactly when includeResolvedAllergies is true, holding the resolved allergies with their end, a legacy allergy whose end reason was never recorded with the reason "No information available"

    Scenario Outline: <patient>'s ended allergies
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the Bundle's clinical lists are <lists>
      And the "Ended allergies" list has the code 1103671000000101
      And the "Ended allergies" list has <count> entries
      And every item of the "Ended allergies" list is an AllergyIntolerance that conforms to the "allergy-intolerance" schema
      And every item of the "Ended allergies" list has "clinicalStatus" = "resolved"

      Examples:
        | patient   | count | lists                                                                                                                  |
        | patient2  | 1     | "Allergies and adverse reactions", "Ended allergies" and "Problems - linked problems not relating to the primary query" |
        | patient16 | 1     | "Allergies and adverse reactions" and "Ended allergies"                                                                |
        | patient17 | 2     | "Allergies and adverse reactions" and "Ended allergies"                                                                |

    Scenario: patient16's legacy ended allergy
      Given a structured record request for "patient16"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the Bundle's clinical lists are "Allergies and adverse reactions" and "Ended allergies"
      And every item of the "Ended allergies" list is an AllergyIntolerance that conforms to the "allergy-intolerance" schema
      And every item of the "Ended allergies" list has the end reason "No information available"

    Scenario Outline: no ended allergies list for <patient> when they are not asked for
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the Bundle's clinical lists are <lists>

      Examples:
        | patient   | lists                                                                                              |
        | patient2  | "Allergies and adverse reactions" and "Problems - linked problems not relating to the primary query" |
        | patient17 | "Allergies and adverse reactions"                                                                  |

  @RFA-INF-037 @lot1 @must @route-national
  Rule: A clinical list with nothing in it is empty with the reason no-content-recorded and the note "Information not available"; a coded "no known allergy" is returned as an allergy

    Scenario: a patient with no allergy recorded
      Given a structured record request for "patient1"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the "Allergies and adverse reactions" list is empty with the reason "no-content-recorded"
      And the "Ended allergies" list is empty with the reason "no-content-recorded"

    Scenario: a patient whose allergies have all ended
      Given a structured record request for "patient17"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the "Allergies and adverse reactions" list is empty with the reason "no-content-recorded"

    Scenario: a patient with no medication
      Given a structured record request for "patient3"
      And the parameter "includeMedication"
      When the request is sent
      Then the Bundle's clinical lists are "Medications and medical devices"
      And the "Medications and medical devices" list is empty with the reason "no-content-recorded"

    Scenario: a patient with no consultation
      Given a structured record request for "patient1"
      And the parameter "includeConsultations"
      When the request is sent
      Then the "List of consultations" list is empty with the reason "no-content-recorded"

    Scenario Outline: a patient with nothing in <list>
      Given a structured record request for "patient4"
      And the parameter "<parameter>"
      When the request is sent
      Then the "<list>" list is empty with the reason "no-content-recorded"

      Examples:
        | parameter                | list                         |
        | includeProblems          | Problems                     |
        | includeImmunisations     | Immunisations                |
        | includeInvestigations    | Investigations and results   |
        | includeReferrals         | Outbound referral            |
        | includeUncategorisedData | Uncategorised data           |
        | includeDiaryEntries      | Patient recall administration |

    Scenario: a patient with a coded "no known allergy"
      Given a structured record request for "patient5"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the "Allergies and adverse reactions" list has 1 entry
      And every item of the "Allergies and adverse reactions" list has "code.coding.code" = "716186003"

  @RFA-INF-038 @lot1 @must @route-national
  Rule: Confidential items are left out of the record, and every list they would have been in carries the confidential-items warning and its note

    Scenario Outline: <patient>'s confidential allergy
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then no AllergyIntolerance in the Bundle has the code 300916003
      And the "Allergies and adverse reactions" list carries the warning "confidential-items"

      Examples:
        | patient   |
        | patient2  |
        | patient16 |

    Scenario: patient2's confidential medication
      Given a structured record request for "patient2"
      And the parameter "includeMedication"
      When the request is sent
      Then no Medication in the Bundle has the code 321959007
      And the Bundle holds 2 MedicationStatement resources
      And the "Medications and medical devices" list carries the warning "confidential-items"

    Scenario: patient16's confidential referral
      Given a structured record request for "patient16"
      And the parameter "includeReferrals"
      When the request is sent
      Then the Bundle's clinical lists are "Outbound referral"
      And the "Outbound referral" list has 0 entries
      And the "Outbound referral" list carries the warning "confidential-items"

  @RFA-INF-039 @lot1 @must @route-national
  Rule: includeAllergies without its includeResolvedAllergies part, or with it unset, is refused with 422 INVALID_PARAMETER

    Scenario: the part is left out
      Given a structured record request for "patient2"
      And the parameter "includeAllergies"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: the part has no value
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = nothing
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: the only part is unknown
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "RubbishPartParameter" = true
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
