Feature: Only legitimate, authorised access to patient records
  A record is read and written only by a consumer whose token allows it:
  writing needs patient/*.write, reading patient data needs patient/*.read
  (organization/*.read is for directory data), writes are for direct care,
  and the requesting organisation must have a legitimate relationship with
  the practice's patients. An entry the practice records as confidential is
  withheld from what other systems see through GP Connect, with a warning
  that items were left out (GP Connect's confidential items). (Profile:
  docs/profile.md, "Access to patient records"; GP Connect's
  requested_scope table and 403 NO_RELATIONSHIP.)

  @RFA-REC-029 @lot1 @must @route-extension
  Rule: Recording or amending an entry, or registering a patient, needs requested_scope patient/*.write; anything less is refused with 400 BAD_REQUEST

    Scenario Outline: recording a <type> with <scope>
      Given a <type> for "patient20"
      And the JWT claim "requested_scope" is set to "<scope>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

      Examples:
        | type        | scope               |
        | Condition   | patient/*.read      |
        | Observation | patient/*.read      |
        | Encounter   | organization/*.read |

    Scenario Outline: registering a patient with <scope>
      Given a registration of "<patient>"
      And the JWT claim "requested_scope" is set to "<scope>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

      Examples:
        | scope               | patient   |
        | patient/*.read      | refused1  |
        | organization/*.read | refused2  |

    Scenario: amending with patient/*.read
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      And the JWT claim "requested_scope" is set to "patient/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And "asthma" reads back as last accepted, at version 1

  @RFA-REC-030 @lot1 @must @route-extension
  Rule: A token scoped organization/*.read cannot read patient data: entry reads, searches and histories are refused with 400 BAD_REQUEST

    Scenario: reading an entry
      Given a Condition "asthma" recorded for "patient20"
      And a read of "asthma"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: searching entries
      Given an Observation search for "patient20"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: an entry's history
      Given an AllergyIntolerance "penicillin" recorded for "patient20"
      And the history of "penicillin"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

    Scenario: reading the patient
      Given a patient read of "patient20"
      And the JWT claim "requested_scope" is set to "organization/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  @RFA-REC-031 @lot1 @must @route-extension
  Rule: Entries are recorded and amended for direct care only: another reason_for_request is refused with 400 BAD_REQUEST

    Scenario: recording for migration
      Given a Condition for "patient20"
      And the JWT claim "reason_for_request" is set to "migration"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

    Scenario: amending for secondary uses
      Given an Encounter "visit" recorded for "patient20"
      And an amendment of "visit"
      And the entry's status is "cancelled"
      And the JWT claim "reason_for_request" is set to "secondaryuses"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And "visit" reads back as last accepted, at version 1

  @RFA-REC-032 @lot1 @must @route-extension
  Rule: An organisation with no legitimate relationship to the practice's patients is refused with 403 NO_RELATIONSHIP

    Scenario: recording from an unrelated organisation
      Given an Observation for "patient20"
      And the request comes from the organisation "orgNotInSystem"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"
      And nothing was stored

    Scenario: searching from an unrelated organisation
      Given a Condition search for "patient20"
      And the request comes from the organisation "orgNotInSystem"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

    Scenario: reading from an unrelated organisation
      Given a Condition "asthma" recorded for "patient20"
      And a read of "asthma"
      And the request comes from the organisation "orgNotInSystem"
      When the request is sent
      Then the request is refused with 403 "NO_RELATIONSHIP"

  @RFA-REC-033 @lot1 @must @route-readback
  Rule: An entry recorded as confidential is withheld from the structured record, and the list it belongs in warns that items were left out

    Scenario Outline: a confidential <type>
      Given a <type> to record for "patient20"
      And the entry to record is restricted
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" withholds the entry as confidential

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

    Scenario: control: the same allergy, not confidential, is shown
      Given an AllergyIntolerance to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
