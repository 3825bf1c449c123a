Feature: Interoperability across care settings
  Other care settings (an acute hospital, a community nursing service, an
  out-of-hours service) read a patient's record through the same API, as
  themselves: the JWT's requesting_organization carries their own ODS code
  (profile §35). A care setting's sharing agreement with the practice may
  narrow the parts of the structured record it reads; anything beyond it is
  refused (other organisations read under the national data-sharing
  agreement, RFA-INF-066). The patient's dissent binds every care setting.
  They read; they do not write into the GP record: what they send by GP
  Connect Update Record waits for a clinician (profile §36.1). Their access
  is audited under their own organisation.
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

  @RFA-XCS-005 @lot3 @must @consumer @route-readback
  Rule: Another care setting does not write into the GP record: what it sends by GP Connect Update Record waits for a clinician to accept it, provisional at most until then
    A community pharmacy sends the consultation summary of a blood pressure
    check (Update Record, ITK3 over MESH). Update Record's guide: the data
    goes to a holding area, "There is no intention of auto-filing any
    payloads at this time": it is held apart, or filed "as provisional until
    a clinician reviews and accepts" it, so before then the record shows it
    as provisional at most. A message holding a profile out of its scope (a
    Flag) is refused whole with 20009, and files nothing.

    Scenario: a pharmacy's blood pressure check, accepted by a clinician
      Given a community pharmacy's blood pressure check for "patient20" sent by GP Connect Update Record
      When the candidate is asked to collect the Update Record message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Update Record message with 20013 then 30001
      And the structured record of "patient20" shows the reading sent as provisional at most
      When a clinician is asked to accept the consultation summary sent for "patient20"
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

    Scenario: a message holding a profile Update Record leaves out
      Given a community pharmacy's blood pressure check for "patient20" sent by GP Connect Update Record
      And the Update Record message carries a Flag
      When the candidate is asked to collect the Update Record message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Update Record message with 20009
      When a clinician is asked to accept the consultation summary sent for "patient20"
      Then the structured record of "patient20" does not show the entry

    Scenario: a patient not registered here
      Given a community pharmacy's blood pressure check for "patient20" sent by GP Connect Update Record
      And the Update Record message is about "patientNotInSystem"
      When the candidate is asked to collect the Update Record message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Update Record message with 20013 then 30002
      And the structured record of "patient20" does not show the entry
