Feature: Asking for a patient's structured record
  A clinician's system asks the patient's GP system for their record with
  POST [structured]/Patient/$gpc.getstructuredrecord and a Parameters
  resource naming the patient and the clinical areas wanted. The answer is a
  collection Bundle: the patient, their practice and usual GP, and a List per
  area. What cannot be answered is refused with a GP Connect
  OperationOutcome whose code says why; what is merely not understood is
  answered with a warning. A patient whose record may not be shared is never
  told apart from one who is not held.
  (GP Connect Access Record Structured 1.6: Retrieve a patient's structured
  record; provider test suite Structured*.feature.)

  @RFA-INF-023 @lot1 @must @route-national
  Rule: The structured record is a GPConnect-StructuredRecord-Bundle-1 collection whose id is the request's Ssp-TraceID, holding the patient

    Scenario Outline: the record of <patient> with no clinical area asked for
      Given a structured record request for "<patient>"
      When the request is sent
      Then the response is a structured record Bundle for "<patient>"
      And the Bundle's id is the request's Ssp-TraceID
      And the Bundle's clinical lists are none
      And the Bundle has no OperationOutcome

      Examples:
        | patient  |
        | patient1 |
        | patient2 |
        | patient3 |

    Scenario: the record of patient2 with every clinical area
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      And the parameter "includeMedication"
      And the parameter "includeImmunisations"
      And the parameter "includeUncategorisedData"
      And the parameter "includeInvestigations"
      And the parameter "includeReferrals"
      And the parameter "includeDiaryEntries"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle's id is the request's Ssp-TraceID
      And the Bundle has no OperationOutcome

    Scenario: the record of patient2 with every area the official suite asks for at once, consultations and problems included
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      And the parameter "includeMedication" with "includePrescriptionIssues" = true
      And the parameter "includeConsultations"
      And the parameter "includeProblems"
      And the parameter "includeImmunisations"
      And the parameter "includeUncategorisedData"
      And the parameter "includeInvestigations"
      And the parameter "includeReferrals"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has no OperationOutcome
      And the Bundle holds no resource twice

  @RFA-INF-024 @lot1 @must @route-national
  Rule: The structured record holds the patient's registered practice and usual GP, and every list item, medication, plan and administrative reference resolves within it

    Scenario Outline: <area> for patient2
      Given a structured record request for "patient2"
      And the parameter "<area>"
      When the request is sent
      Then the Bundle holds the patient's registered practice and usual GP
      And every list item and every reference to a medication, plan or administrative resource resolves within the Bundle

      Examples:
        | area                  |
        | includeMedication     |
        | includeProblems       |
        | includeConsultations  |
        | includeImmunisations  |
        | includeInvestigations |
        | includeReferrals      |

    Scenario: allergies, ended ones included, for patient2
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the Bundle holds the patient's registered practice and usual GP
      And every list item and every reference to a medication, plan or administrative resource resolves within the Bundle

    Scenario: the patient alone
      Given a structured record request for "patient1"
      When the request is sent
      Then the Bundle holds the patient's registered practice and usual GP

  @RFA-INF-095 @lot1 @must @route-national
  Rule: A problem linked to an item of another area asked for comes, once, in the "Problems - linked problems not relating to the primary query" list, with its link to that item; an area whose items no problem is linked to brings no problem and no such list

    Scenario Outline: <parameter> of patient2 brings the problem linked to a <type>
      Given a structured record request for "patient2"
      And the parameter "<parameter>"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle's clinical lists are "<list>" and "Problems - linked problems not relating to the primary query"
      And the linked problems list holds every Condition in the Bundle
      And a problem in the Bundle is linked to a <type> that is in the Bundle
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome

      Examples:
        | parameter                | list                          | type              |
        | includeMedication        | Medications and medical devices | MedicationRequest |
        | includeImmunisations     | Immunisations                 | Immunization      |
        | includeUncategorisedData | Uncategorised data            | Observation       |
        | includeInvestigations    | Investigations and results    | DiagnosticReport  |
        | includeReferrals         | Outbound referral             | ReferralRequest   |
        | includeDiaryEntries      | Patient recall administration | ProcedureRequest  |

    Scenario: patient2's medications without issues bring the problem linked to a plan
      Given a structured record request for "patient2"
      And the parameter "includeMedication" with "includePrescriptionIssues" = false
      When the request is sent
      Then the Bundle's clinical lists are "Medications and medical devices" and "Problems - linked problems not relating to the primary query"
      And the linked problems list holds every Condition in the Bundle
      And a problem in the Bundle is linked to a MedicationRequest that is in the Bundle
      And every MedicationStatement in the Bundle has its plan and Medication in it
      And the Bundle holds no resource twice

    Scenario Outline: patient2's allergies, ended ones <ended>, bring the problem linked to an allergy
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = <flag>
      When the request is sent
      Then the Bundle's clinical lists are <lists>
      And the linked problems list holds every Condition in the Bundle
      And a problem in the Bundle is linked to an AllergyIntolerance that is in the Bundle
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome

      Examples:
        | ended    | flag  | lists                                                                                                            |
        | included | true  | "Allergies and adverse reactions", "Ended allergies" and "Problems - linked problems not relating to the primary query" |
        | left out | false | "Allergies and adverse reactions" and "Problems - linked problems not relating to the primary query"                  |

    Scenario Outline: <parameter> of patient3, whose items no problem is linked to
      Given a structured record request for "patient3"
      And the parameter "<parameter>"
      When the request is sent
      Then the response is a structured record Bundle for "patient3"
      And the Bundle's clinical lists are "<list>"
      And the "<list>" list has the code <code>
      And every item of the "<list>" list is a <type> that conforms to the "<schema>" schema
      And the Bundle holds no linked problems list and no Condition
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome

      Examples:
        | parameter                | list                          | code             | type             | schema            |
        | includeImmunisations     | Immunisations                 | 1102181000000102 | Immunization     | immunization      |
        | includeUncategorisedData | Uncategorised data            | 826501000000100  | Observation      | observation       |
        | includeInvestigations    | Investigations and results    | 887191000000108  | DiagnosticReport | diagnostic-report |
        | includeReferrals         | Outbound referral             | 792931000000107  | ReferralRequest  | referral-request  |
        | includeDiaryEntries      | Patient recall administration | 714311000000108  | ProcedureRequest | procedure-request |

    Scenario Outline: <patient>'s allergies, whose allergies no problem is linked to
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = <flag>
      When the request is sent
      Then the response is a structured record Bundle for "<patient>"
      And the Bundle's clinical lists are <lists>
      And the Bundle holds no linked problems list and no Condition
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome

      Examples:
        | patient   | flag  | lists                                                   |
        | patient3  | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient4  | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient6  | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient7  | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient8  | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient12 | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient13 | true  | "Allergies and adverse reactions" and "Ended allergies" |
        | patient3  | false | "Allergies and adverse reactions"                       |
        | patient4  | false | "Allergies and adverse reactions"                       |
        | patient6  | false | "Allergies and adverse reactions"                       |
        | patient7  | false | "Allergies and adverse reactions"                       |
        | patient8  | false | "Allergies and adverse reactions"                       |
        | patient12 | false | "Allergies and adverse reactions"                       |
        | patient13 | false | "Allergies and adverse reactions"                       |

  @RFA-INF-025 @lot1 @must @route-national
  Rule: A request without patientNHSNumber is refused with 422 INVALID_PARAMETER

    Scenario: the parameter is left out
      Given a structured record request for "patient2"
      And the "patientNHSNumber" parameter is removed
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: the parameter is misnamed
      Given a structured record request for "patient2"
      And the "patientNHSNumber" parameter is renamed "invalidNHSNumberParam"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: misnamed, beside an unknown parameter carrying a known part
      Given a structured record request for "patient1"
      And the "patientNHSNumber" parameter is renamed "invalidNHSNumberParam"
      And the parameter "unknownConsultations" with "consultationSearchPeriod" = period "{today-730}" to "{today}"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

  @RFA-INF-026 @lot1 @must @route-national
  Rule: An invalid NHS number in patientNHSNumber is refused with 400 INVALID_NHS_NUMBER

    Scenario Outline: the NHS number "<number>" (<why>)
      Given a structured record request for the NHS number "<number>"
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"

      Examples:
        | number      | why                           |
        | 9990000175  | the check digit is wrong      |
        | 1234567891  | the check digit is wrong      |
        | 999000017   | nine digits                   |
        |             | empty                         |

  @RFA-INF-027 @lot1 @must @route-national
  Rule: A patientNHSNumber in an identifier system other than the NHS number system is refused with 400 INVALID_IDENTIFIER_SYSTEM

    Scenario Outline: the identifier system "<system>"
      Given a structured record request for "patient2"
      And the patientNHSNumber identifier system is "<system>"
      When the request is sent
      Then the request is refused with 400 "INVALID_IDENTIFIER_SYSTEM"

      Examples:
        | system                             |
        | Invalid-System                     |
        | http://fhir.nhs.net/Id/nhs-number  |
        |                                    |

  @RFA-INF-028 @lot1 @must @route-national
  Rule: A body that is not a Parameters resource as the OperationDefinition allows is refused with 422 INVALID_RESOURCE

    Scenario: a body that is not JSON
      Given a structured record request with the body:
        """
        {"resourceType": "Parameters", "parameter": [
        """
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: a Bundle instead of Parameters
      Given a structured record request with the body:
        """
        {"resourceType": "Bundle", "type": "collection"}
        """
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: a part parameter given twice
      Given a structured record request for "patient2"
      And the parameter "includeMedication" with "includePrescriptionIssues" = true
      And the parameter "includeMedication" with "includePrescriptionIssues" = false
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: a parameter given twice
      Given a structured record request for "patient2"
      And the parameter "includeImmunisations"
      And a second "includeImmunisations" parameter
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

  @RFA-INF-029 @lot1 @must @route-national
  Rule: Unrecognised parameters and part parameters are answered, with one OperationOutcome warning for each in the Bundle

    Scenario: an unknown top-level parameter
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "inlcudeUnknownAllergies"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has an OperationOutcome with 1 warning
      And the Bundle warns that "inlcudeUnknownAllergies" is an unrecognised parameter

    Scenario: an unknown part parameter
      Given a structured record request for "patient6"
      And the parameter "includeImmunisations" with "madeUp" = true
      When the request is sent
      Then the response is a structured record Bundle for "patient6"
      And the Bundle has an OperationOutcome with 1 warning
      And the Bundle warns that "madeUp" is an unrecognised parameter
      And the Bundle's clinical lists are "Immunisations"

    Scenario Outline: <part> under includeAllergies
      Given a structured record request for "patient1"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeAllergies" with "<part>" = <value>
      When the request is sent
      Then the response is a structured record Bundle for "patient1"
      And the Bundle has an OperationOutcome with 1 warning
      And the Bundle warns that "<part>" is an unrecognised parameter

      Examples:
        | part                      | value                               |
        | includePrescriptionIssues | false                               |
        | timePeriod                | period "{today-730}" to "{today}"   |
        | timePeriod                | period from "{today-730}"           |

    Scenario: an unknown part under includeProblems
      Given a structured record request for "patient2"
      And the parameter "includeProblems" with "madeUpProblems" = code "madeUpProblemsValue1"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has an OperationOutcome with 1 warning
      And the Bundle warns that "madeUpProblems" is an unrecognised parameter

    Scenario: a consultation search period sent without includeConsultations
      Given a structured record request for "patient2"
      And the parameter "consultationSearchPeriod"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle has an OperationOutcome with 1 warning
      And the Bundle warns that "consultationSearchPeriod" is an unrecognised parameter

    Scenario: three unknown parameters
      Given a structured record request for "patient2"
      And the parameter "includeMadeUpParam" with "madeUpPartParam1" = true
      And the parameter "madeUpImmunizations"
      And the parameter "includeConsults"
      When the request is sent
      Then the Bundle has an OperationOutcome with 3 warnings
      And the Bundle warns that "includeMadeUpParam" is an unrecognised parameter
      And the Bundle warns that "madeUpImmunizations" is an unrecognised parameter
      And the Bundle warns that "includeConsults" is an unrecognised parameter

  @RFA-INF-030 @lot1 @must @route-national
  Rule: The record of a patient not held, deceased or no longer registered is refused with 404 PATIENT_NOT_FOUND

    Scenario Outline: <patient> (<why>)
      Given a structured record request for "<patient>"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = true
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

      Examples:
        | patient            | why                  |
        | patientNotInSystem | not held             |
        | patient18          | deceased             |
        | patient21          | registration ended   |

  @RFA-INF-031 @lot1 @must @route-national
  Rule: The record of a sensitive patient is refused with 404 PATIENT_NOT_FOUND

    Scenario Outline: patient9 asked for <area>
      Given a structured record request for "patient9"
      And the parameter "<area>"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

      Examples:
        | area                  |
        | includeMedication     |
        | includeImmunisations  |
        | includeConsultations  |

  @RFA-INF-032 @lot1 @must @route-national
  Rule: The record of a patient not registered here as Regular/GMS is refused with 404 PATIENT_NOT_FOUND

    Scenario: a temporary resident
      Given a structured record request for "patient14"
      And the parameter "includeMedication"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

  @RFA-INF-033 @lot1 @must @route-national
  Rule: The record of a patient whose NHS number is not verified is refused with 404 PATIENT_NOT_FOUND

    Scenario: an NHS number present but not traced
      Given a structured record request for "patient19"
      And the parameter "includeMedication"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

  @RFA-INF-034 @lot1 @must @route-national
  Rule: The record of a patient who dissented from sharing is refused with 403 NO_PATIENT_CONSENT

    Scenario: a patient who dissented
      Given a structured record request for "patient15"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the request is refused with 403 "NO_PATIENT_CONSENT"
