Feature: Interoperability across care settings
  Other care settings (an acute hospital, a community nursing service, an
  out-of-hours service) read a patient's record through the same API, as
  themselves: the JWT's requesting_organization carries their own ODS code
  (profile §35). A care setting's sharing agreement with the practice may
  narrow the parts of the structured record it reads; anything beyond it is
  refused (other organisations read under the national data-sharing
  agreement, RFA-INF-066). The patient's dissent binds every care setting. They read; they do not write into the
  GP record. Their access is audited under their own organisation.
  The agreements are the test data's (fixtures/manifest.toml,
  `care_settings`): a supplier sets up the same ones.

  @RFA-XCS-001 @lot3 @must @route-national
  Rule: A care setting with a sharing agreement reads the parts of the structured record its agreement covers

    Scenario: the hospital reads the record
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeMedication"
      And the parameter "includeProblems"
      And the parameter "includeConsultations"
      And the parameter "includeImmunisations"
      And the request comes from the organisation "hospital"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

    Scenario: the community nursing service reads allergies, medications and problems
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeMedication"
      And the parameter "includeProblems"
      And the request comes from the organisation "community"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

    Scenario: the out-of-hours service reads allergies and medications
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeMedication"
      And the request comes from the organisation "outOfHours"
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

  @RFA-XCS-002 @lot3 @must @route-national
  Rule: A part of the record beyond a care setting's sharing agreement is refused with 403 NO_RELATIONSHIP

    Scenario: the out-of-hours service asks for consultations
      Given a structured record request for "patient2"
      And the parameter "includeMedication"
      And the parameter "includeConsultations"
      And the request comes from the organisation "outOfHours"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the out-of-hours service asks for problems
      Given a structured record request for "patient2"
      And the parameter "includeProblems"
      And the request comes from the organisation "outOfHours"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the community nursing service asks for consultations
      Given a structured record request for "patient2"
      And the parameter "includeProblems"
      And the parameter "includeConsultations"
      And the request comes from the organisation "community"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the out-of-hours service asks for immunisations
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeImmunisations"
      And the request comes from the organisation "outOfHours"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the community nursing service asks for investigations
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the parameter "includeInvestigations" with "investigationSearchPeriod" = period "{today}" to "{today}"
      And the request comes from the organisation "community"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

  @RFA-XCS-003 @lot3 @must @route-national
  Rule: A patient's dissent from sharing binds every care setting: 403 NO_PATIENT_CONSENT

    Scenario Outline: the <setting> asks for a patient who dissented
      Given a structured record request for "patient15"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the request comes from the organisation "<setting>"
      When the request is sent
      Then the request is refused with 403 "NO_PATIENT_CONSENT"

      Examples:
        | setting    |
        | hospital   |
        | outOfHours |

  @RFA-XCS-004 @lot3 @must @route-extension
  Rule: A care setting's reading of the record is audited under its own organisation

    Scenario Outline: the <setting> reads medications
      Given a structured record request for "patient2"
      And the parameter "includeMedication"
      And the request comes from the organisation "<setting>"
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit records name the requesting practitioner and organisation

      Examples:
        | setting    |
        | hospital   |
        | community  |

  @RFA-XCS-005 @lot3 @must @route-extension
  Rule: Another care setting reads but does not write into the GP record: recording is refused with 403 NO_RELATIONSHIP

    Scenario: the hospital records a problem
      Given a Condition for "patient20"
      And the request comes from the organisation "hospital"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the community nursing service records an allergy
      Given an AllergyIntolerance for "patient20"
      And the request comes from the organisation "community"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: the out-of-hours service records an encounter
      Given an Encounter for "patient20"
      And the request comes from the organisation "outOfHours"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"
