Feature: Amending clinical entries without losing anything
  A clinician amends an entry: a problem resolved, a measurement
  corrected. The amendment shows wherever the record is read, once, and
  an entry marked entered in error is no longer shown. The candidate is
  asked to amend as its clinician would (trigger action `amend-entry`, or
  the tester), and the result is read back through Access Record
  Structured. What no national interface shows — concurrent amendments,
  the versions kept, an entry that cannot move or be deleted — is judged
  on the profile's own write API: an entry is amended by sending it back
  whole with If-Match naming the version the clinician saw; a stale version
  is refused, so two clinicians working on one entry cannot silently
  overwrite each other; every version is kept and can be read; and nothing
  is deleted. (Profile: docs/profile.md, "Amending clinical entries";
  GP Connect's own rules for amending appointments: If-Match, 409
  FHIR_CONSTRAINT_VIOLATION for a stale version.)

  @RFA-REC-013 @lot1 @must @route-readback
  Rule: An amendment the candidate makes shows in the structured record: the entry reads back amended, once

    Scenario: a Condition resolved
      Given a Condition to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      When the candidate is asked to amend the entry's status to "resolved"
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

    Scenario: an Observation corrected
      Given an Observation to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      When the candidate is asked to amend the entry's value to "74.1"
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

    Scenario: amended twice
      Given an AllergyIntolerance to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      When the candidate is asked to amend the entry's status to "resolved"
      Then the candidate carried out the action
      When the candidate is asked to amend the entry's status to "active"
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-016 @lot1 @must @route-extension
  Rule: Of two amendments of the same version made at once, exactly one is accepted

    Scenario: two clinicians amend one problem at the same moment
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      When the amendment is sent twice at once
      Then exactly one of the two amendments was accepted and the other refused with 409 "FHIR_CONSTRAINT_VIOLATION"

  @RFA-REC-017 @lot1 @must @route-extension
  Rule: Every version of an entry is kept: the history lists them newest first, and each can be read

    Scenario: the history after an amendment
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      When the request is sent
      Then the amendment is accepted at version 2
      Given the history of "asthma"
      When the request is sent
      Then the response is a history of "asthma" with versions 2 and 1

    Scenario: the first version read after an amendment
      Given an Observation "weight" recorded for "patient20"
      And an amendment of "weight"
      And the entry's status is "amended"
      And the entry's "valueQuantity.value" is 80
      When the request is sent
      Then the amendment is accepted at version 2
      Given a read of version 1 of "weight"
      When the request is sent
      Then the response is version 1 of "weight" as first recorded

  @RFA-REC-018 @lot1 @must @route-extension
  Rule: An amendment cannot move an entry to another patient's record (422 INVALID_RESOURCE), nor change its id

    Scenario: moved to another patient
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry is for "patient10"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Condition.subject"
      And "asthma" reads back as last accepted, at version 1

    Scenario: an id that is not the one in the URL
      Given an Encounter "visit" recorded for "patient20"
      And an amendment of "visit"
      And the entry's "id" is "another-id"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And "visit" reads back as last accepted, at version 1

  @RFA-REC-019 @lot1 @must @route-extension
  Rule: Entries are never deleted: DELETE is refused with an OperationOutcome and the entry remains

    Scenario Outline: deleting a <type>
      Given a <type> "entry" recorded for "patient20"
      And a deletion of "entry"
      When the request is sent
      Then the request is refused with an OperationOutcome
      And "entry" reads back as last accepted, at version 1

      Examples:
        | type               |
        | Condition          |
        | AllergyIntolerance |

  @RFA-REC-020 @lot1 @must @route-readback
  Rule: An entry marked entered in error is no longer shown in the structured record

    Scenario Outline: a <type> entered in error
      Given a <type> to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
      When the candidate is asked to mark the entry entered in error
      Then the candidate carried out the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |
